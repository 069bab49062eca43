import type { JsonValue, Row, Value } from '@automl/connector-core';

/** How Decimal128 values come out: a JavaScript number (may round past 15-17 digits) or their exact text. */
export type DecimalMode = 'number' | 'string';

export interface ConvertOptions {
  decimal: DecimalMode;
}

// BSON values are told apart by their `_bsontype` tag rather than `instanceof`, so documents
// deserialised by another copy of the bson package (the driver's own) convert the same way.
interface BsonTagged {
  _bsontype: string;
}

/**
 * A document as the driver returns it (default promotion: int32 and double as numbers, safe longs
 * as numbers) to a row: ObjectId as its 24-hex string (the specification: `_id` as a string for
 * JSON), Date kept, Decimal128 per `options.decimal`, unsafe Long as its exact decimal text,
 * Binary as base64 (UUIDs in their canonical form), nested documents and arrays as JSON.
 */
export function convertMongoDbDocument(document: Record<string, unknown>, options: ConvertOptions): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(document)) row[key] = convertTopValue(value, options);
  return row;
}

function convertTopValue(value: unknown, options: ConvertOptions): Value {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return value;
  return convertJsonValue(value, options);
}

/** Inside JSON there is no Date nor NaN: dates become ISO strings and non-finite numbers null. */
function convertJsonValue(value: unknown, options: ConvertOptions): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((item) => convertJsonValue(item, options));
  if (isBsonTagged(value)) return convertBsonValue(value, options);
  const object: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) object[key] = convertJsonValue(item, options);
  return object;
}

function isBsonTagged(value: object): value is BsonTagged {
  return typeof (value as Partial<BsonTagged>)._bsontype === 'string';
}

function convertBsonValue(value: BsonTagged, options: ConvertOptions): JsonValue {
  const bson = value as BsonTagged & Record<string, unknown> & { toString(format?: string): string };
  switch (value._bsontype) {
    case 'ObjectId':
      return bson.toString();
    case 'Decimal128': {
      const text = bson.toString();
      if (options.decimal === 'string') return text;
      const number = Number(text);
      return Number.isFinite(number) ? number : null;
    }
    case 'Long': {
      const text = bson.toString();
      const number = Number(text);
      return Number.isSafeInteger(number) ? number : text;
    }
    case 'Int32':
    case 'Double':
      return convertJsonValue(Number(bson.valueOf()), options);
    case 'Binary':
      return convertBinary(bson as unknown as BinaryLike);
    case 'Timestamp':
      return { t: Number(bson.t), i: Number(bson.i) };
    case 'BSONRegExp':
      return `/${String(bson.pattern)}/${String(bson.options)}`;
    case 'BSONSymbol':
      return String(bson.valueOf());
    case 'Code':
      return String(bson.code);
    case 'DBRef':
      return {
        $ref: String(bson.collection),
        $id: convertJsonValue(bson.oid, options),
        ...(bson.db ? { $db: String(bson.db) } : {}),
      };
    case 'MinKey':
      return { $minKey: 1 };
    case 'MaxKey':
      return { $maxKey: 1 };
    default:
      return bson.toString();
  }
}

interface BinaryLike {
  sub_type: number;
  /** The bytes actually held (the `buffer` field may be larger). */
  value(): Uint8Array;
}

const UUID_SUBTYPE = 4;

function convertBinary(binary: BinaryLike): string {
  const held = binary.value();
  const bytes = Buffer.from(held.buffer, held.byteOffset, held.byteLength);
  if (binary.sub_type === UUID_SUBTYPE && bytes.length === 16) {
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return bytes.toString('base64');
}
