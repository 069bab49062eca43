import type { JsonValue, Row, Value } from '@automl/connector-core';
import type { RecordBatch } from 'apache-arrow';
import { type BigQueryField, exactNumber, formatTimeOfDay } from './convert-bigquery-row.js';

const legacy: Record<string, string> = { INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN', STRUCT: 'RECORD' };
const typeOf = (field: BigQueryField) => legacy[field.type.toUpperCase()] ?? field.type.toUpperCase();

/**
 * Rows of one Arrow record batch from the Storage Read API, as the same contract values the REST
 * path yields (convert-bigquery-row.ts): the two paths must read a table identically. Arrow carries
 * INT64 as bigint, NUMERIC/BIGNUMERIC as scaled two's-complement words, DATE as days,
 * TIMESTAMP/DATETIME as microseconds, TIME as microseconds since midnight.
 */
export function convertArrowBatch(fields: readonly BigQueryField[], batch: RecordBatch): Row[] {
  const rows: Row[] = new Array(batch.numRows);
  for (let index = 0; index < batch.numRows; index += 1) rows[index] = {};
  for (const field of fields) {
    const vector = batch.getChild(field.name);
    const values = vector ? convertColumn(field, vector as unknown as ArrowColumn, batch.numRows) : new Array<Value>(batch.numRows).fill(null);
    for (let index = 0; index < values.length; index += 1) rows[index]![field.name] = values[index]!;
  }
  return rows;
}

interface ArrowColumn {
  nullCount: number;
  isValid(index: number): boolean;
  get(index: number): unknown;
  toArray(): ArrayLike<unknown>;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * One column at a time: the flat INT64, FLOAT64 and STRING columns are read from the vector's
 * array in one pass (per-cell getters were most of a batch's cost); everything else cell by cell.
 */
function convertColumn(field: BigQueryField, vector: ArrowColumn, length: number): Value[] {
  const values: Value[] = new Array(length);
  const nulls = vector.nullCount > 0;
  const type = field.mode === 'REPEATED' ? 'REPEATED' : typeOf(field);
  if (type === 'INTEGER' || type === 'FLOAT' || type === 'STRING' || type === 'GEOGRAPHY') {
    const array = vector.toArray();
    for (let index = 0; index < length; index += 1) {
      if (nulls && !vector.isValid(index)) {
        values[index] = null;
        continue;
      }
      const value = array[index];
      if (type === 'INTEGER') {
        const big = value as bigint;
        values[index] = big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : big.toString();
      } else if (type === 'FLOAT') values[index] = value as number;
      else values[index] = value as string;
    }
    return values;
  }
  for (let index = 0; index < length; index += 1) values[index] = fromArrow(field, nulls && !vector.isValid(index) ? null : vector.get(index));
  return values;
}

function fromArrow(field: BigQueryField, value: unknown): Value {
  if (field.mode === 'REPEATED') {
    if (value === null || value === undefined) return [];
    const item = { ...field, mode: 'NULLABLE' };
    const items: JsonValue[] = [];
    for (const entry of value as Iterable<unknown>) items.push(toJson(fromArrow(item, entry)));
    return items;
  }
  if (value === null || value === undefined) return null;
  switch (typeOf(field)) {
    case 'RECORD': {
      const record = value as Record<string, unknown>;
      return Object.fromEntries((field.fields ?? []).map((child) => [child.name, toJson(fromArrow(child, record[child.name] ?? null))]));
    }
    case 'INTEGER':
      return exactNumber(String(value));
    case 'NUMERIC':
      return exactNumber(decimalText(value as Uint32Array, 9));
    case 'BIGNUMERIC':
      return exactNumber(decimalText(value as Uint32Array, 38));
    case 'FLOAT':
      return Number(value);
    case 'BOOLEAN':
      return Boolean(value);
    case 'BYTES':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'DATE':
    case 'DATETIME':
    case 'TIMESTAMP':
      // apache-arrow reads dates and timestamps as epoch milliseconds.
      return new Date(Math.floor(Number(value)));
    case 'TIME':
      return formatTimeOfDay(BigInt(value as bigint | number));
    case 'JSON':
      try {
        return JSON.parse(String(value)) as Value;
      } catch {
        return String(value);
      }
    default:
      return String(value);
  }
}

/** An Arrow decimal (little-endian 32-bit words, two's complement) as decimal text. */
function decimalText(words: Uint32Array, scale: number): string {
  let unsigned = 0n;
  for (let index = words.length - 1; index >= 0; index -= 1) unsigned = (unsigned << 32n) | BigInt(words[index]!);
  const bits = BigInt(words.length * 32);
  const signed = unsigned >= 1n << (bits - 1n) ? unsigned - (1n << bits) : unsigned;
  const negative = signed < 0n;
  const digits = (negative ? -signed : signed).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function toJson(value: Value): JsonValue {
  return value instanceof Date ? value.toISOString() : (value as JsonValue);
}
