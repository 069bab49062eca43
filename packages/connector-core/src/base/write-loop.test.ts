import { describe, expect, it } from 'vitest';
import { resolveCapabilities } from '../contract/capabilities.js';
import type { ConnectorContext } from '../contract/connector-context.js';
import type { Row } from '../contract/row.js';
import type { BatchEntry, WriteSession } from '../contract/write-session.js';
import { AuthenticationError, DataError, TransientError } from '../errors/connector-error.js';
import { silentLogger } from '../logging/logger.js';
import { runWriteLoop, writeResultOf, type WriteLoopOptions } from './write-loop.js';

const context: ConnectorContext = {
  connector: 'test',
  signal: new AbortController().signal,
  call: (_operation, fn) => fn({ signal: new AbortController().signal, attempt: 1 }),
  recordBytes: () => undefined,
  observeServerQuota: () => undefined,
  warn: () => undefined,
  logger: silentLogger,
};

function options(
  overrides: Partial<WriteLoopOptions> & { maxRecordsPerWrite?: number; writeConcurrency?: number; maxBytesPerWrite?: number } = {},
): WriteLoopOptions {
  const { maxRecordsPerWrite = 2, writeConcurrency = 1, maxBytesPerWrite, ...rest } = overrides;
  return {
    capabilities: resolveCapabilities({
      write: true,
      writeModes: ['upsert', 'append'],
      maxRecordsPerWrite,
      writeConcurrency,
      ...(maxBytesPerWrite ? { maxBytesPerWrite } : {}),
    }),
    request: { table: 't', mode: 'upsert', keyColumn: 'id' },
    context,
    signal: new AbortController().signal,
    failure: (error) => error as Error,
    redact: (text) => text.replaceAll('s3cr3t', '[REDACTED]'),
    ...rest,
  };
}

const rows = (count: number, offset = 0): Row[] => Array.from({ length: count }, (_, index) => ({ id: `k${index + offset}`, value: index }));

/** A session that stores rows in a map, answering after `delay(batch)` ticks. */
function memorySession(
  store: Map<string, Row>,
  behaviour: { fail?: (batch: ReadonlyArray<BatchEntry<Row>>, call: number) => Error | undefined; delay?: (call: number) => number } = {},
) {
  const sent: number[][] = [];
  let inFlight = 0;
  let peak = 0;
  const session: WriteSession<Row> = {
    async writeBatch(batch) {
      const call = sent.length;
      sent.push(batch.map((entry) => entry.index));
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        for (let tick = 0; tick < (behaviour.delay?.(call) ?? 0); tick += 1) await new Promise((resolve) => setImmediate(resolve));
        const error = behaviour.fail?.(batch, call);
        if (error) throw error;
        for (const entry of batch) store.set(String(entry.row.id), entry.row);
        return {};
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { session, sent, peak: () => peak };
}

describe('the write loop', () => {
  it('batches by records and accounts for every row', async () => {
    const store = new Map<string, Row>();
    const { session, sent } = memorySession(store);
    const result = await runWriteLoop(session, rows(5), options());
    expect(result).toMatchObject({ received: 5, written: 5, failed: [] });
    expect(sent).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('batches by bytes too', async () => {
    const { session, sent } = memorySession(new Map());
    await runWriteLoop(session, rows(4), options({ maxRecordsPerWrite: 100, maxBytesPerWrite: 30 }));
    expect(sent.every((batch) => batch.length <= 1)).toBe(true);
  });

  it('fails rows without a key and keeps going', async () => {
    const store = new Map<string, Row>();
    const { session } = memorySession(store);
    const result = await runWriteLoop(session, [{ id: 'a' }, { value: 1 }, { id: 'b' }], options());
    expect(result.written).toBe(2);
    expect(result.failed).toEqual([expect.objectContaining({ index: 1, code: 'MISSING_KEY' })]);
  });

  it('never has two batches naming one key in flight: the last row per key wins even when a later batch answers first', async () => {
    const store = new Map<string, Row>();
    // The first batch is slow; without ordering the second (same key) would land first and lose.
    const { session, peak } = memorySession(store, { delay: (call) => (call === 0 ? 20 : 0) });
    const input: Row[] = [
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
      { id: 'c', v: 1 },
      { id: 'a', v: 2 },
      { id: 'd', v: 1 },
      { id: 'e', v: 1 },
    ];
    const result = await runWriteLoop(session, input, options({ writeConcurrency: 4 }));
    expect(result.written).toBe(6);
    expect(store.get('a')).toEqual({ id: 'a', v: 2 });
    expect(peak()).toBeLessThanOrEqual(4);
  });

  it('runs up to writeConcurrency batches at once', async () => {
    const { session, peak } = memorySession(new Map(), { delay: () => 5 });
    await runWriteLoop(session, rows(20), options({ writeConcurrency: 3 }));
    expect(peak()).toBe(3);
  });

  it('a DataError fails that batch only; a transient failure left after retries too', async () => {
    const store = new Map<string, Row>();
    const { session } = memorySession(store, {
      fail: (_batch, call) => (call === 0 ? new DataError({ message: 'bad values' }) : call === 1 ? new TransientError({ message: 'HTTP 503' }) : undefined),
    });
    const result = await runWriteLoop(session, rows(6), options());
    expect(result.written).toBe(2);
    expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual([
      [0, 'bad values'],
      [1, 'bad values'],
      [2, 'HTTP 503'],
      [3, 'HTTP 503'],
    ]);
  });

  it('a failure that is not about rows stops the write: what landed, what failed and what was never sent (SKIPPED)', async () => {
    const store = new Map<string, Row>();
    const { session, sent } = memorySession(store, {
      fail: (_batch, call) => (call === 2 ? new AuthenticationError({ message: 'token s3cr3t expired' }) : undefined),
    });
    let pulled = 0;
    async function* input() {
      for (const row of rows(100)) {
        pulled += 1;
        yield row;
      }
    }
    const error = await runWriteLoop(session, input(), options()).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    const result = writeResultOf(error);
    expect(result).toMatchObject({ written: 4, stoppedBy: { kind: 'authentication' } });
    expect(result?.written).toBe(store.size);
    expect(result?.failed.map((failure) => failure.index)).toEqual([4, 5, ...(result?.failed.slice(2).map((failure) => failure.index) ?? [])]);
    expect(result?.failed[0]?.reason).toBe('token [REDACTED] expired');
    expect(result?.failed.slice(2).every((failure) => failure.code === 'SKIPPED')).toBe(true);
    expect((result?.received ?? 0) - (result?.written ?? 0)).toBe(result?.failed.length);
    expect(sent).toHaveLength(3);
    expect(pulled).toBeLessThan(100);
  });

  it('a cancel stops pulling input and lets the batches in flight answer: their rows end written (they are stored), the rest SKIPPED, none CANCELLED', async () => {
    const controller = new AbortController();
    const store = new Map<string, Row>();
    const { session, sent } = memorySession(store, { delay: () => 20 });
    let pulled = 0;
    async function* input() {
      for (const row of rows(1000)) {
        pulled += 1;
        if (pulled === 7) controller.abort();
        yield row;
      }
    }
    const error = await runWriteLoop(session, input(), options({ signal: controller.signal, writeConcurrency: 2 })).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    const result = writeResultOf(error);
    expect(pulled).toBeLessThanOrEqual(8);
    // Three batches of two were sent before the cancel; all three answered and count as written.
    expect(sent.flat()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result?.written).toBe(6);
    expect([...store.keys()].sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    expect(result?.failed.map((failure) => failure.code)).toEqual(['SKIPPED']);
    expect(result?.failed[0]?.index).toBe(6);
  });

  it('a batch still unanswered when the grace after a cancel runs out ends CANCELLED (its outcome is unknown)', async () => {
    const controller = new AbortController();
    const grace = new AbortController();
    const store = new Map<string, Row>();
    const session: WriteSession<Row> = {
      writeBatch: (_batch, batchContext) =>
        new Promise((_, reject) => batchContext.signal.addEventListener('abort', () => reject(batchContext.signal.reason), { once: true })),
    };
    const graceContext: ConnectorContext = { ...context, signal: grace.signal };
    const done = runWriteLoop(session, rows(2), options({ signal: controller.signal, context: graceContext })).catch((caught: unknown) => caught);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    grace.abort(controller.signal.reason);
    const error = await done;
    expect((error as Error).name).toBe('AbortError');
    expect(writeResultOf(error)).toMatchObject({
      received: 2,
      written: 0,
      failed: [
        { index: 0, code: 'CANCELLED' },
        { index: 1, code: 'CANCELLED' },
      ],
    });
    expect(store.size).toBe(0);
  });

  it('a batch that landed in part and then met a stopping failure is counted as it landed, and the write stops after it', async () => {
    const store = new Map<string, Row>();
    const sent: number[][] = [];
    const session: WriteSession<Row> = {
      async writeBatch(batch) {
        sent.push(batch.map((entry) => entry.index));
        if (sent.length < 2) {
          for (const entry of batch) store.set(String(entry.row.id), entry.row);
          return {};
        }
        // The first request of this batch landed, the second was refused for the quota.
        const [first, ...rest] = batch;
        if (first) store.set(String(first.row.id), first.row);
        const quota = new AuthenticationError({ message: 'session expired', connector: 'test' });
        return { failed: rest.map((entry) => ({ index: entry.index, reason: quota.message, code: 'EXPIRED' })), stop: quota };
      },
    };
    const error = await runWriteLoop(session, rows(3 * 4), options({ maxRecordsPerWrite: 4 })).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    const result = writeResultOf(error);
    expect(sent).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(result).toMatchObject({ written: 5, stoppedBy: { kind: 'authentication' } });
    expect(store.size).toBe(5);
    // Rows pulled after the stopping batch (if any) were never sent.
    const codes = result?.failed.map((failure) => failure.code) ?? [];
    expect(codes.slice(0, 3)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    expect(codes.slice(3).every((code) => code === 'SKIPPED')).toBe(true);
    expect(5 + codes.length).toBe(result?.received);
  });

  it('a failed commit turns written rows into COMMIT_FAILED failures', async () => {
    const { session } = memorySession(new Map());
    session.commit = async () => {
      throw new Error('rename failed');
    };
    const error = await runWriteLoop(session, rows(3), options()).catch((caught: unknown) => caught);
    expect(writeResultOf(error)).toMatchObject({ written: 0, failed: [{ code: 'COMMIT_FAILED' }, { code: 'COMMIT_FAILED' }, { code: 'COMMIT_FAILED' }] });
  });

  it('reports values that are not rows instead of crashing', async () => {
    const { session } = memorySession(new Map());
    const result = await runWriteLoop(session, [{ id: 'a' }, undefined as unknown as Row, 'text' as unknown as Row], options());
    expect(result.written).toBe(1);
    expect(result.failed.map((failure) => failure.code)).toEqual(['NOT_A_ROW', 'NOT_A_ROW']);
  });

  it('an input that throws stops the write with every row already pulled accounted for', async () => {
    const store = new Map<string, Row>();
    const { session } = memorySession(store);
    async function* input() {
      yield* rows(3);
      throw new Error('the source file is truncated');
    }
    const error = await runWriteLoop(session, input(), options()).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('the source file is truncated');
    const result = writeResultOf(error);
    expect(result?.received).toBe(3);
    expect((result?.written ?? 0) + (result?.failed.length ?? 0)).toBe(3);
  });
});
