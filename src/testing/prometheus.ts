// Reads Prometheus text exposition back into numbers for the metrics tests: enough of the format to check what /metrics says.

/** One scrape: each sample's value by its name and labels (labels in any order). */
export interface Scrape {
  /** The sample's value; undefined when the series is absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every series of `name`, as their label sets. */
  series(name: string): Array<Record<string, string>>;
}

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function keyOf(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",")}}`;
}

/** Parses exposition text (comments skipped; label values unescaped). */
export function parseExposition(text: string): Scrape {
  const values = new Map<string, number>();
  const byName = new Map<string, Array<Record<string, string>>>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = line.lastIndexOf(" ");
    const name = brace === -1 ? line.slice(0, space) : line.slice(0, brace);
    const labels: Record<string, string> = {};
    if (brace !== -1) {
      for (const [, k, v] of line.slice(brace, line.lastIndexOf("}") + 1).matchAll(LABEL)) labels[k!] = v!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    values.set(keyOf(name, labels), Number(line.slice(space + 1)));
    byName.set(name, [...(byName.get(name) ?? []), labels]);
  }
  return {
    value: (name, labels = {}) => values.get(keyOf(name, labels)),
    series: (name) => byName.get(name) ?? [],
  };
}
