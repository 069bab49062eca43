import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitError, TransientError } from '../errors/connector-error.js';
import { parseRetryAfter } from '../errors/http-status.js';
import type { Logger } from '../logging/logger.js';
import { ResiliencePolicy, policySettingsFrom, type PolicySettings } from './resilience-policy.js';
import { maxTimerDelayMs } from './wait.js';

/** Server-requested waits on fake time: honoured, capped, and ended by the caller. */
describe('ResiliencePolicy: waits the server asks for', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-12-01T12:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const policy = (overrides: Partial<PolicySettings> = {}, logger?: Logger) =>
    new ResiliencePolicy({ ...policySettingsFrom({ connectionType: 'hubspot' }), ...overrides }, logger ? { logger } : {});

  const rateLimited = (retryAfterMs: number | undefined) =>
    new RateLimitError({ message: 'HubSpot answered 429', connector: 'hubspot', status: 429, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

  /** A call answered 429 with `retryAfterMs` the first `times` times, then 'ok'. */
  function throttled(retryAfterMs: number | undefined, times = 1) {
    const calls: number[] = [];
    const call = async () => {
      calls.push(Date.now());
      if (calls.length <= times) throw rateLimited(retryAfterMs);
      return 'ok';
    };
    return { call, calls };
  }

  it.each([
    ['Retry-After: 1000000000 (seconds)', '1000000000'],
    ['Retry-After: an HTTP date in 2099', 'Thu, 01 Jan 2099 00:00:00 GMT'],
  ])('fails at once with a RateLimitError saying how long the server asked (%s)', async (_, header) => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const resilience = policy();
    const { call, calls } = throttled(parseRetryAfter(header));
    const error = await resilience.execute('read', call).catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).message).toMatch(/asked to wait [\d,]+ days .*maxRetryAfterSeconds \(5 min\)/);
    expect((error as RateLimitError).retryable).toBe(false);
    expect(calls).toHaveLength(1);
    // The limiter was not paused until then: the next call on this quota goes straight through.
    expect(resilience.limiter!.delayNow()).toBe(0);
    await expect(resilience.execute('read', async () => 'next')).resolves.toBe('next');
    for (const [, delay] of timers.mock.calls) expect(delay ?? 0).toBeLessThanOrEqual(maxTimerDelayMs);
  });

  it('retries a call that is not idempotent only when it was refused (429) and retryRefusals says so', async () => {
    const resilience = policy({ requestsPerMinute: 0, retryBackoffSeconds: 0.01 });
    const refused = throttled(50, 2);
    const asked = resilience.execute('read.fetch', refused.call, { idempotent: false, retryRefusals: true });
    await vi.advanceTimersByTimeAsync(200);
    await expect(asked).resolves.toBe('ok');
    expect(refused.calls).toHaveLength(3);
    // The 429 was honoured: each retry waited for its Retry-After.
    expect(refused.calls[1]! - refused.calls[0]!).toBeGreaterThanOrEqual(50);

    // Without retryRefusals a non-idempotent call is never repeated, even after a 429.
    const once = throttled(50, 1);
    await expect(resilience.execute('read.fetch', once.call, { idempotent: false })).rejects.toThrow('HubSpot answered 429');
    expect(once.calls).toHaveLength(1);

    // A failure that may have reached the system (a 5xx, a reset) is not repeated either.
    const calls: number[] = [];
    const lost = async () => {
      calls.push(Date.now());
      if (calls.length === 1) throw new TransientError({ message: 'socket hang up', connector: 'hubspot' });
      return 'ok';
    };
    await expect(resilience.execute('read.fetch', lost, { idempotent: false, retryRefusals: true })).rejects.toThrow('socket hang up');
    expect(calls).toHaveLength(1);
  });

  it('honours maxRetryAfterSeconds from the config (read defensively)', async () => {
    const settings = policySettingsFrom({ connectionType: 'hubspot', maxRetryAfterSeconds: 30 } as never);
    expect(settings.maxRetryAfterSeconds).toBe(30);
    expect(policySettingsFrom({ connectionType: 'hubspot', maxRetryAfterSeconds: 'soon' } as never).maxRetryAfterSeconds).toBe(300);
    const resilience = new ResiliencePolicy(settings);
    const error = await resilience.execute('read', throttled(31_000).call).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/asked to wait 31 s .*\(30 s\)/);
  });

  it('with the limiter off, a Retry-After above 5 x maxBackoffSeconds is still honoured in full', async () => {
    const resilience = policy({ requestsPerMinute: 0, maxBackoffSeconds: 0.5, retryBackoffSeconds: 0.01 });
    expect(resilience.limiter).toBeUndefined();
    const { call, calls } = throttled(4_000);
    const result = resilience.execute('read', call);
    await vi.advanceTimersByTimeAsync(3_990);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    await expect(result).resolves.toBe('ok');
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(4_000);
  });

  it("a caller's signal ends a Retry-After wait at once", async () => {
    const resilience = policy({ requestsPerMinute: 0 });
    const controller = new AbortController();
    const { call, calls } = throttled(120_000);
    let outcome: unknown;
    const pending = resilience.execute('read', call, { signal: controller.signal }).catch((error: unknown) => {
      outcome = error;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    await pending;
    expect(outcome).toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(1);
  });

  it("a caller's deadline: a retry that would start after it is not started", async () => {
    const resilience = policy({ requestsPerMinute: 0 });
    const { call, calls } = throttled(60_000);
    const error = await resilience.execute('read', call, { deadline: Date.now() + 10_000 }).catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("a caller's deadline ends a wait for a rate-limit slot with a TimeoutError", async () => {
    const resilience = policy({ requestsPerMinute: 1, rateLimitWindowSeconds: 60 });
    const hold = await resilience.limiter!.acquire();
    let outcome: unknown;
    const pending = resilience
      .execute('read', async () => 'late', { deadline: Date.now() + 2_000 })
      .catch((error: unknown) => {
        outcome = error;
      });
    await vi.advanceTimersByTimeAsync(2_000);
    await pending;
    expect(outcome).toMatchObject({ name: 'TimeoutError' });
    hold.release();
  });

  it('adopts only plausible server quotas and logs what it refused', () => {
    const warnings: Array<Record<string, unknown>> = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (object) => warnings.push(object) };
    const resilience = policy({}, logger);
    const limiter = resilience.limiter!;
    resilience.observeServerQuota({ limit: 1, windowMs: 1e12 });
    resilience.observeServerQuota({ limit: 1, windowMs: 3_600_000 });
    resilience.observeServerQuota({ limit: 0.001, windowMs: 10_000 });
    expect(limiter).toMatchObject({ limit: 100, windowMs: 10_000 });
    expect(warnings.flatMap((entry) => entry.refused as string[])).toEqual([
      expect.stringMatching(/window of 1000000000000 ms/),
      expect.stringMatching(/rate of 1 requests per 3600000 ms/),
      expect.stringMatching(/limit of 0.001/),
    ]);
    // An exhausted budget "refilling" in 30 years does not pause anyone.
    resilience.observeServerQuota({ remaining: 0, resetInMs: 1e12 });
    expect(limiter.delayNow()).toBeLessThanOrEqual(10_000);
    // A plausible stricter plan is adopted.
    resilience.observeServerQuota({ limit: 50, windowMs: 10_000 });
    expect(limiter).toMatchObject({ limit: 50, windowMs: 10_000 });
  });

  it('never hands a timer more than 2^31 - 1 ms, whatever the settings say', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const resilience = policy({
      maxBackoffSeconds: 1e9,
      retryBackoffSeconds: 1e9,
      requestTimeoutSeconds: 1e9,
      circuitBreakerHalfOpenSeconds: 1e9,
      requestsPerMinute: 0,
    });
    let attempts = 0;
    const failing = resilience.execute('read', async () => {
      attempts += 1;
      throw new TransientError({ message: 'down', connector: 'hubspot' });
    });
    failing.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(timers.mock.calls.length).toBeGreaterThan(0);
    for (const [, delay] of timers.mock.calls) expect(delay ?? 0).toBeLessThanOrEqual(maxTimerDelayMs);
    // An overflowing timer fires after 1 ms: the retry would already have happened.
    expect(attempts).toBe(1);
  });
});
