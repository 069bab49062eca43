import { randomBytes } from 'node:crypto';
import { type ConnectorContext, keyOf, type PreparedRow, type ResolvedWriteRequest, type Row, type WriteSession } from '@automl/connector-core';
import { type Collection, type Db, type Document, ObjectId } from 'mongodb';
import { convertRowToMongoDbDocument, toIdValue } from './convert-row-to-mongodb-document.js';
import { invalidFieldName } from './mongodb-field-names.js';
import { type InsertPayload, writeInsertBatch } from './mongodb-insert-batch.js';
import { swapInCollection } from './mongodb-overwrite.js';
import { type UpsertPayload, writeUpsertBatch } from './mongodb-upsert-batch.js';

export interface MongoDbWriteOptions {
  db: Db;
  collection: string;
  objectIdStrings: boolean;
  createKeyIndex: boolean;
  /** The server abandons a write still running after this (core's per-attempt timeout): a late one cannot land long after its retry. */
  maxTimeMs: number;
}

/** Where an overwrite stages its rows before the swap; listTables hides these. */
export const stagingPrefix = '__automl_staging_';

/**
 * The write session of one write: keyed upserts, inserts with client-assigned `_id`s (append), or
 * inserts into a staging collection swapped in at commit (overwrite: readers never see a half
 * written collection). Rows MongoDB would store somewhere else than asked (a field name with `.`
 * or a leading `$`) fail on their own before anything is sent.
 */
export async function beginMongoDbWrite(
  request: ResolvedWriteRequest,
  options: MongoDbWriteOptions,
  context: ConnectorContext,
): Promise<WriteSession<UpsertPayload> | WriteSession<InsertPayload>> {
  const { db } = options;
  const destination = `${db.databaseName}.${options.collection}`;
  if (request.mode === 'upsert') {
    const keyColumn = request.keyColumn as string;
    const collection = db.collection(options.collection);
    if (options.createKeyIndex && keyColumn !== '_id') {
      await context.call('write.index', () => collection.createIndex({ [keyColumn]: 1 }, { unique: true }));
    } else if (keyColumn !== '_id' && !(await hasUniqueIndexOn(collection, keyColumn, context))) {
      context.warn(
        'NO_UNIQUE_KEY_INDEX',
        `${destination} has no unique index on ${keyColumn}: two writers upserting the same new ${keyColumn} at once, or a batch retried while its first attempt reached the server late, can each insert a document. Create a unique index on ${keyColumn}, or set createKeyIndex: true.`,
      );
    }
    return {
      destination,
      prepare: (row) => prepareUpsert(row, keyColumn, options),
      writeBatch: (batch, batchContext) => writeUpsertBatch(collection, batch, batchContext, options.maxTimeMs),
    } satisfies WriteSession<UpsertPayload>;
  }

  const prepare = (row: Row) => prepareInsert(row, options);
  if (request.mode === 'append') {
    const collection = db.collection(options.collection);
    return {
      destination,
      prepare,
      writeBatch: (batch, batchContext) => writeInsertBatch(collection, batch, batchContext, options.maxTimeMs),
    } satisfies WriteSession<InsertPayload>;
  }

  const staging = `${stagingPrefix}${options.collection}_${randomBytes(6).toString('hex')}`;
  const stagingCollection = db.collection(staging);
  // Created up front, even for an overwrite with no rows: the swap relies on it (see swapInCollection).
  await context.call('write.stage', async () => {
    // A retry after a lost reply finds it made (NamespaceExists, 48).
    await db.createCollection(staging).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 48) throw error;
    });
  });
  return {
    destination,
    prepare,
    writeBatch: (batch, batchContext) => writeInsertBatch(stagingCollection, batch, batchContext, options.maxTimeMs),
    commit: async (summary, commitContext) => {
      // Every row refused: keep the collection as it was rather than replace it with nothing.
      if (summary.written === 0 && summary.failed > 0) {
        await dropQuietly(db, staging, commitContext);
        return;
      }
      await swapInCollection(db, staging, options.collection, commitContext);
    },
    abort: (_error, abortContext) => dropQuietly(db, staging, abortContext),
  } satisfies WriteSession<InsertPayload>;
}

function prepareUpsert(row: Row, keyColumn: string, options: MongoDbWriteOptions): PreparedRow<UpsertPayload> {
  const invalid = invalidFieldName(row);
  if (invalid) return { failure: { reason: `Not written: ${invalid}.`, code: 'INVALID_FIELD_NAME' } };
  const keyValue = row[keyColumn];
  const key = keyOf(keyValue);
  if (key === undefined) return { failure: { reason: `The row has no ${keyColumn}, which the upsert matches documents on.`, code: 'MISSING_KEY' } };
  if (typeof keyValue === 'object' && !(keyValue instanceof Date)) {
    return { failure: { reason: `The key ${keyColumn} must be a string, number, boolean or date, not a document or array.`, code: 'INVALID_KEY' } };
  }
  const document = convertRowToMongoDbDocument(row, options);
  const filterValue = keyColumn === '_id' ? toIdValue(keyValue, options) : document[keyColumn];
  const { _id: id, ...fields } = document;
  const update: Document = {};
  if (keyColumn !== '_id') {
    update.$set = fields;
    // A new document takes the row's _id; an existing one keeps its own (an _id cannot change).
    if (id !== undefined) update.$setOnInsert = { _id: id };
  } else {
    update.$set = Object.keys(fields).length > 0 ? fields : undefined;
    if (!update.$set) {
      delete update.$set;
      update.$setOnInsert = { _id: filterValue };
    }
  }
  return { payload: { filter: { [keyColumn]: filterValue }, update }, key };
}

function prepareInsert(row: Row, options: MongoDbWriteOptions): PreparedRow<InsertPayload> {
  const invalid = invalidFieldName(row);
  if (invalid) return { failure: { reason: `Not written: ${invalid}.`, code: 'INVALID_FIELD_NAME' } };
  const document = convertRowToMongoDbDocument(row, options);
  // Assigned once, here: every retry of the batch sends the same _id, so it cannot insert twice.
  if (document._id === undefined || document._id === null) document._id = new ObjectId();
  return { payload: { document } };
}

async function dropQuietly(db: Db, collection: string, context: ConnectorContext): Promise<void> {
  await context.call('write.cleanup', () => db.collection(collection).drop()).catch(() => undefined);
}

/**
 * Whether a unique index covers exactly the key: MongoDB then refuses the second insert of a new key
 * (the loser is replayed as an update), which is what makes concurrent or replayed upserts safe.
 */
async function hasUniqueIndexOn(collection: Collection, keyColumn: string, context: ConnectorContext): Promise<boolean> {
  const indexes = await context.call('write.indexes', async () =>
    collection.indexes().catch((error: unknown) => {
      // A collection that does not exist yet has no index (NamespaceNotFound).
      if ((error as { code?: unknown }).code === 26) return [];
      throw error;
    }),
  );
  return indexes.some((index) => index.unique === true && Object.keys(index.key ?? {}).join(',') === keyColumn);
}
