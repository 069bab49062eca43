import type { ConnectorCapabilities } from '../contract/capabilities.js';
import type { ConnectorContext } from '../contract/connector-context.js';
import type { RowFailure, RowsInput, WriteResult } from '../contract/requests.js';
import type { Row, Value } from '../contract/row.js';
import type { BatchEntry, PreparedRow, ResolvedWriteRequest, WriteSession } from '../contract/write-session.js';
import { ConnectorError, DataError } from '../errors/connector-error.js';
import { estimateBytes } from './rows.js';

const RESULT = Symbol.for('@automl/connector-core/WriteResult');

/** The partial result a stopped or cancelled write attached to its error, if any. */
export function writeResultOf(error: unknown): WriteResult | undefined {
  return typeof error === 'object' && error !== null
    ? ((error as Record<symbol, WriteResult | undefined>)[RESULT] ?? (error as { result?: WriteResult }).result)
    : undefined;
}

function attachResult(error: unknown, result: WriteResult): Error {
  const target = typeof error === 'object' && error !== null ? (error as Error) : new DOMException(String(error ?? 'The write was cancelled'), 'AbortError');
  // Not enumerable: a logged error must not dump the rows (they may hold personal data).
  Object.defineProperty(target, RESULT, { value: result, enumerable: false, configurable: true });
  Object.defineProperty(target, 'result', { value: result, enumerable: false, configurable: true, writable: true });
  return target;
}

/** A key value as a comparable string; undefined when the row has none. */
export function keyOf(value: Value | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export interface WriteLoopOptions {
  capabilities: ConnectorCapabilities;
  request: ResolvedWriteRequest;
  context: ConnectorContext;
  /** The caller's signal. */
  signal: AbortSignal;
  /** Scrubs, counts and logs the error that stops a write (the policy's failure path). */
  failure: (error: unknown) => Error;
  /** Scrubs credentials from a reason before it goes into the result. */
  redact: (text: string) => string;
}

interface Stop {
  error: unknown;
}

/**
 * Core's side of every write. Invariants, for every connector:
 * - every row pulled from the input ends in `written` or in `failed` (with its index and reason);
 * - a batch is sent only after every earlier batch naming one of its keys was answered, so the last
 *   row per key wins even with several batches in flight;
 * - a DataError fails the batch's rows; a transient or rate-limit failure left after the policy's
 *   retries fails the batch's rows too (an uncertain create is never resent), and the write goes on;
 * - any other failure (credentials, permission, quota, not found, config) stops the write: nothing more is pulled or sent, batches in flight are awaited, rows not sent
 *   end as SKIPPED, and the error is thrown carrying the result (`writeResultOf(error)`);
 * - a cancel stops pulling input at once and sends nothing more; batches already sent are let to
 *   answer (their rows end written or failed, exactly) unless they run past the grace of the
 *   context's signal (BaseConnector aborts it a bounded time after the cancel: those rows end
 *   CANCELLED); then it rejects with the caller's AbortError, result attached.
 */
export async function runWriteLoop<P>(session: WriteSession<P>, rows: RowsInput, options: WriteLoopOptions): Promise<WriteResult> {
  const { capabilities, request, context, signal } = options;
  const result: WriteResult = { received: 0, written: 0, created: 0, updated: 0, failed: [] };
  if (session.destination !== undefined) result.destination = session.destination;
  const maxRecords =
    Number.isFinite(capabilities.maxRecordsPerWrite) && capabilities.maxRecordsPerWrite > 0 ? capabilities.maxRecordsPerWrite : Number.MAX_SAFE_INTEGER;
  const maxBytes = capabilities.maxBytesPerWrite > 0 ? capabilities.maxBytesPerWrite : Number.POSITIVE_INFINITY;
  const concurrency = Math.max(1, Math.floor(capabilities.writeConcurrency));
  const measureBytes = Number.isFinite(maxBytes);

  const inFlight = new Set<Promise<void>>();
  const keysInFlight = new Map<string, Promise<void>>();
  let stop: Stop | undefined;
  let batch: Array<BatchEntry<P>> = [];
  let batchKeys = new Set<string>();
  let batchBytes = 0;

  const fail = (entries: ReadonlyArray<BatchEntry<P>>, reason: string, code: string | undefined) => {
    const scrubbed = options.redact(reason);
    for (const entry of entries) result.failed.push({ index: entry.index, row: entry.row, reason: scrubbed, ...(code ? { code } : {}) });
  };

  const account = (entries: ReadonlyArray<BatchEntry<P>>, outcome: Awaited<ReturnType<WriteSession<P>['writeBatch']>>) => {
    const failedIndexes = new Set<number>();
    const rowsByIndex = new Map(entries.map((entry) => [entry.index, entry.row]));
    for (const failure of outcome?.failed ?? []) {
      const row = rowsByIndex.get(failure.index);
      if (row === undefined || failedIndexes.has(failure.index)) continue;
      failedIndexes.add(failure.index);
      result.failed.push({ index: failure.index, row, reason: options.redact(failure.reason), ...(failure.code ? { code: String(failure.code) } : {}) });
    }
    const written = entries.length - failedIndexes.size;
    result.written += written;
    if (outcome?.created !== undefined) result.created = (result.created ?? 0) + outcome.created;
    if (outcome?.updated !== undefined) result.updated = (result.updated ?? 0) + outcome.updated;
  };

  const send = (entries: Array<BatchEntry<P>>, keys: Set<string>) => {
    const task: Promise<void> = (async () => {
      try {
        const outcome = await session.writeBatch(entries, context);
        account(entries, outcome);
        // Part of the batch landed, then a failure that must stop the write: counted, then stopped.
        if (outcome?.stop !== undefined) stop ??= { error: outcome.stop };
      } catch (error) {
        // The batch itself was aborted (its grace after a cancel ran out): its outcome is unknown.
        if (context.signal.aborted || (signal.aborted && isAbort(error))) {
          fail(
            entries,
            'The write was cancelled while this row was in flight and it was not answered in time: it may or may not have been stored.',
            'CANCELLED',
          );
        } else if (DataError.isInstance(error)) {
          fail(entries, error.message, error.code ?? 'data');
        } else if (ConnectorError.isInstance(error) && (error.kind === 'transient' || error.kind === 'rate-limited')) {
          // The policy already retried what was safe to retry: these rows failed, later batches may still land.
          fail(entries, error.message, error.code ?? error.kind);
        } else {
          const typed = ConnectorError.isInstance(error) ? error : undefined;
          fail(entries, typed?.message ?? (error instanceof Error ? error.message : String(error)), typed?.code ?? typed?.kind ?? 'error');
          stop ??= { error };
        }
      }
    })().finally(() => {
      inFlight.delete(task);
      for (const key of keys) if (keysInFlight.get(key) === task) keysInFlight.delete(key);
    });
    inFlight.add(task);
    for (const key of keys) keysInFlight.set(key, task);
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch;
    const keys = batchKeys;
    batch = [];
    batchKeys = new Set();
    batchBytes = 0;
    // Earlier batches naming one of these keys must be answered first: the last row per key wins.
    const earlier = new Set<Promise<void>>();
    for (const key of keys) {
      const task = keysInFlight.get(key);
      if (task) earlier.add(task);
    }
    if (earlier.size > 0) await Promise.all(earlier);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (stop || signal.aborted) {
      fail(entries, signal.aborted ? 'Not sent: the write was cancelled.' : `Not sent: the write stopped (${describe(stop?.error)}).`, 'SKIPPED');
      return;
    }
    send(entries, keys);
  };

  const prepare = (row: Row, index: number): PreparedRow<P> => {
    if (session.prepare) return session.prepare(row, index);
    const key = request.keyColumn ? keyOf(row[request.keyColumn]) : undefined;
    if (request.mode === 'upsert' && request.keyColumn && key === undefined) {
      return { failure: { reason: `The row has no ${request.keyColumn}, which the upsert matches records on.`, code: 'MISSING_KEY' } };
    }
    return { payload: row as unknown as P, ...(key !== undefined ? { key } : {}) };
  };

  const iterator = (
    Symbol.asyncIterator in (rows as object) ? (rows as AsyncIterable<Row>)[Symbol.asyncIterator]() : toAsync(rows as Iterable<Row>)
  ) as AsyncIterator<Row>;
  let inputError: { error: unknown } | undefined;
  try {
    while (!stop && !signal.aborted) {
      let next: IteratorResult<Row>;
      try {
        next = await iterator.next();
      } catch (error) {
        inputError = { error };
        break;
      }
      if (next.done) break;
      const row = next.value;
      const index = result.received++;
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        result.failed.push({
          index,
          row: {} as Row,
          reason: `Not a row: expected an object of column values, got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}.`,
          code: 'NOT_A_ROW',
        });
        continue;
      }
      let prepared: PreparedRow<P>;
      try {
        prepared = prepare(row, index);
      } catch (error) {
        prepared = { failure: { reason: error instanceof Error ? error.message : String(error), code: 'INVALID_ROW' } };
      }
      if ('failure' in prepared) {
        result.failed.push({ index, row, reason: prepared.failure.reason, ...(prepared.failure.code ? { code: prepared.failure.code } : {}) });
        continue;
      }
      const bytes = measureBytes ? (prepared.bytes ?? estimateBytes([row])) : 0;
      if (prepared.key !== undefined && batchKeys.has(prepared.key)) await flush();
      if (batch.length > 0 && batchBytes + bytes > maxBytes) await flush();
      batch.push({ index, row, payload: prepared.payload, ...(prepared.key !== undefined ? { key: prepared.key } : {}) });
      if (prepared.key !== undefined) batchKeys.add(prepared.key);
      batchBytes += bytes;
      if (batch.length >= maxRecords) await flush();
    }
    if (!stop && !signal.aborted && !inputError) await flush();
  } finally {
    await Promise.allSettled(inFlight);
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    if (batch.length > 0) {
      fail(
        batch,
        signal.aborted ? 'Not sent: the write was cancelled.' : `Not sent: the write stopped (${describe(stop?.error ?? inputError?.error)}).`,
        'SKIPPED',
      );
      batch = [];
    }
    if (stop || signal.aborted || inputError) await iterator.return?.().catch(() => undefined);
  }
  result.failed.sort((left, right) => left.index - right.index);

  const stopping = signal.aborted ? signal.reason : (stop?.error ?? inputError?.error);
  if (stopping !== undefined || signal.aborted) {
    await session.abort?.(stopping, context).catch(() => undefined);
    if (session.stagesRows) uncommitted(result, 'Not stored: the write stopped before its commit.', 'NOT_COMMITTED');
    if (signal.aborted) throw attachResult(signal.reason, result);
    const final = options.failure(stopping);
    result.stoppedBy = summary(final);
    throw attachResult(final, result);
  }

  try {
    await session.commit?.({ written: result.written, failed: result.failed.length }, context);
  } catch (error) {
    await session.abort?.(error, context).catch(() => undefined);
    const final = options.failure(error);
    uncommitted(result, `Not stored: the write's final step failed (${final.message}).`, 'COMMIT_FAILED');
    result.stoppedBy = summary(final);
    throw attachResult(final, result);
  }
  return result;
}

/** Every row counted as written becomes a failure: the final step that stores them did not happen. */
function uncommitted(result: WriteResult, reason: string, code: string): void {
  const failedIndexes = new Set(result.failed.map((failure) => failure.index));
  const failures: RowFailure[] = [];
  for (let index = 0; index < result.received; index += 1) {
    if (!failedIndexes.has(index)) failures.push({ index, row: {}, reason, code });
  }
  result.failed = [...result.failed, ...failures].sort((left, right) => left.index - right.index);
  result.written = 0;
  result.created = 0;
  result.updated = 0;
}

function summary(error: Error): NonNullable<WriteResult['stoppedBy']> {
  const typed = ConnectorError.isInstance(error) ? error : undefined;
  return { name: error.name, kind: typed?.kind ?? 'connector', message: error.message, ...(typed?.hint ? { hint: typed.hint } : {}) };
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function describe(error: unknown): string {
  if (error === undefined) return 'unknown reason';
  return error instanceof Error ? error.message : String(error);
}

async function* toAsync(rows: Iterable<Row>): AsyncGenerator<Row> {
  yield* rows;
}
