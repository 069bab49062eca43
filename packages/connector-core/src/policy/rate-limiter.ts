import { setTimeout as sleep } from 'node:timers/promises';

export interface RateLimiterOptions {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /**
   * Kept between our clock and the vendor's: a request is released only once its slot is this much
   * older than the window, so network jitter cannot make the server see one request too many.
   */
  safetyMarginMs?: number;
  now?: () => number;
}

/**
 * A sliding-window-log limiter: it remembers the start time of the last `limit` requests and lets a
 * new one start only when the oldest of them has left the window. Unlike a token bucket (whose burst
 * plus refill can put up to twice the limit into one window), no window of `windowMs` ever holds more
 * than `limit` requests, and a long job still runs at the full configured rate. Waiters are served in
 * arrival order. cockatiel has no rate limiter and the candidates on npm either use a token bucket
 * (same burst problem) or pull in Redis support; this is 60 honest lines.
 */
export class SlidingWindowRateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #margin: number;
  readonly #now: () => number;
  /** Ring buffer of the last `limit` start times. */
  readonly #starts: number[] = [];
  #next = 0;
  #pausedUntil = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RateLimiterOptions) {
    if (!(options.limit >= 1)) throw new RangeError('limit must be >= 1');
    this.limit = Math.floor(options.limit);
    this.windowMs = options.windowMs;
    this.#margin = options.safetyMarginMs ?? Math.max(20, Math.round(options.windowMs * 0.005));
    this.#now = options.now ?? Date.now;
  }

  /** Waits for a slot and takes it. Resolves with the milliseconds spent waiting. */
  acquire(signal?: AbortSignal): Promise<number> {
    const turn = this.#queue.then(() => this.#reserve(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every caller back until `timestamp`: a 429's Retry-After applies to the whole connector. */
  pauseUntil(timestamp: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, timestamp);
  }

  /** How long a request arriving now would wait, without taking a slot. */
  delayNow(): number {
    const now = this.#now();
    const oldest = this.#starts.length < this.limit ? undefined : this.#starts[this.#next];
    const windowDelay = oldest === undefined ? 0 : oldest + this.windowMs + this.#margin - now;
    return Math.max(0, windowDelay, this.#pausedUntil - now);
  }

  async #reserve(signal?: AbortSignal): Promise<number> {
    const started = this.#now();
    for (;;) {
      signal?.throwIfAborted();
      const delay = this.delayNow();
      if (delay <= 0) break;
      await sleep(delay, undefined, { signal });
    }
    const now = this.#now();
    if (this.#starts.length < this.limit) this.#starts.push(now);
    else this.#starts[this.#next] = now;
    this.#next = (this.#next + 1) % this.limit;
    return now - started;
  }
}
