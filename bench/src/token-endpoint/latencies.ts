/** Response times of one load run, ms, kept as they come (µs resolution, unlike autocannon's whole-ms histogram). */
export class Latencies {
  readonly #chunks: Float64Array[] = [];
  #current = new Float64Array(65_536);
  #used = 0;

  /** Records one response time, ms. */
  add(value: number): void {
    if (this.#used === this.#current.length) {
      this.#chunks.push(this.#current);
      this.#current = new Float64Array(this.#current.length);
      this.#used = 0;
    }
    this.#current[this.#used] = value;
    this.#used += 1;
  }

  /** p50, p95 and p99 (nearest rank), ms; zeros when nothing was recorded. */
  percentiles(): { readonly p50: number; readonly p95: number; readonly p99: number } {
    const all = new Float64Array(this.#chunks.length * this.#current.length + this.#used);
    let offset = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    all.set(this.#current.subarray(0, this.#used), offset);
    all.sort();
    const at = (p: number): number => all[Math.max(0, Math.ceil((p / 100) * all.length) - 1)] ?? 0;
    return { p50: at(50), p95: at(95), p99: at(99) };
  }
}
