import { wait } from './wait.js';

export interface RateLimiterOptions {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** Extra distance kept between our clock and the vendor's (clock granularity, proxies). */
  safetyMarginMs?: number;
  now?: () => number;
}

/** A granted slot. Call `release()` when the request has completed (answered, failed or timed out). */
export interface RateLimitSlot {
  waitedMs: number;
  release(): void;
}

/** A slot as granted inside the limiter: `giveBack` returns a slot no request used. */
interface GrantedSlot extends RateLimitSlot {
  giveBack(): void;
}

/**
 * A sliding-window-log limiter: it remembers the last `limit` requests and lets a new one start only
 * when the oldest of them has left the window. Unlike a token bucket (whose burst plus refill can put
 * up to twice the limit into one window), no window ever holds more than `limit` requests, and a long
 * job still runs at the full configured rate.
 *
 * A request's slot is dated when it *completes*, not when it starts: the vendor counts the request
 * when it arrives, which is some time between the two (connection setup, TLS, proxies). Dating by
 * completion makes "never more than limit per window at the server" hold whatever the latency; a slot
 * still in flight counts as occupied. Waiters are served in arrival order.
 *
 * cockatiel has no rate limiter, and the npm candidates either use a token bucket (the burst problem
 * above) or are built around Redis; this is a few honest lines instead.
 */
export class SlidingWindowRateLimiter {
  #limit: number;
  #windowMs: number;
  readonly #margin: number;
  readonly #now: () => number;
  /** Completion times still inside the window, oldest first (releases happen in clock order). */
  readonly #completed: number[] = [];
  #head = 0;
  #inFlight = 0;
  #pausedUntil = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #released: PromiseWithResolvers<void> = Promise.withResolvers<void>();

  constructor(options: RateLimiterOptions) {
    if (!(options.limit >= 1)) throw new RangeError('limit must be >= 1');
    this.#limit = Math.floor(options.limit);
    this.#windowMs = options.windowMs;
    this.#margin = options.safetyMarginMs ?? 5;
    this.#now = options.now ?? Date.now;
  }

  get limit(): number {
    return this.#limit;
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  /**
   * Adopts the quota the server announces (vendor rate-limit headers) when it is stricter than the
   * configured one: a portal on a lower tier than configured is then never overrun.
   */
  tightenTo(limit: number, windowMs: number): boolean {
    if (!(limit >= 1) || !(windowMs > 0)) return false;
    if (limit / windowMs >= this.#limit / this.#windowMs && windowMs <= this.#windowMs) return false;
    this.#limit = Math.floor(limit);
    this.#windowMs = windowMs;
    return true;
  }

  /**
   * Waits for a slot and takes it. A waiter whose signal aborts rejects at once with the signal's
   * reason, even with other waiters ahead of it in the queue; its turn then passes without taking a
   * slot (and a slot granted in the same tick as the abort is given back uncounted).
   */
  acquire(signal?: AbortSignal): Promise<RateLimitSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const turn = this.#queue.then(() => this.#reserve(signal));
    this.#queue = turn.catch(() => undefined);
    if (!signal) return turn;
    return new Promise<RateLimitSlot>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      turn.then(
        (slot) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) slot.giveBack();
          else resolve(slot);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Holds every caller back until `timestamp`: a 429's Retry-After applies to the whole connector. */
  pauseUntil(timestamp: number): void {
    if (Number.isNaN(timestamp)) return;
    this.#pausedUntil = Math.max(this.#pausedUntil, timestamp);
  }

  /** How long a request arriving now would wait (Infinity: until an in-flight request completes). */
  delayNow(): number {
    const now = this.#now();
    this.#forgetOlderThan(now - this.#windowMs - this.#margin);
    const pause = Math.max(0, this.#pausedUntil - now);
    const inWindow = this.#completed.length - this.#head;
    if (this.#inFlight + inWindow < this.#limit) return pause;
    // Completions that must leave the window before one more request fits (more than one after the
    // limit was tightened); when in-flight requests alone fill it, wait for one to complete.
    const mustLeave = this.#inFlight + inWindow - this.#limit;
    if (mustLeave >= inWindow) return Number.POSITIVE_INFINITY;
    return Math.max(pause, this.#completed[this.#head + mustLeave]! + this.#windowMs + this.#margin - now);
  }

  #forgetOlderThan(cutoff: number): void {
    while (this.#head < this.#completed.length && this.#completed[this.#head]! <= cutoff) this.#head += 1;
    // Compact now and then so the array does not grow with the job's length.
    if (this.#head > 1024 && this.#head * 2 > this.#completed.length) {
      this.#completed.splice(0, this.#head);
      this.#head = 0;
    }
  }

  async #reserve(signal?: AbortSignal): Promise<GrantedSlot> {
    const started = this.#now();
    for (;;) {
      signal?.throwIfAborted();
      const delay = this.delayNow();
      if (delay <= 0) break;
      // `wait` never hands a timer more than 2^31 - 1 ms: a long pause is slept in bounded steps.
      if (delay === Number.POSITIVE_INFINITY) await this.#nextRelease(signal);
      else await wait(delay, signal);
    }
    this.#inFlight += 1;
    let settled = false;
    const settle = (completed: boolean) => {
      if (settled) return;
      settled = true;
      this.#inFlight -= 1;
      if (completed) this.#completed.push(this.#now());
      this.#released.resolve();
      this.#released = Promise.withResolvers<void>();
    };
    return {
      waitedMs: this.#now() - started,
      release: () => settle(true),
      giveBack: () => settle(false),
    };
  }

  #nextRelease(signal?: AbortSignal): Promise<void> {
    if (!signal) return this.#released.promise;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#released.promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
