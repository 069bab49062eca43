import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlidingWindowRateLimiter } from './rate-limiter.js';

/** The most timestamps that fall into any half-open window [t, t + windowMs). */
function peakInAnyWindow(times: number[], windowMs: number): number {
  let peak = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe('SlidingWindowRateLimiter', () => {
  it('never lets more than the limit start within any window', async () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 5, windowMs: 100, safetyMarginMs: 5 });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 23 }, async () => {
        const slot = await limiter.acquire();
        starts.push(Date.now());
        slot.release();
      }),
    );
    expect(starts).toHaveLength(23);
    expect(
      peakInAnyWindow(
        starts.sort((a, b) => a - b),
        100,
      ),
    ).toBeLessThanOrEqual(5);
  });

  it('lets a burst up to the limit through without waiting', async () => {
    let now = 1_000;
    const limiter = new SlidingWindowRateLimiter({ limit: 3, windowMs: 1_000, now: () => now });
    const slots = [await limiter.acquire(), await limiter.acquire(), await limiter.acquire()];
    expect(slots.map((slot) => slot.waitedMs)).toEqual([0, 0, 0]);
    // All three still in flight: the next caller waits for a completion.
    expect(limiter.delayNow()).toBe(Number.POSITIVE_INFINITY);
    for (const slot of slots) slot.release();
    expect(limiter.delayNow()).toBeGreaterThan(1_000 - 1);
    now += 2_000;
    expect(limiter.delayNow()).toBe(0);
  });

  it('dates a slot by its completion, so a slow request pushes the next window back', async () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 1_000, safetyMarginMs: 0, now: () => now });
    const slot = await limiter.acquire();
    now = 400; // the request took 400 ms: the server may have counted it as late as this
    slot.release();
    now = 1_000;
    expect(limiter.delayNow()).toBe(400);
  });

  it('adopts a stricter quota announced by the server, never a looser one', async () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter({ limit: 10, windowMs: 1_000, safetyMarginMs: 0, now: () => now });
    expect(limiter.tightenTo(100, 1_000)).toBe(false);
    for (let index = 0; index < 4; index += 1) (await limiter.acquire()).release();
    expect(limiter.tightenTo(2, 1_000)).toBe(true);
    // Four requests in the window and a limit of two: the third-oldest must leave first.
    now = 500;
    expect(limiter.delayNow()).toBe(500);
    now = 1_000;
    expect(limiter.delayNow()).toBe(0);
  });

  it('holds every caller back after pauseUntil (a Retry-After)', () => {
    const now = 5_000;
    const limiter = new SlidingWindowRateLimiter({ limit: 100, windowMs: 1_000, now: () => now });
    limiter.pauseUntil(now + 750);
    expect(limiter.delayNow()).toBe(750);
  });

  it('stops waiting when the signal aborts', async () => {
    const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 60_000 });
    (await limiter.acquire()).release();
    const controller = new AbortController();
    const pending = limiter.acquire(controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    // A cancelled waiter does not block the queue for others.
    expect(limiter.delayNow()).toBeGreaterThan(0);
  });

  describe('on fake time', () => {
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it('a waiter cancelled behind others rejects at once, not when its turn comes', async () => {
      vi.useFakeTimers();
      const limiter = new SlidingWindowRateLimiter({ limit: 1, windowMs: 1_500, safetyMarginMs: 0 });
      (await limiter.acquire()).release();
      const ahead = limiter.acquire(); // waits ~1.5 s for the window
      const controller = new AbortController();
      let outcome: unknown = 'pending';
      const behind = limiter.acquire(controller.signal).then(
        () => 'granted',
        (error: unknown) => error,
      );
      void behind.then((value) => {
        outcome = value;
      });
      await vi.advanceTimersByTimeAsync(50);
      controller.abort();
      await vi.advanceTimersByTimeAsync(0);
      expect(outcome).toMatchObject({ name: 'AbortError' });
      // Its turn passes without taking a slot: the waiter ahead is served, then the window is free.
      await vi.advanceTimersByTimeAsync(1_500);
      (await ahead).release();
      expect(limiter.delayNow()).toBeGreaterThan(0);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(limiter.delayNow()).toBe(0);
    });

    it('a pause until 2099 sleeps in bounded steps: no timer overflow, no busy wake-ups, and the signal ends it', async () => {
      vi.useFakeTimers();
      const warnings = vi.spyOn(process, 'emitWarning');
      let reads = 0;
      const limiter = new SlidingWindowRateLimiter({
        limit: 10,
        windowMs: 1_000,
        now: () => {
          reads += 1;
          return Date.now();
        },
      });
      limiter.pauseUntil(Date.parse('2099-01-01T00:00:00Z'));
      const controller = new AbortController();
      const pending = limiter.acquire(controller.signal).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(warnings).not.toHaveBeenCalled();
      expect(reads).toBeLessThanOrEqual(2);
      controller.abort();
      expect(await pending).toMatchObject({ name: 'AbortError' });
    });
  });
});
