import { type ColumnSchema, inferColumns, type Row } from '@automl/connector-core';
import type { Document } from 'mongodb';

/** The BSON type of a value as the driver returns it, in MongoDB's own `$type` names. */
export function bsonTypeName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const tag = (value as { _bsontype?: unknown })._bsontype;
    if (typeof tag !== 'string') return 'object';
    return bsonTags[tag] ?? tag.toLowerCase();
  }
  return typeof value;
}

const bsonTags: Record<string, string> = {
  ObjectId: 'objectId',
  Decimal128: 'decimal',
  Long: 'long',
  Int32: 'int',
  Double: 'double',
  Binary: 'binData',
  Timestamp: 'timestamp',
  BSONRegExp: 'regex',
  BSONSymbol: 'symbol',
  Code: 'javascript',
  DBRef: 'dbPointer',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
};

/**
 * Columns of a collection from a sample: the portable type from the converted rows (core's
 * inference: ObjectId reads as string, nested documents and arrays as json, a field missing from
 * some documents is nullable) and the BSON type(s) seen as `sourceType` (`objectId`, `long|int`).
 */
export function describeMongoDbColumns(documents: readonly Document[], rows: readonly Row[]): ColumnSchema[] {
  return inferColumns(rows).map((column) => {
    const types = new Set<string>();
    for (const document of documents) {
      const type = bsonTypeName(document[column.name]);
      if (type && type !== 'null') types.add(type);
    }
    if (types.has('int') && types.has('double')) types.delete('int');
    return types.size > 0 ? { ...column, sourceType: [...types].join('|') } : column;
  });
}
