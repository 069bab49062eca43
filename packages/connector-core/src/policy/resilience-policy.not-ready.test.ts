import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotReadyError, TransientError } from '../errors/connector-error.js';
import type { Logger } from '../logging/logger.js';
import { ConnectorMetrics } from '../metrics/connector-metrics.js';
import { ResiliencePolicy, policySettingsFrom, type PolicySettings } from './resilience-policy.js';

/** A system that is not ready yet (a warehouse starting), on fake time: waited out, never a failure. */
describe('ResiliencePolicy: systems that are not ready yet', () => {
  let registry: Registry;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-12-01T12:00:00Z'));
    registry = new Registry();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function recordingLogger() {
    const lines: Array<{ level: string; message: string | undefined }> = [];
    const record = (level: string) => (_: Record<string, unknown>, message?: string) => void lines.push({ level, message });
    const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    return { logger, lines };
  }

  const policy = (overrides: Partial<PolicySettings> = {}, logger?: Logger) =>
    new ResiliencePolicy(
      { ...policySettingsFrom({ connectionType: 'databricks' }), requestsPerMinute: 0, maxRetries: 2, ...overrides },
      { metrics: ConnectorMetrics.for(registry), ...(logger ? { logger } : {}) },
    );

  async function metric(name: string): Promise<number> {
    const found = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
    return (found?.values ?? []).reduce((sum, entry) => sum + entry.value, 0);
  }

  const starting = (readyWithinMs: number | undefined, retryAfterMs = 10_000) =>
    new NotReadyError({
      message: 'Databricks SQL warehouse starting',
      connector: 'databricks',
      status: 503,
      code: 'WAREHOUSE_STARTING',
      retryAfterMs,
      ...(readyWithinMs === undefined ? {} : { readyWithinMs }),
    });

  /** Answers "starting" until `readyAt` (Date.now()), then 'ok'. */
  function warehouse(readyAt: number, readyWithinMs: number | null = 600_000) {
    const asks: number[] = [];
    const call = async () => {
      asks.push(Date.now());
      if (Date.now() < readyAt) throw starting(readyWithinMs ?? undefined);
      return 'ok';
    };
    return { call, asks };
  }

  it('asks again after each Retry-After until the system is ready: far more asks than maxRetries, none counted as a retry', async () => {
    const { logger, lines } = recordingLogger();
    const start = Date.now();
    const { call, asks } = warehouse(start + 95_000);
    const done = policy({}, logger).execute('read', call, { idempotent: false });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe('ok');
    // Every 10 s (the Retry-After) for 95 s: asked at 0, 10, ... 90 and 100 s.
    expect(asks).toHaveLength(11);
    expect(asks.at(-1)! - start).toBe(100_000);
    expect(await metric('ml_connectors_retries_total')).toBe(0);
    expect(lines.filter((line) => line.level === 'info').map((line) => line.message)).toContain('Databricks SQL warehouse starting, waited 40 s of 10 min');
    expect(lines.some((line) => line.level === 'warn' || line.level === 'error')).toBe(false);
  });

  it('fails with a NotReadyError that is not retryable once the budget is spent, having asked within it only', async () => {
    const start = Date.now();
    const { call, asks } = warehouse(Number.POSITIVE_INFINITY, 35_000);
    const done = policy()
      .execute('read', call)
      .catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    const error = await done;
    expect(NotReadyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryable: false, code: 'WAREHOUSE_STARTING', status: 503 });
    expect((error as Error).message).toBe('Databricks SQL warehouse starting; still not ready after 35 s (budget 35 s)');
    // 0, 10, 20, 30, then the last ask at the end of the budget (35 s).
    expect(asks.map((at) => at - start)).toEqual([0, 10_000, 20_000, 30_000, 35_000]);
  });

  it('never opens the circuit, however many calls wait for a start', async () => {
    const resilience = policy({ circuitBreakerThreshold: 2 });
    for (let round = 0; round < 4; round += 1) {
      const done = resilience.execute('read', warehouse(Number.POSITIVE_INFINITY, 20_000).call).catch((caught: unknown) => caught);
      await vi.runAllTimersAsync();
      expect(NotReadyError.isInstance(await done)).toBe(true);
    }
    // The next call is sent at once (an open circuit would refuse it or make it wait).
    const asks: number[] = [];
    const before = Date.now();
    const answer = async () => {
      asks.push(Date.now());
      return 'ok';
    };
    await expect(resilience.execute('read', answer)).resolves.toBe('ok');
    expect(asks).toEqual([before]);
  });

  it('stops waiting when the caller cancels, with the caller reason', async () => {
    const controller = new AbortController();
    const { call, asks } = warehouse(Number.POSITIVE_INFINITY);
    const done = policy()
      .execute('read', call, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(25_000);
    controller.abort(new DOMException('stopped by the user', 'AbortError'));
    await vi.runAllTimersAsync();
    expect(await done).toMatchObject({ name: 'AbortError', message: 'stopped by the user' });
    expect(asks).toHaveLength(3);
  });

  it('ends at the caller deadline, before the budget', async () => {
    const start = Date.now();
    const { call, asks } = warehouse(Number.POSITIVE_INFINITY);
    const done = policy()
      .execute('read', call, { deadline: start + 25_000 })
      .catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    const error = await done;
    expect(asks.every((at) => at - start <= 25_000)).toBe(true);
    expect((error as Error).name).toMatch(/NotReadyError|TimeoutError/);
  });

  it('without a budget, a not-ready answer is retried like a transient failure, within maxRetries', async () => {
    const { call, asks } = warehouse(Number.POSITIVE_INFINITY, null);
    const done = policy({ maxRetries: 2 })
      .execute('read', call)
      .catch((caught: unknown) => caught);
    await vi.runAllTimersAsync();
    expect(NotReadyError.isInstance(await done)).toBe(true);
    expect(asks).toHaveLength(3);
    expect(await metric('ml_connectors_retries_total')).toBe(2);
  });

  it('counts a real failure met while waiting for the start as a retry, and only that one', async () => {
    let asks = 0;
    const call = async () => {
      asks += 1;
      if (asks <= 3) throw starting(600_000, 1_000);
      if (asks === 4) throw new TransientError({ message: 'reset', connector: 'databricks' });
      return 'ok';
    };
    const done = policy({ maxRetries: 1 }).execute('read', call);
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe('ok');
    expect(asks).toBe(5);
    expect(await metric('ml_connectors_retries_total')).toBe(1);
  });
});
