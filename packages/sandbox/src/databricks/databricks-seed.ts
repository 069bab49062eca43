import type { DuckDbWarehouse } from './duckdb-warehouse.js';
import { duckDbType, quoteIdentifier } from './databricks-sql-rewrite.js';

export type SeedValue = string | number | bigint | boolean | Date | null | undefined;

/**
 * Creates `table` (when missing) and loads `rows` into it. Column types come from `columns`
 * (Databricks type names) or from the first non-null value of each column: integers BIGINT, other
 * numbers DOUBLE, Dates TIMESTAMP, booleans BOOLEAN, the rest STRING.
 */
export async function seedTable(
  warehouse: DuckDbWarehouse,
  table: string,
  rows: Array<Record<string, SeedValue>>,
  columns?: Record<string, string>,
): Promise<void> {
  const names = columns ? Object.keys(columns) : [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const types = names.map((name) => duckDbType(columns?.[name] ?? inferType(rows.map((row) => row[name]))));
  const qualified = warehouse.qualify(table);
  const [catalog, schema] = qualified.split('.').map((part) => part.slice(1, -1).replaceAll('""', '"'));
  await warehouse.ensureSchema(catalog === 'uc_main' ? 'main' : (catalog as string), schema as string);
  await warehouse.admin.run(`CREATE TABLE IF NOT EXISTS ${qualified} (${names.map((name, index) => `${quoteIdentifier(name)} ${types[index]}`).join(', ')})`);
  const list = names.map(quoteIdentifier).join(', ');
  for (let start = 0; start < rows.length; start += 1000) {
    const values = rows
      .slice(start, start + 1000)
      .map((row) => `(${names.map((name, index) => literal(row[name], types[index] as string)).join(', ')})`)
      .join(', ');
    await warehouse.admin.run(`INSERT INTO ${qualified} (${list}) VALUES ${values}`);
  }
}

function inferType(values: SeedValue[]): string {
  const sample = values.find((value) => value !== null && value !== undefined);
  if (typeof sample === 'bigint') return 'BIGINT';
  if (typeof sample === 'number') return values.every((value) => typeof value !== 'number' || Number.isInteger(value)) ? 'BIGINT' : 'DOUBLE';
  if (typeof sample === 'boolean') return 'BOOLEAN';
  if (sample instanceof Date) return 'TIMESTAMP';
  return 'STRING';
}

function literal(value: SeedValue, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return `CAST('${value}' AS ${type})`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  const text = value instanceof Date ? value.toISOString().replace('T', ' ').replace('Z', '') : String(value);
  return `CAST('${text.replaceAll("'", "''")}' AS ${type})`;
}
