// An alert line (a refused form, a missing key): the fragment htmx swaps in, and the body of error pages.

export function Alert(props: { message: string }): JSX.Element {
  return <p class="alert" role="alert" safe>{props.message}</p>;
}

/** A minimal page around an alert, for errors answered before any page context exists. */
export function ErrorPage(props: { status: number; message: string; lang?: string }): JSX.Element {
  return (
    <>
      {"<!doctype html>"}
      <html lang={props.lang ?? "en"}>
        <head>
          <meta charset="utf-8" />
          <title safe>{`${props.status} · AI Hub`}</title>
          <link rel="stylesheet" href="/static/app.css" />
        </head>
        <body>
          <main class="container">
            <Alert message={props.message} />
            <p><a href="/">AI Hub</a></p>
          </main>
        </body>
      </html>
    </>
  );
}
