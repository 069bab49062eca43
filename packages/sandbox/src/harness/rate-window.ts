/**
 * Server-side quota accounting, the way vendors count: requests per sliding window per caller.
 * Also keeps the highest count ever seen in one window, so a test can assert that the client never
 * exceeded the quota (not only that it was told off when it did).
 */
export class RateWindow {
  readonly limit: number;
  readonly windowMs: number;
  readonly #arrivals = new Map<string, number[]>();
  #peak = 0;
  #total = 0;
  #rejected = 0;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Records one arrival; returns whether it is within the quota and how many remain. */
  admit(key: string, now = Date.now()): { allowed: boolean; remaining: number; retryAfterMs: number } {
    const arrivals = this.#arrivals.get(key) ?? [];
    while (arrivals.length > 0 && arrivals[0]! <= now - this.windowMs) arrivals.shift();
    this.#total += 1;
    if (arrivals.length >= this.limit) {
      this.#rejected += 1;
      return { allowed: false, remaining: 0, retryAfterMs: arrivals[0]! + this.windowMs - now };
    }
    arrivals.push(now);
    this.#arrivals.set(key, arrivals);
    this.#peak = Math.max(this.#peak, arrivals.length);
    return { allowed: true, remaining: this.limit - arrivals.length, retryAfterMs: 0 };
  }

  stats(): { limit: number; windowMs: number; peakInWindow: number; total: number; rejected: number } {
    return { limit: this.limit, windowMs: this.windowMs, peakInWindow: this.#peak, total: this.#total, rejected: this.#rejected };
  }

  reset(): void {
    this.#arrivals.clear();
    this.#peak = 0;
    this.#total = 0;
    this.#rejected = 0;
  }
}
