import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError, TransientError } from '../errors/connector-error.js';
import { ConnectorMetrics } from '../metrics/connector-metrics.js';
import { ResiliencePolicy, policySettingsFrom, type PolicySettings } from './resilience-policy.js';

/**
 * Breaker versus retry, on fake time: the policy's own waits (backoff, circuit, slots) all run on
 * the global timers, so a 2-second outage plays out in a few milliseconds of real time.
 */
describe('ResiliencePolicy: breaker outside the retries', () => {
  let registry: Registry;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    registry = new Registry();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const policy = (overrides: Partial<PolicySettings> = {}) =>
    new ResiliencePolicy({ ...policySettingsFrom({ connectionType: 'hubspot' }), ...overrides }, { metrics: ConnectorMetrics.for(registry) });

  async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const found = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
    return (found?.values ?? [])
      .filter((entry) => Object.entries(labels).every(([key, expected]) => entry.labels[key] === expected))
      .reduce((sum, entry) => sum + entry.value, 0);
  }

  /** A system that is down between `from` and `to` (Date.now()) and stores each key it accepts. */
  function flakySystem(from: number, to: number) {
    const stored = new Map<string, number>();
    const requested = new Set<string>();
    let requests = 0;
    const upsert = async (key: string) => {
      requests += 1;
      requested.add(key);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the request's latency
      const now = Date.now();
      if (now >= from && now < to) throw new TransientError({ message: 'HubSpot answered 503', connector: 'hubspot', status: 503 });
      stored.set(key, (stored.get(key) ?? 0) + 1);
      return key;
    };
    return { stored, requested, upsert, requests: () => requests };
  }

  it('rides out a 2-second outage mid-stream: four workers, default retries, every call lands exactly once', async () => {
    // Default policy: 3 retries from 1 s (x2), circuit opens after 5 consecutive failed calls.
    const resilience = policy();
    const start = Date.now();
    const system = flakySystem(start + 300, start + 2_300);
    const keys = Array.from({ length: 48 }, (_, index) => `contact-${index}`);
    const failures: unknown[] = [];
    const workers = Array.from({ length: 4 }, async (_, worker) => {
      for (let index = worker; index < keys.length; index += 4) {
        await resilience.execute('write', () => system.upsert(keys[index]!), { idempotent: true }).catch((error: unknown) => failures.push(error));
      }
    });
    const all = Promise.all(workers);
    await vi.runAllTimersAsync();
    await all;
    expect(failures).toEqual([]);
    expect([...system.stored.keys()].sort()).toEqual([...keys].sort());
    expect([...system.stored.values()].every((count) => count === 1)).toBe(true);
    // The outage was met by retries (counted), never by a refusal.
    const retried = await metric('ml_connectors_retries_total', { operation: 'write' });
    expect(retried).toBeGreaterThanOrEqual(4);
    expect(retried).toBe(system.requests() - keys.length);
  });

  it('counts in ml_connectors_retries_total only the retries actually sent', async () => {
    // Down for good: calls spend their retries, the circuit opens, later calls are refused.
    const resilience = policy({ maxRetries: 2, retryBackoffSeconds: 0.1, circuitBreakerThreshold: 2, circuitBreakerHalfOpenSeconds: 60 });
    const system = flakySystem(0, Number.POSITIVE_INFINITY);
    const outcomes: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const call = resilience.execute('write', () => system.upsert(`k${index}`), { deadline: Date.now() + 10_000 });
      const outcome = call.then(
        () => 'ok',
        (error: unknown) => (error as Error).message,
      );
      await vi.runAllTimersAsync();
      outcomes.push(await outcome);
    }
    // Two calls spent their two retries each and opened the circuit; four were refused unsent.
    expect(outcomes.filter((message) => /circuit open/.test(message))).toHaveLength(4);
    expect(system.requested.size).toBe(2);
    expect(system.requests()).toBe(6);
    expect(await metric('ml_connectors_retries_total')).toBe(system.requests() - system.requested.size);
  });

  it('a call refused by an open circuit waits for it to half-open, then goes through', async () => {
    const resilience = policy({ maxRetries: 0, circuitBreakerThreshold: 2, circuitBreakerHalfOpenSeconds: 5 });
    const start = Date.now();
    const system = flakySystem(start, start + 1_000);
    for (const key of ['a', 'b']) {
      const failed = resilience.execute('read', () => system.upsert(key)).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(100);
      expect(TransientError.isInstance(await failed)).toBe(true);
    }
    // Open now; the system is back at start + 1 s, the circuit half-opens at about start + 5.1 s.
    const before = system.requests();
    let settled = false;
    const waiting = resilience
      .execute('read', () => system.upsert('c'))
      .finally(() => {
        settled = true;
      });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(settled).toBe(false);
    expect(system.requests()).toBe(before);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(waiting).resolves.toBe('c');
    expect(system.requests()).toBe(before + 1);
  });

  it('fails fast with "circuit open" when the half-open comes after the caller deadline, and sends nothing', async () => {
    const resilience = policy({ maxRetries: 0, circuitBreakerThreshold: 1, circuitBreakerHalfOpenSeconds: 30 });
    const system = flakySystem(0, Number.POSITIVE_INFINITY);
    const first = resilience.execute('read', () => system.upsert('a')).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    await first;
    const before = system.requests();
    const refused = resilience.execute('read', () => system.upsert('b'), { deadline: Date.now() + 5_000 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(0);
    const error = await refused;
    expect(ConnectorError.isInstance(error) && error.message).toMatch(/circuit open/);
    expect(system.requests()).toBe(before);
  });

  it("a caller's signal ends the wait for the circuit at once", async () => {
    const resilience = policy({ maxRetries: 0, circuitBreakerThreshold: 1, circuitBreakerHalfOpenSeconds: 30 });
    const system = flakySystem(0, Number.POSITIVE_INFINITY);
    const first = resilience.execute('read', () => system.upsert('a')).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    await first;
    const controller = new AbortController();
    const waiting = resilience.execute('read', () => system.upsert('b'), { signal: controller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await waiting).toMatchObject({ name: 'AbortError' });
  });

  it('calls arriving while the half-open probe runs wait for its outcome, then go through', async () => {
    const resilience = policy({ maxRetries: 0, circuitBreakerThreshold: 1, circuitBreakerHalfOpenSeconds: 5 });
    const start = Date.now();
    const system = flakySystem(start, start + 1_000);
    const first = resilience.execute('read', () => system.upsert('a')).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(TransientError.isInstance(await first)).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    // The first call probes; the others arrive during its 50 ms and wait rather than fail.
    const calls = ['b', 'c', 'd'].map((key) => resilience.execute('read', () => system.upsert(key)));
    await vi.advanceTimersByTimeAsync(500);
    await expect(Promise.all(calls)).resolves.toEqual(['b', 'c', 'd']);
    expect(system.requests()).toBe(4);
  });
});
