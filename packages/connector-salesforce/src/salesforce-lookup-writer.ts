import { type BatchOutcome, ConnectorError, DataError } from '@automl/connector-core';
import { collectionsLimit, createCollection, type SalesforceWriteEntry, updateCollection } from './salesforce-collections-writer.js';
import type { SalesforceRemote } from './salesforce-remote.js';
import { queryBatches } from './salesforce-rest-reader.js';
import { queryUrlLength, soqlString } from './salesforce-soql.js';

type Failure = NonNullable<BatchOutcome['failed']>[number];

export interface LookupEntry extends SalesforceWriteEntry {
  /** The key value as sent (its case kept); matched case-insensitively, as SOQL compares text. */
  key: string;
}

/** Record ids by lower-cased key value, for the keys asked: `SELECT Id, key WHERE key IN (...)`, in URL-sized chunks. */
async function findByKey(remote: SalesforceRemote, object: string, keyField: string, keys: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const head = `SELECT Id, ${keyField} FROM ${object} WHERE ${keyField} IN (`;
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const key of new Set(keys)) {
    const candidate = [...current, soqlString(key)];
    if (current.length > 0 && queryUrlLength(remote.apiVersion, `${head}${candidate.join(',')})`) > remote.maxUrlLength) {
      chunks.push(current);
      current = [soqlString(key)];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) chunks.push(current);
  for (const chunk of chunks) {
    for await (const batch of queryBatches(remote, `${head}${chunk.join(',')})`)) {
      for (const record of batch.records) {
        const value = record[keyField];
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        const lower = String(value).toLowerCase();
        found.set(lower, [...(found.get(lower) ?? []), String(record.Id)]);
      }
    }
  }
  return found;
}

const merge = (outcomes: BatchOutcome[]): BatchOutcome => ({
  failed: outcomes.flatMap((outcome) => outcome.failed ?? []),
  created: outcomes.reduce((sum, outcome) => sum + (outcome.created ?? 0), 0),
  updated: outcomes.reduce((sum, outcome) => sum + (outcome.updated ?? 0), 0),
});

/**
 * Upsert on a key that is not an External ID (Email on Contact is neither unique nor one, so
 * Salesforce cannot upsert on it): find the records by key, update those found by Id (idempotent),
 * create the rest. Several records for one key fail that row as ambiguous, never a guess. A create
 * is never retried; when its reply is lost the keys are looked up again: records found were
 * created, and rows still not found fail (the create may land later) rather than being sent twice.
 */
export async function upsertByLookup(remote: SalesforceRemote, object: string, keyField: string, entries: ReadonlyArray<LookupEntry>): Promise<BatchOutcome> {
  const existing = await findByKey(
    remote,
    object,
    keyField,
    entries.map((entry) => entry.key),
  );
  const failed: Failure[] = [];
  const updates: Array<SalesforceWriteEntry & { id: string }> = [];
  const creates: LookupEntry[] = [];
  for (const entry of entries) {
    const ids = existing.get(entry.key.toLowerCase()) ?? [];
    if (ids.length > 1) {
      failed.push({
        index: entry.index,
        reason: `${ids.length} ${object} records have ${keyField} = ${entry.key} (${ids.join(', ')}); not guessing which to update`,
        code: 'AMBIGUOUS_KEY',
      });
    } else if (ids.length === 1) {
      updates.push({ ...entry, id: ids[0]! });
    } else {
      creates.push(entry);
    }
  }
  const outcomes: BatchOutcome[] = [{ failed }];
  if (updates.length > 0) outcomes.push(await updateCollection(remote, object, updates));
  for (let start = 0; start < creates.length; start += collectionsLimit) {
    const chunk = creates.slice(start, start + collectionsLimit);
    try {
      outcomes.push(await createCollection(remote, object, chunk));
    } catch (error) {
      if (DataError.isInstance(error) || (ConnectorError.isInstance(error) && !['transient', 'rate-limited', 'connector'].includes(error.kind))) throw error;
      outcomes.push(await confirmCreates(remote, object, keyField, chunk, error));
    }
  }
  return merge(outcomes);
}

/** After a create whose answer was lost: rows whose key now exists were created; the others fail, unsent again. */
async function confirmCreates(remote: SalesforceRemote, object: string, keyField: string, creates: LookupEntry[], error: unknown): Promise<BatchOutcome> {
  const found = await findByKey(
    remote,
    object,
    keyField,
    creates.map((entry) => entry.key),
  );
  const cause = error instanceof Error ? error.message : String(error);
  const failed: Failure[] = [];
  let created = 0;
  for (const entry of creates) {
    if ((found.get(entry.key.toLowerCase()) ?? []).length > 0) created += 1;
    else {
      failed.push({
        index: entry.index,
        reason: `The create's answer was lost (${cause}) and no ${object} with ${keyField} = ${entry.key} exists yet; not sent again, since it may still land. Write the row again later: it is matched by ${keyField} first.`,
        code: 'CREATE_UNCONFIRMED',
      });
    }
  }
  return { failed, created };
}
