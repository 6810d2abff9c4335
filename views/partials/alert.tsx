// An alert line (a refused form, a missing key): the fragment htmx swaps in, and the body of error pages.
import type { PropsWithChildren } from "@kitajs/html";

export function Alert(props: { message: string }): JSX.Element {
  return <p class="alert" role="alert" safe>{props.message}</p>;
}

/** The document every error page shares: no layout (it may answer before any page context exists), the console's CSS. */
export function ErrorShell(props: PropsWithChildren<{ lang: string; title: string }>): JSX.Element {
  return (
    <>
      {"<!doctype html>"}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} · AI Hub`}</title>
          <link rel="stylesheet" href="/static/app.css" />
        </head>
        <body>
          <main id="main" class="container">{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A minimal page around an alert, for errors answered before any page context exists. */
export function ErrorPage(props: { status: number; message: string; lang?: string }): JSX.Element {
  return (
    <ErrorShell lang={props.lang ?? "en"} title={String(props.status)}>
      <Alert message={props.message} />
      <p><a href="/">AI Hub</a></p>
    </ErrorShell>
  );
}
