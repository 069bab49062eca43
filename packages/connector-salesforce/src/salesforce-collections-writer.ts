import type { BatchOutcome } from '@automl/connector-core';
import type { SalesforceRemote } from './salesforce-remote.js';

/** A row ready for the REST API: its input position and its field values. */
export interface SalesforceWriteEntry {
  index: number;
  values: Record<string, unknown>;
}

/** One SaveResult / UpsertResult of sObject Collections. */
interface CollectionResult {
  id?: string | null;
  success: boolean;
  created?: boolean;
  errors?: Array<{ statusCode?: string; message?: string; fields?: string[] }>;
}

type Failure = NonNullable<BatchOutcome['failed']>[number];

/** A per-record failure with Salesforce's status code and the fields it names. */
export function resultFailure(index: number, result: CollectionResult): Failure {
  const error = result.errors?.[0];
  const fields = error?.fields?.length ? ` (fields: ${error.fields.join(', ')})` : '';
  return { index, reason: `${error?.statusCode ?? 'UNKNOWN'}: ${error?.message ?? 'rejected by Salesforce'}${fields}`, code: error?.statusCode ?? 'UNKNOWN' };
}

/** Maps results (in request order, as Salesforce documents) back to the entries' input positions. */
function outcomeOf(entries: ReadonlyArray<SalesforceWriteEntry>, results: CollectionResult[], kind: 'upsert' | 'create' | 'update'): BatchOutcome {
  const failed: Failure[] = [];
  let created = 0;
  let updated = 0;
  entries.forEach((entry, position) => {
    const result = results[position];
    if (!result) failed.push({ index: entry.index, reason: 'Salesforce returned no result for this record', code: 'NO_RESULT' });
    else if (!result.success) failed.push(resultFailure(entry.index, result));
    else if (kind === 'create' || (kind === 'upsert' && result.created)) created += 1;
    else updated += 1;
  });
  return { failed, created, updated };
}

const records = (object: string, entries: ReadonlyArray<SalesforceWriteEntry>) => entries.map((entry) => ({ attributes: { type: object }, ...entry.values }));

/** Records per sObject Collections request. */
export const collectionsLimit = 200;

/** Failures that are about the rows or may pass (the batch's rows fail); any other kind stops the write. */
const rowLevelKinds = new Set(['data', 'transient', 'rate-limited']);

export interface ChunkOptions {
  /** Calls in flight at once inside the batch (core never puts one key twice in a batch). */
  concurrency?: number;
}

/**
 * Runs a batch as requests of at most 200 records. Every chunk failing is the batch failing (the
 * error goes to core). When some chunks landed, the rows of the failed ones are reported with the
 * error instead, so what was written is never counted as failed; a failure that must stop the write
 * (credentials, quota) then sends no further chunk and goes back to core as the outcome's `stop`,
 * which stops the write once this batch's rows are counted.
 */
async function inChunks<E extends SalesforceWriteEntry>(
  entries: ReadonlyArray<E>,
  options: ChunkOptions,
  send: (chunk: E[]) => Promise<BatchOutcome>,
): Promise<BatchOutcome> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const chunks: E[][] = [];
  for (let start = 0; start < entries.length; start += collectionsLimit) chunks.push(entries.slice(start, start + collectionsLimit));
  const settled: Array<PromiseSettledResult<BatchOutcome> | undefined> = [];
  let stop: unknown;
  for (let start = 0; start < chunks.length && stop === undefined; start += concurrency) {
    const group = await Promise.allSettled(chunks.slice(start, start + concurrency).map(send));
    settled.push(...group);
    const stopping = group.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected' && !rowLevelKinds.has((result.reason as { kind?: string })?.kind ?? ''),
    );
    if (stopping) stop = stopping.reason;
  }
  const landed = settled.some((result) => result?.status === 'fulfilled');
  const firstError = settled.find((result): result is PromiseRejectedResult => result?.status === 'rejected');
  if (firstError && !landed) throw stop ?? firstError.reason;
  const outcome: BatchOutcome & Required<Pick<BatchOutcome, 'failed' | 'created' | 'updated'>> = {
    failed: [],
    created: 0,
    updated: 0,
    ...(stop === undefined ? {} : { stop }),
  };
  chunks.forEach((chunk, position) => {
    const result = settled[position];
    if (result?.status === 'fulfilled') {
      outcome.failed.push(...(result.value.failed ?? []));
      outcome.created += result.value.created ?? 0;
      outcome.updated += result.value.updated ?? 0;
      return;
    }
    const error = (result?.reason ?? stop) as { message?: string; code?: string; kind?: string };
    const reason = result ? (error.message ?? String(result.reason)) : `Not sent: the write stopped (${error.message ?? String(stop)})`;
    const code = result ? (error.code ?? error.kind ?? 'error') : 'SKIPPED';
    for (const entry of chunk) outcome.failed.push({ index: entry.index, reason, code });
  });
  return outcome;
}

/**
 * Upsert by an External ID field: `PATCH /composite/sobjects/{object}/{field}`, at most 200 records
 * per call, `allOrNone: false` so one bad record fails alone. Safe to retry: a replayed upsert
 * matches the records the first one created.
 */
export function upsertCollection(
  remote: SalesforceRemote,
  object: string,
  keyField: string,
  entries: ReadonlyArray<SalesforceWriteEntry>,
  options: ChunkOptions = {},
): Promise<BatchOutcome> {
  return inChunks(entries, options, async (chunk) => {
    const response = await remote.send<CollectionResult[]>(
      'write',
      {
        method: 'PATCH',
        path: `/composite/sobjects/${encodeURIComponent(object)}/${encodeURIComponent(keyField)}`,
        body: { allOrNone: false, records: records(object, chunk) },
      },
      { idempotent: true },
    );
    return outcomeOf(chunk, response.body, 'upsert');
  });
}

/** Updates by record Id (`PATCH /composite/sobjects`): setting the same values twice is harmless, so retried. */
export function updateCollection(
  remote: SalesforceRemote,
  object: string,
  entries: ReadonlyArray<SalesforceWriteEntry & { id: string }>,
  options: ChunkOptions = {},
): Promise<BatchOutcome> {
  return inChunks(entries, options, async (chunk) => {
    const body = { allOrNone: false, records: chunk.map((entry) => ({ attributes: { type: object }, ...entry.values, id: entry.id })) };
    const response = await remote.send<CollectionResult[]>('write', { method: 'PATCH', path: '/composite/sobjects', body }, { idempotent: true });
    return outcomeOf(chunk, response.body, 'update');
  });
}

/** Creates (`POST /composite/sobjects`), 200 records per call: never retried, since a replayed create would duplicate. */
export function createCollection(
  remote: SalesforceRemote,
  object: string,
  entries: ReadonlyArray<SalesforceWriteEntry>,
  options: ChunkOptions = {},
): Promise<BatchOutcome> {
  return inChunks(entries, options, async (chunk) => {
    const response = await remote.send<CollectionResult[]>(
      'write',
      { method: 'POST', path: '/composite/sobjects', body: { allOrNone: false, records: records(object, chunk) } },
      { idempotent: false },
    );
    return outcomeOf(chunk, response.body, 'create');
  });
}
