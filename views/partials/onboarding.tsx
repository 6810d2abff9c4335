// The dashboard's first steps for a new account: create a key → copy a ready snippet → make a call, ticked from the server's state.
import type { PropsWithChildren } from "@kitajs/html";
import type { OnboardingState, PageContext } from "../types.ts";
import { CallSnippets } from "./snippets.tsx";

function Step(props: PropsWithChildren<{ ctx: PageContext; n: number; done: boolean; title: string }>): JSX.Element {
  const { ctx } = props;
  return (
    <li class={`step${props.done ? " done" : ""}`} data-step={String(props.n)}>
      <span class="mark" aria-hidden="true" safe>{props.done ? "✓" : String(props.n)}</span>
      <div>
        <h3><span safe>{props.title}</span> <span class="sr-only" safe>{`(${props.done ? ctx.t("onboarding.done") : ctx.t("onboarding.todo")})`}</span></h3>
        {props.children}
      </div>
    </li>
  );
}

/** The three steps; once a call has arrived they are all ticked, and the panel says so. */
export function Onboarding(props: { ctx: PageContext; state: OnboardingState }): JSX.Element {
  const { ctx, state } = props;
  const keyDone = state.hasKey || state.hasCall;
  return (
    <section class="card spaced onboarding" id="onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title" safe>{ctx.t("onboarding.title")}</h2>
      {state.hasCall ? <p class="success" role="status" safe>{ctx.t("onboarding.complete")}</p> : <p class="muted" safe>{ctx.t("onboarding.lead")}</p>}
      <ol class="steps">
        <Step ctx={ctx} n={1} done={keyDone} title={ctx.t("onboarding.step1")}>
          {keyDone ? "" : (
            <>
              <p class="muted" safe>{ctx.t("onboarding.step1Hint")}</p>
              <a class="button" href="/dashboard/api-keys#name" safe>{ctx.t("onboarding.step1Action")}</a>
            </>
          )}
        </Step>
        <Step ctx={ctx} n={2} done={state.hasCall} title={ctx.t("onboarding.step2")}>
          {state.hasCall ? "" : (
            <>
              <p class="muted" safe>{ctx.t("onboarding.step2Hint")}</p>
              <CallSnippets ctx={ctx} target={{ baseUrl: state.baseUrl, model: state.model }} idPrefix="onboarding" only={["curl"]} />
            </>
          )}
        </Step>
        <Step ctx={ctx} n={3} done={state.hasCall} title={ctx.t("onboarding.step3")}>
          {state.hasCall ? "" : (
            <>
              <p class="muted" safe>{ctx.t("onboarding.step3Hint")}</p>
              <p><a class="button secondary" href="/dashboard/playground" safe>{ctx.t("onboarding.step3Action")}</a> <a href="/docs/quickstart" safe>{ctx.t("onboarding.docs")}</a></p>
            </>
          )}
        </Step>
      </ol>
    </section>
  );
}
