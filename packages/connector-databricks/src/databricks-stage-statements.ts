import type { Row } from '@automl/connector-core';
import { castTo, quoteName, sqlLiteral, valueText } from './databricks-sql-text.js';
import type { NamedParameters } from './databricks-statements.js';

/** Databricks refuses a statement with more parameters than this (`BAD_REQUEST: ... the limit is 256`). */
export const maxParametersPerStatement = 256;

/**
 * A batch bound as parameters when its values fit in this many statements (1,024 values): small
 * writes get the driver's parameter binding, exact and free of any quoting; past it the
 * statement count (one per 256 values, paced by the 120/min throttle) would dominate the write.
 */
export const maxParameterStatements = 4;

export interface StagedRow {
  index: number;
  row: Row;
}

export interface StageInsert {
  sql: string;
  parameters?: NamedParameters;
  /** The rows this statement stages. */
  rows: number;
}

/** Column names as written (`resolved`) and each one's type, in the order of `names`. */
export interface StageColumns {
  names: string[];
  resolved: string[];
  types: Array<string | undefined>;
  sequenceColumn: string;
}

/** Whether a batch goes as parameters: every statement within 256 of them, and few statements. */
export function fitsParameters(rows: number, columns: StageColumns): boolean {
  const perStatement = Math.floor(maxParametersPerStatement / Math.max(1, columns.names.length));
  return perStatement >= 1 && Math.ceil(rows / perStatement) <= maxParameterStatements;
}

/**
 * Multi-row `INSERT INTO staging (...) VALUES (...), (...)` with every value a named parameter
 * (`:p0`, `:p1`...), at most 256 per statement. Values are bound as STRING and cast to their
 * column's type, so BIGINT and DECIMAL stay exact; the input index is an integer literal of our own.
 */
export function parameterInserts(staging: string, batch: readonly StagedRow[], columns: StageColumns): StageInsert[] {
  const perStatement = Math.floor(maxParametersPerStatement / Math.max(1, columns.names.length));
  const head = `INSERT INTO ${staging} (${[...columns.resolved, columns.sequenceColumn].map(quoteName).join(', ')}) VALUES\n`;
  const inserts: StageInsert[] = [];
  for (let start = 0; start < batch.length; start += perStatement) {
    const slice = batch.slice(start, start + perStatement);
    const parameters: NamedParameters = {};
    let next = 0;
    const tuples = slice.map((entry) => {
      const values = columns.names.map((name, column) => {
        const marker = `p${next++}`;
        parameters[marker] = valueText(entry.row[name], columns.types[column]);
        return castTo(`:${marker}`, columns.types[column]);
      });
      return `(${[...values, String(entry.index)].join(', ')})`;
    });
    inserts.push({ sql: `${head}${tuples.join(',\n')}`, parameters, rows: slice.length });
  }
  return inserts;
}

/** The same as inline literals, `rowsPerStatement` rows each (statements of about 1 MB at most). */
export function literalInserts(staging: string, batch: readonly StagedRow[], columns: StageColumns, rowsPerStatement: number): StageInsert[] {
  const head = `INSERT INTO ${staging} (${[...columns.resolved, columns.sequenceColumn].map(quoteName).join(', ')}) VALUES\n`;
  const inserts: StageInsert[] = [];
  for (let start = 0; start < batch.length; start += rowsPerStatement) {
    const slice = batch.slice(start, start + rowsPerStatement);
    const values = slice
      .map((entry) => `(${columns.names.map((name, column) => sqlLiteral(entry.row[name], columns.types[column])).join(', ')}, ${entry.index})`)
      .join(',\n');
    inserts.push({ sql: `${head}${values}`, rows: slice.length });
  }
  return inserts;
}
