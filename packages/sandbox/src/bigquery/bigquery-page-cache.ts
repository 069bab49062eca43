/**
 * Encoded pages (tabledata.list JSON, Storage Read Arrow batches) of data that has not changed
 * since, so that reading the same table again costs the client, not the emulator: the benchmark
 * compares clients, and a DuckDB read plus encoding per page would otherwise dominate it. Keys
 * carry the warehouse's data version, so any write makes every cached page unreachable; past the
 * byte budget nothing more is kept.
 */
export class PageCache<V extends { length: number } | string> {
  readonly #entries = new Map<string, V>();
  readonly #budget: number;
  #bytes = 0;

  constructor(budgetBytes = 256 * 1024 * 1024) {
    this.#budget = budgetBytes;
  }

  async get(key: string, make: () => Promise<V>): Promise<V> {
    const found = this.#entries.get(key);
    if (found !== undefined) return found;
    const value = await make();
    if (this.#bytes + value.length <= this.#budget) {
      this.#entries.set(key, value);
      this.#bytes += value.length;
    }
    return value;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
