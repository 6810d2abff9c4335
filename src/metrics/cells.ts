// Hot-path counters and histograms: plain numbers in cells made once per label set, rendered by prom-client at scrape time.
import { Counter, Histogram, type Registry } from "prom-client";

// prom-client's own children hash their labels into a string on every inc/observe (~170–220 ns each, measured
// in bench/metrics_bench.ts); a cell is a field bump. prom-client still owns the registry and the text format.

/** One label set's count: `add()` is the whole hot-path cost. */
export class CounterCell {
  value = 0;
  add(by = 1): void {
    this.value += by;
  }
}

/** One label set's histogram: a count per bucket (not cumulative), the sum and the count. */
export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

type Labels<T extends string> = Record<T, string>;

function keyOf<T extends string>(names: readonly T[], labels: Labels<T>): string {
  return names.map((n) => labels[n]).join("\u0000");
}

export interface CellMetricOptions<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  registry: Registry;
}

/** A prom-client Counter whose values live in cells: `cell(labels)` once, then `cell.add()` per event. */
export class CellCounter<T extends string> extends Counter<T> {
  readonly #names: readonly T[];
  readonly #cells = new Map<string, { labels: Labels<T>; cell: CounterCell }>();

  constructor(options: CellMetricOptions<T>) {
    super({ name: options.name, help: options.help, labelNames: options.labelNames, registers: [options.registry] });
    this.#names = options.labelNames;
  }

  /** The cell of `labels`, made on first use (the same cell for the same labels). */
  cell(labels: Labels<T>): CounterCell {
    const key = keyOf(this.#names, labels);
    let entry = this.#cells.get(key);
    if (!entry) this.#cells.set(key, (entry = { labels: { ...labels }, cell: new CounterCell() }));
    return entry.cell;
  }

  override async get() {
    const base = await super.get();
    return { ...base, values: [...this.#cells.values()].map(({ labels, cell }) => ({ labels, value: cell.value })) };
  }
}

/** A prom-client Histogram whose values live in cells: `cell(labels)` once, then `cell.observe(v)` per event. */
export class CellHistogram<T extends string> extends Histogram<T> {
  readonly #name: string;
  readonly #help: string;
  readonly #names: readonly T[];
  readonly #bounds: readonly number[];
  readonly #cells = new Map<string, { labels: Labels<T>; cell: HistogramCell }>();

  constructor(options: CellMetricOptions<T> & { buckets: readonly number[] }) {
    super({ name: options.name, help: options.help, labelNames: options.labelNames, buckets: [...options.buckets], registers: [options.registry] });
    this.#name = options.name;
    this.#help = options.help;
    this.#names = options.labelNames;
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
  }

  cell(labels: Labels<T>): HistogramCell {
    const key = keyOf(this.#names, labels);
    let entry = this.#cells.get(key);
    if (!entry) this.#cells.set(key, (entry = { labels: { ...labels }, cell: new HistogramCell(this.#bounds) }));
    return entry.cell;
  }

  // prom-client renders a histogram from getForPromString (its get() reads that too): the cells answer there.
  async getForPromString() {
    const name = this.#name;
    const values = [...this.#cells.values()].flatMap(({ labels, cell }) => {
      let cumulative = 0;
      const buckets = [...this.#bounds, "+Inf" as const].map((le, i) => {
        cumulative += cell.counts[i]!;
        // `le` is the exposition's bucket label, not one of the metric's own label names.
        return { metricName: `${name}_bucket`, labels: { ...labels, le } as Labels<T>, value: cumulative };
      });
      return [...buckets, { metricName: `${name}_sum`, labels, value: cell.sum }, { metricName: `${name}_count`, labels, value: cell.count }];
    });
    return { name, help: this.#help, type: "histogram", values, aggregator: "sum" };
  }
}
