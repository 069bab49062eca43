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

/**
 * Upsert by an External ID field: `PATCH /composite/sobjects/{object}/{field}`, at most 200 records
 * (core batches by the capability), `allOrNone: false` so one bad record fails alone. Safe to retry:
 * a replayed upsert matches the records the first one created.
 */
export async function upsertCollection(remote: SalesforceRemote, object: string, keyField: string, entries: ReadonlyArray<SalesforceWriteEntry>): Promise<BatchOutcome> {
  const response = await remote.send<CollectionResult[]>(
    'write',
    { method: 'PATCH', path: `/composite/sobjects/${encodeURIComponent(object)}/${encodeURIComponent(keyField)}`, body: { allOrNone: false, records: records(object, entries) } },
    { idempotent: true },
  );
  return outcomeOf(entries, response.body, 'upsert');
}

/** Updates by record Id (`PATCH /composite/sobjects`): setting the same values twice is harmless, so retried. */
export async function updateCollection(remote: SalesforceRemote, object: string, entries: ReadonlyArray<SalesforceWriteEntry & { id: string }>): Promise<BatchOutcome> {
  const body = { allOrNone: false, records: entries.map((entry) => ({ attributes: { type: object }, ...entry.values, id: entry.id })) };
  const response = await remote.send<CollectionResult[]>('write', { method: 'PATCH', path: '/composite/sobjects', body }, { idempotent: true });
  return outcomeOf(entries, response.body, 'update');
}

/** Records per sObject Collections request. */
export const collectionsLimit = 200;

/**
 * Creates (`POST /composite/sobjects`), 200 records per call (a Bulk-sized batch of appends is sent
 * in several): never retried, since a replayed create would duplicate.
 */
export async function createCollection(remote: SalesforceRemote, object: string, entries: ReadonlyArray<SalesforceWriteEntry>): Promise<BatchOutcome> {
  const outcome: Required<BatchOutcome> = { failed: [], created: 0, updated: 0 };
  for (let start = 0; start < entries.length; start += collectionsLimit) {
    const chunk = entries.slice(start, start + collectionsLimit);
    let response: { body: CollectionResult[] };
    try {
      response = await remote.send<CollectionResult[]>('write', { method: 'POST', path: '/composite/sobjects', body: { allOrNone: false, records: records(object, chunk) } }, { idempotent: false });
    } catch (error) {
      // The first chunk failing fails the batch as usual; after it, the chunks already created stay counted.
      if (start === 0) throw error;
      const typed = error as { message?: string; code?: string; kind?: string };
      for (const entry of entries.slice(start)) outcome.failed.push({ index: entry.index, reason: typed.message ?? String(error), code: typed.code ?? typed.kind ?? 'error' });
      return outcome;
    }
    const part = outcomeOf(chunk, response.body, 'create');
    outcome.failed.push(...(part.failed ?? []));
    outcome.created += part.created ?? 0;
  }
  return outcome;
}
