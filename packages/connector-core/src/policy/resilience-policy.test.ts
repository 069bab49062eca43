import { createRecordsApiEmulator } from '@automl/sandbox';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError, RateLimitError, TransientError } from '../errors/connector-error.js';
import { RecordsConnector } from '../test-support/records-connector.js';
import { ResiliencePolicy } from './resilience-policy.js';

const apiKey = 'records-test-token';

describe('ResiliencePolicy on real HTTP', () => {
  let emulator: ReturnType<typeof createRecordsApiEmulator>;
  let baseUrl: string;
  let registry: Registry;

  beforeEach(async () => {
    emulator = createRecordsApiEmulator();
    baseUrl = await emulator.start();
    registry = new Registry();
  });
  afterEach(async () => {
    await emulator.stop();
  });

  const connector = (overrides: Record<string, unknown> = {}) =>
    new RecordsConnector({ apiKey, baseUrl, maxRetries: 3, retryBackoffSeconds: 0.01, ...overrides }, { metricsRegistry: registry });

  async function metric(name: string, labels: Record<string, string>): Promise<number> {
    const found = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
    const value = found?.values.find((entry) => Object.entries(labels).every(([key, expected]) => entry.labels[key] === expected));
    return value?.value ?? 0;
  }

  it('retries a 429 after its Retry-After and counts the retry', async () => {
    emulator.records.set('a', { key: 'a' });
    emulator.faults.inject({ route: 'list', times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 0.05 } });
    const rows = await connector().readAll();
    expect(rows).toEqual([{ key: 'a' }]);
    expect(emulator.requestsTo('list').map((request) => request.status)).toEqual([429, 200]);
    expect(await metric('ml_connectors_retries_total', { connector: 'pipedrive', operation: 'read' })).toBe(1);
    expect(await metric('ml_connectors_requests_total', { operation: 'read', outcome: 'success' })).toBe(1);
  });

  it('retries 5xx and connection resets on reads', async () => {
    emulator.faults.inject({ route: 'list', times: 1, fault: { kind: 'status', status: 503 } });
    emulator.faults.inject({ route: 'list', after: 1, times: 1, fault: { kind: 'reset' } });
    await expect(connector().readAll()).resolves.toEqual([]);
    expect(emulator.requestsTo('list').map((request) => request.status)).toEqual([503, 0, 200]);
  });

  it('gives up after maxRetries with a typed, retryable error', async () => {
    emulator.faults.inject({ route: 'list', fault: { kind: 'status', status: 500 } });
    const error = await connector({ maxRetries: 2 })
      .readAll()
      .catch((caught: unknown) => caught);
    expect(TransientError.isInstance(error)).toBe(true);
    expect(emulator.requestsTo('list')).toHaveLength(3);
    expect(await metric('ml_connectors_errors_total', { operation: 'read', error_type: 'transient' })).toBe(1);
  });

  it('does not retry failures that are not retryable (401)', async () => {
    const error = await connector({ apiKey: 'wrong-token-value' })
      .readAll()
      .catch((caught: unknown) => caught);
    expect(ConnectorError.isInstance(error) && error.kind).toBe('authentication');
    expect(emulator.requestsTo('list')).toHaveLength(1);
  });

  it('never retries a write without an idempotency key', async () => {
    emulator.faults.inject({ route: 'create', times: 1, fault: { kind: 'status', status: 503 } });
    // Whether the write then stops or goes on with the next row is the write loop's business; the
    // policy's part is that the create answered 503 is never sent again (it may have landed).
    await connector()
      .write([{ name: 'one' }, { name: 'two' }], { mode: 'append' })
      .catch(() => undefined);
    const creates = emulator.requestsTo('create').map((request) => request.status);
    expect(creates[0]).toBe(503);
    expect(creates.filter((status) => status === 503)).toHaveLength(1);
    expect(creates.length).toBeLessThanOrEqual(2);
    expect(emulator.records.size).toBe(creates.length - 1);
  });

  it('retries keyed writes (upserts) without duplicating', async () => {
    emulator.faults.inject({ route: 'put', times: 2, fault: { kind: 'status', status: 502 } });
    const result = await connector().write(
      [
        { key: 'k1', v: 1 },
        { key: 'k2', v: 2 },
      ],
      { mode: 'upsert', keyColumn: 'key' },
    );
    expect(result).toMatchObject({ received: 2, written: 2, failed: [] });
    expect([...emulator.records.keys()].sort()).toEqual(['k1', 'k2']);
  });

  it('times out a hung call and retries it', async () => {
    emulator.faults.inject({ route: 'list', times: 1, fault: { kind: 'latency', ms: 800 } });
    const rows = await connector({ requestTimeoutSeconds: 0.2 }).readAll();
    expect(rows).toEqual([]);
    // The slow first answer is logged only once it is sent, after the retry already succeeded.
    await vi.waitFor(() => expect(emulator.requestsTo('list').length).toBe(2), { timeout: 3_000 });
  });

  it('keeps retries within the rate limit: the emulator never sees more than the quota', async () => {
    await emulator.stop();
    emulator = createRecordsApiEmulator({ rateLimit: { limit: 4, windowMs: 500 }, pageSize: 1 });
    baseUrl = await emulator.start();
    for (let index = 0; index < 12; index += 1) emulator.records.set(`k${index}`, { key: `k${index}` });
    // 4 requests per 0.5 s on both sides; the reader pages one record per request.
    const rows = await connector({ requestsPerMinute: 480, rateLimitWindowSeconds: 0.5 }).readAll({ pageSize: 1 });
    expect(rows).toHaveLength(12);
    expect(emulator.rateWindow?.stats()).toMatchObject({ rejected: 0 });
    expect(emulator.rateWindow!.stats().peakInWindow).toBeLessThanOrEqual(4);
  });

  it('uses the settings of the config and the specification defaults', () => {
    expect(ResiliencePolicy.fromConfig({ connectionType: 'bigquery' }).settings).toMatchObject({ requestsPerMinute: 60, maxRetries: 3 });
    expect(ResiliencePolicy.fromConfig({ connectionType: 'databricks', maxRetries: 2, retryBackoffSeconds: 1.5 }).settings).toMatchObject({
      requestsPerMinute: 120,
      maxRetries: 2,
      retryBackoffSeconds: 1.5,
    });
    expect(ResiliencePolicy.fromConfig({ connectionType: 'hubspot' }).limiter).toMatchObject({ limit: 100, windowMs: 10_000 });
  });

  it('classifies a 429 as RateLimitError with the server delay', async () => {
    emulator.faults.inject({ route: 'list', fault: { kind: 'status', status: 429, retryAfterSeconds: 0.01 } });
    const error = await connector({ maxRetries: 1 })
      .readAll()
      .catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(10);
  });
});

describe('ResiliencePolicy cancellation', () => {
  it('ends with the caller AbortError and does not retry', async () => {
    const policy = ResiliencePolicy.fromConfig({ connectionType: 'hubspot', maxRetries: 3, retryBackoffSeconds: 0.01 });
    const controller = new AbortController();
    let calls = 0;
    const started = Promise.withResolvers<void>();
    const pending = policy.execute(
      'read',
      ({ signal }) =>
        new Promise((_, reject) => {
          calls += 1;
          started.resolve();
          signal.addEventListener('abort', () => reject(new Error('socket closed')));
        }),
      { signal: controller.signal },
    );
    await started.promise;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });
});

describe('one limiter per quota', () => {
  it('connectors built from the same credentials share the budget; the server never sees more', async () => {
    const emulator = createRecordsApiEmulator({ rateLimit: { limit: 4, windowMs: 500 }, pageSize: 1 });
    const baseUrl = await emulator.start();
    try {
      for (let index = 0; index < 6; index += 1) emulator.records.set(`k${index}`, { key: `k${index}` });
      const settings = { apiKey, baseUrl, requestsPerMinute: 480, rateLimitWindowSeconds: 0.5, maxRetries: 0 };
      const first = new RecordsConnector(settings, { metricsRegistry: null });
      const second = new RecordsConnector(settings, { metricsRegistry: null });
      // Each alone would stay within 4 per 0.5 s; side by side they would send 8 without a shared limiter.
      const [a, b] = await Promise.all([first.readAll({ pageSize: 1 }), second.readAll({ pageSize: 1 })]);
      expect(a).toHaveLength(6);
      expect(b).toHaveLength(6);
      expect(emulator.rateWindow!.stats()).toMatchObject({ rejected: 0 });
      expect(emulator.rateWindow!.stats().peakInWindow).toBeLessThanOrEqual(4);
    } finally {
      await emulator.stop();
    }
  });
});
