import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { BigQueryWarehouse } from './bigquery-warehouse.js';
import { formatDays, formatDecimal } from './bigquery-values.js';

/**
 * The rows of an uploaded Parquet file, as the JSON a NDJSON load would carry (so that one
 * coercion checks both formats against the table's schema): read by DuckDB's own Parquet reader,
 * an implementation independent of the client's writer. DECIMAL columns wider than DuckDB's 38
 * digits (BigQuery's BIGNUMERIC, decimal(76, 38)) would come out of DuckDB as DOUBLE, rounded:
 * those are decoded from the same file by parquet-wasm (arrow-rs's reader) instead.
 */
export async function readParquetRows(warehouse: BigQueryWarehouse, data: Buffer): Promise<Array<Record<string, unknown>>> {
  const file = join(tmpdir(), `bigquery-load-${randomUUID()}.parquet`);
  await writeFile(file, data);
  try {
    const source = `read_parquet('${file.replaceAll("'", "''")}')`;
    const { names, rows, wide } = await warehouse.serial(async (connection) => {
      const schema = await connection.runAndReadAll(
        `SELECT name, precision FROM parquet_schema('${file.replaceAll("'", "''")}') WHERE logical_type LIKE 'DecimalType%' OR converted_type = 'DECIMAL'`,
      );
      const wideColumns = schema
        .getRowObjectsJson()
        .filter((row) => Number(row.precision) > 38)
        .map((row) => String(row.name));
      const reader = await connection.runAndReadAll(`SELECT * FROM ${source}`);
      return { names: reader.columnNames(), rows: reader.getRows(), wide: wideColumns };
    });
    const decoded = wide.length > 0 ? await wideDecimals(data, wide) : new Map<string, Array<string | null>>();
    return rows.map((row, index) => {
      const record: Record<string, unknown> = {};
      names.forEach((name, column) => {
        const exact = decoded.get(name);
        record[name] = exact ? (exact[index] ?? null) : toJsonValue(row[column] ?? null);
      });
      return record;
    });
  } catch (error) {
    throw Object.assign(new Error(`Error while reading data, error message: Parquet: ${(error as Error).message}`), { reason: 'invalid' });
  } finally {
    await rm(file, { force: true });
  }
}

/** DuckDB values as NDJSON load values: INT64 and decimals as text, dates and times in BigQuery's text forms, BYTES in base64. */
function toJsonValue(value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof DuckDBDecimalValue) return formatDecimal(value);
  if (value instanceof DuckDBTimestampTZValue) return `${microsText(value.micros)}Z`;
  if (value instanceof DuckDBTimestampValue) return microsText(value.micros);
  if (value instanceof DuckDBDateValue) return formatDays(value.days);
  if (value instanceof DuckDBTimeValue) return microsText(value.micros).slice(11);
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  if (value instanceof DuckDBListValue) return value.items.map(toJsonValue);
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([key, entry]) => [key, toJsonValue(entry)]));
  return value;
}

/** YYYY-MM-DDTHH:MM:SS.ffffff of microseconds since the epoch (UTC). */
function microsText(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${new Date(Number(millis)).toISOString().slice(0, 19)}.${fraction.toString().padStart(6, '0')}`;
}

/** The columns DuckDB cannot hold exactly, as decimal text per row, read by parquet-wasm into Arrow. */
async function wideDecimals(data: Buffer, columns: string[]): Promise<Map<string, Array<string | null>>> {
  const [{ readParquet }, { tableFromIPC }] = await Promise.all([import('parquet-wasm'), import('apache-arrow')]);
  const table = tableFromIPC(readParquet(new Uint8Array(data)).intoIPCStream());
  const output = new Map<string, Array<string | null>>();
  for (const name of columns) {
    const vector = table.getChild(name);
    if (!vector) continue;
    const scale = (vector.type as { scale?: number }).scale ?? 0;
    const texts: Array<string | null> = [];
    for (let index = 0; index < vector.length; index += 1) {
      const words = vector.get(index) as Uint32Array | null;
      texts.push(words === null ? null : decimalText(words, scale));
    }
    output.set(name, texts);
  }
  return output;
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
