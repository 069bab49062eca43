import type { BatchEntry, BatchOutcome, ConnectorContext } from '@automl/connector-core';
import { BSON, type Collection, type Document, type Filter, type WriteError } from 'mongodb';
import { statementErrors } from './mongodb-bulk-errors.js';

export interface InsertPayload {
  /** The document with its `_id` already assigned (by the row or at prepare time, once per row). */
  document: Document;
}

const DUPLICATE_KEY = 11000;

/**
 * One batch of inserts: `insertMany`, unordered. Every document carries an `_id` chosen before the
 * first attempt, so a batch retried after a reset or a late reply meets duplicate-key errors for
 * the documents an earlier attempt stored. Those are counted as written when the stored document
 * is this very one (compared field by field), and as failures when another document holds the
 * key: nothing is inserted twice and no row is lost.
 */
export async function writeInsertBatch(
  collection: Collection,
  batch: ReadonlyArray<BatchEntry<InsertPayload>>,
  context: ConnectorContext,
  maxTimeMs: number,
): Promise<BatchOutcome> {
  const documents = batch.map((entry) => entry.payload.document);
  const errors = await context.call(
    'write',
    // The driver takes no signal on writes: core's timeout abandons a slow attempt, which may still
    // land; the fixed _ids make that harmless.
    async () => {
      try {
        await collection.insertMany(documents, { ordered: false, maxTimeMS: maxTimeMs });
        return [] as WriteError[];
      } catch (error) {
        const refused = statementErrors(error);
        if (!refused) throw error;
        return refused;
      }
    },
    { idempotent: true },
  );
  if (errors.length === 0) return { created: batch.length };

  const duplicates = errors.filter((error) => error.code === DUPLICATE_KEY);
  const stored =
    duplicates.length > 0
      ? await storedById(
          collection,
          duplicates.map((error) => documents[error.index]?._id),
          context,
        )
      : new Map<string, string>();
  const failed: NonNullable<BatchOutcome['failed']> = [];
  for (const error of errors) {
    const entry = batch[error.index];
    if (!entry) continue;
    const document = entry.payload.document;
    if (error.code === DUPLICATE_KEY && stored.get(canonical(document._id)) === canonical(roundTrip(document))) continue;
    failed.push({ index: entry.index, reason: error.errmsg ?? 'write error', code: String(error.code) });
  }
  return { created: batch.length - failed.length, failed };
}

/** The documents stored under these `_id`s, in canonical form, by canonical `_id`. */
async function storedById(collection: Collection, ids: unknown[], context: ConnectorContext): Promise<Map<string, string>> {
  const found = await context.call('write.verify', ({ signal }) => collection.find({ _id: { $in: ids } } as Filter<Document>, { signal }).toArray());
  return new Map(found.map((document) => [canonical(document._id), canonical(document)]));
}

/** What the server hands back for a document: the driver's default promotion of its BSON. */
function roundTrip(document: Document): Document {
  return BSON.deserialize(BSON.serialize(document));
}

/** Canonical Extended JSON with sorted keys: equal text means equal BSON values and types. */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(BSON.EJSON.serialize({ v: value }, { relaxed: false })));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
