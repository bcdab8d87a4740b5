/**
 * One histogram series kept as plain numbers: `observe` is a short scan of the bounds and two additions, no label
 * hashing (prom-client's own histograms hash the label set on every observation). Read at scrape time.
 */
export class HistogramData {
  /** Per bucket, not cumulative; the last one is +Inf. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let at = 0;
    while (at < bounds.length && value > (bounds[at] as number)) at++;
    this.counts[at] = (this.counts[at] as number) + 1;
    this.sum += value;
    this.count += 1;
  }

  /** Cumulative counts per upper bound, +Inf last, as the text format's `_bucket` series. */
  cumulative(): number[] {
    const out: number[] = [];
    let total = 0;
    for (const n of this.counts) {
      total += n;
      out.push(total);
    }
    return out;
  }
}
