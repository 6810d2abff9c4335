// A moment as the console shows it: UTC text that app.js turns into the reader's time zone.

/** A timestamp as ISO in datetime and "YYYY-MM-DD HH:MM:SS" (UTC) as text; app.js may localise it. */
export function Time(props: { iso: string }): JSX.Element {
  return <time datetime={props.iso} data-local safe>{props.iso.replace("T", " ").slice(0, 19)}</time>;
}
