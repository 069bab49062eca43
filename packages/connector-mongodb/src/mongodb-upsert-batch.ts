import type { BatchEntry, BatchOutcome, ConnectorContext } from '@automl/connector-core';
import type { AnyBulkWriteOperation, BulkWriteResult, Collection, Document, WriteError } from 'mongodb';
import { statementErrors } from './mongodb-bulk-errors.js';

export interface UpsertPayload {
  filter: Document;
  update: Document;
}

/** A bulk write's answer: its result, or the statements the server refused with what it did apply. */
type Attempt = { result: BulkWriteResult } | { rejected: { errors: WriteError[]; upserted: number; matched: number } };

const DUPLICATE_KEY = 11000;

/**
 * One batch of keyed upserts: a `bulkWrite` of `updateOne({ key }, { $set }, { upsert: true })`,
 * unordered. Repeating it is harmless (the same values land on the same keys), so core may retry
 * it after a reset or a reply that came too late.
 *
 * Row failures come from the server's `writeErrors`, but only when its counts account for every
 * statement (matched + upserted + errors = statements), as MongoDB's do. FerretDB stops an update
 * command at its first failing statement and reports it as index 0 with zero counts: then each
 * statement is replayed alone, which attributes every failure to its own row and re-applies the
 * rest idempotently. A duplicate-key failure of a lone upsert (a concurrent writer inserted the
 * same key first) is replayed once: it now matches.
 */
export async function writeUpsertBatch(
  collection: Collection,
  batch: ReadonlyArray<BatchEntry<UpsertPayload>>,
  context: ConnectorContext,
  maxTimeMs: number,
): Promise<BatchOutcome> {
  const attempt = await bulkUpsert(collection, batch, context, maxTimeMs);
  if ('result' in attempt) return { created: attempt.result.upsertedCount, updated: attempt.result.matchedCount };
  const { rejected } = attempt;
  if (rejected.upserted + rejected.matched + rejected.errors.length === batch.length) {
    return {
      created: rejected.upserted,
      updated: rejected.matched,
      failed: rejected.errors.flatMap((writeError) => {
        const entry = batch[writeError.index];
        return entry ? [{ index: entry.index, reason: writeError.errmsg ?? 'write error', code: String(writeError.code) }] : [];
      }),
    };
  }
  return replayOneByOne(collection, batch, context, maxTimeMs);
}

async function replayOneByOne(
  collection: Collection,
  batch: ReadonlyArray<BatchEntry<UpsertPayload>>,
  context: ConnectorContext,
  maxTimeMs: number,
): Promise<BatchOutcome> {
  const outcome: Required<Omit<BatchOutcome, 'stop'>> = { created: 0, updated: 0, failed: [] };
  for (const entry of batch) {
    let attempt = await bulkUpsert(collection, [entry], context, maxTimeMs);
    if ('rejected' in attempt && attempt.rejected.errors[0]?.code === DUPLICATE_KEY) attempt = await bulkUpsert(collection, [entry], context, maxTimeMs);
    if ('result' in attempt) {
      outcome.created += attempt.result.upsertedCount;
      outcome.updated += attempt.result.matchedCount;
      continue;
    }
    const writeError = attempt.rejected.errors[0];
    outcome.failed.push({ index: entry.index, reason: writeError?.errmsg ?? 'write error', code: String(writeError?.code ?? 'write-error') });
  }
  return outcome;
}

function bulkUpsert(collection: Collection, batch: ReadonlyArray<BatchEntry<UpsertPayload>>, context: ConnectorContext, maxTimeMs: number): Promise<Attempt> {
  const operations: AnyBulkWriteOperation[] = batch.map(({ payload }) => ({
    updateOne: { filter: payload.filter, update: payload.update, upsert: true },
  }));
  return context.call(
    'write',
    async () => {
      try {
        return { result: await collection.bulkWrite(operations, { ordered: false, maxTimeMS: maxTimeMs }) };
      } catch (error) {
        // Statement errors are row failures, not the call's: answer them instead of throwing.
        const errors = statementErrors(error);
        if (!errors) throw error;
        const result = (error as { result: BulkWriteResult }).result;
        return { rejected: { errors, upserted: result.upsertedCount, matched: result.matchedCount } };
      }
    },
    { idempotent: true },
  );
}
