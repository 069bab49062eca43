import type { Row } from '@automl/connector-core';
import { ObjectId } from 'mongodb';

const OBJECT_ID_TEXT = /^[0-9a-f]{24}$/i;

/**
 * A row back to a document: reads turn ObjectIds into 24-hex strings, so an `_id` of that shape
 * becomes an ObjectId again (a row read, scored and written back lands on its own document).
 * Missing (undefined) cells are left out; everything else is stored as it is.
 */
export function convertRowToMongoDbDocument(row: Row, options: { objectIdStrings: boolean }): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined) continue;
    document[key] = key === '_id' ? toIdValue(value, options) : value;
  }
  return document;
}

/** The `_id` (or an upsert key on `_id`) as stored: a 24-hex string as an ObjectId when asked. */
export function toIdValue(value: unknown, options: { objectIdStrings: boolean }): unknown {
  return options.objectIdStrings && typeof value === 'string' && OBJECT_ID_TEXT.test(value) ? new ObjectId(value) : value;
}
