// The console's 404, 500 and 503 pages: in the page's language, with the request id so a report can be traced.
import type { Lang, Translate } from "../../src/console/i18n.ts";
import { ErrorShell } from "../partials/alert.tsx";

export interface ConsoleErrorProps {
  t: Translate;
  lang: Lang;
  status: 404 | 500 | 503;
  path: string;
  requestId: string;
}

export function ConsoleErrorPage(props: ConsoleErrorProps): JSX.Element {
  const { t } = props;
  const title = t(props.status === 404 ? "errorPage.notFound" : props.status === 503 ? "errorPage.unavailable" : "errorPage.internal");
  const hint = props.status === 404 ? t("errorPage.notFoundHint", { path: props.path }) : t(props.status === 503 ? "errorPage.unavailableHint" : "errorPage.internalHint");
  return (
    <ErrorShell lang={props.lang} title={`${props.status} · ${title}`}>
      <h1 safe>{`${props.status} · ${title}`}</h1>
      <p safe>{hint}</p>
      <p class="muted"><span safe>{t("errorPage.requestId")}</span> <code class="mono" safe>{props.requestId}</code></p>
      <p><a class="button" href="/" safe>{t("errorPage.home")}</a> <a class="button secondary" href="/models" safe>{t("nav.models")}</a></p>
    </ErrorShell>
  );
}
