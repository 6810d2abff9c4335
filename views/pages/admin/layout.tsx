// The operators' pages share one frame: the page shell, a sub-navigation, and a notice or alert line.
import type { PropsWithChildren } from "@kitajs/html";
import { BaseLayout } from "../../layouts/base.tsx";
import type { PageContext } from "../../types.ts";

const SECTIONS: Array<[string, "admin.nav.overview" | "admin.nav.users" | "admin.nav.plans" | "admin.nav.catalog" | "admin.nav.audit"]> = [
  ["/admin", "admin.nav.overview"],
  ["/admin/users", "admin.nav.users"],
  ["/admin/plans", "admin.nav.plans"],
  ["/admin/catalog", "admin.nav.catalog"],
  ["/admin/audit", "admin.nav.audit"],
];

export function AdminLayout(props: PropsWithChildren<{ ctx: PageContext; title: string; notice?: string; alert?: string }>): JSX.Element {
  const { ctx } = props;
  const current = (href: string) => (href === "/admin" ? ctx.path === "/admin" : ctx.path.startsWith(href));
  return (
    <BaseLayout ctx={ctx} title={props.title}>
      <nav class="tabs admin below" aria-label={ctx.t("admin.title")}>
        {SECTIONS.map(([href, key]) => <a href={href} aria-current={current(href) ? "page" : undefined} safe>{ctx.t(key)}</a>)}
      </nav>
      <h1 safe>{props.title}</h1>
      {props.notice ? <p class="success" role="status" safe>{props.notice}</p> : ""}
      {props.alert ? <p class="alert" role="alert" safe>{props.alert}</p> : ""}
      {props.children}
    </BaseLayout>
  );
}

/** The hidden CSRF field every admin form carries. */
export function Csrf(props: { ctx: PageContext }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.ctx.csrf} />;
}

/** An option of a select, selected when it is the current value. */
export function Option(props: { value: string; current: string; label: string }): JSX.Element {
  return <option value={props.value} selected={props.value === props.current} safe>{props.label}</option>;
}
