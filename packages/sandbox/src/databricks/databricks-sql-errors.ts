import { SqlRewriteError } from './databricks-sql-rewrite.js';

/** A failed statement as Databricks reports it: `[ERROR_CLASS] message`, with its SQLSTATE. */
export class DatabricksSqlError extends Error {
  constructor(
    readonly errorClass: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(`[${errorClass}] ${message}`);
  }
}

/**
 * Databricks' error class and SQLSTATE for a DuckDB failure. The classes are the ones a connector
 * branches on (missing table, missing column, syntax, a value that does not fit its column);
 * anything else keeps DuckDB's text under INTERNAL_ERROR so that a test shows what went wrong.
 */
export function toDatabricksError(error: unknown): DatabricksSqlError {
  if (error instanceof DatabricksSqlError) return error;
  if (error instanceof SqlRewriteError) return new DatabricksSqlError(error.errorClass, error.sqlState, error.message.replace(/^\[[A-Z_.]+\]\s*/, ''));
  const text = String((error as Error)?.message ?? error).split('\n')[0] ?? '';
  let match = /^Catalog Error: Table with name (.+?) does not exist/.exec(text);
  if (match) {
    return new DatabricksSqlError(
      'TABLE_OR_VIEW_NOT_FOUND',
      '42P01',
      `The table or view \`${match[1]}\` cannot be found. Verify the spelling and correctness of the schema and catalog.`,
    );
  }
  match = /^Catalog Error: Table with name (.+?) already exists/.exec(text);
  if (match) return new DatabricksSqlError('TABLE_OR_VIEW_ALREADY_EXISTS', '42P07', `Cannot create table or view \`${match[1]}\` because it already exists.`);
  match = /^Catalog Error: (?:Schema|Catalog) with name (.+?) does not exist/.exec(text) ?? /^Binder Error: Catalog "(.+?)" does not exist/.exec(text);
  if (match) return new DatabricksSqlError('SCHEMA_NOT_FOUND', '42704', `The schema \`${match[1]}\` cannot be found.`);
  match = /^Binder Error: Referenced column "?(.+?)"? not found/.exec(text) ?? /^Binder Error: Table .* does not have a column named "(.+?)"/.exec(text);
  if (match)
    return new DatabricksSqlError(
      'UNRESOLVED_COLUMN.WITHOUT_SUGGESTION',
      '42703',
      `A column, variable, or function parameter with name \`${match[1]}\` cannot be resolved.`,
    );
  match = /^Parser Error: syntax error at or near "(.+?)"/.exec(text);
  if (match) return new DatabricksSqlError('PARSE_SYNTAX_ERROR', '42601', `Syntax error at or near '${match[1]}'.`);
  if (text.startsWith('Parser Error')) return new DatabricksSqlError('PARSE_SYNTAX_ERROR', '42601', text.replace(/^Parser Error: /, ''));
  match = /^Conversion Error: Could not convert string '(.*)' to (\w+)/.exec(text);
  if (match) {
    return new DatabricksSqlError(
      'CAST_INVALID_INPUT',
      '22018',
      `The value '${match[1]}' of the type "STRING" cannot be cast to "${databricksTypeName(match[2] as string)}" because it is malformed.`,
    );
  }
  if (/^(Conversion|Out of Range) Error/.test(text) && /out of range|Could not cast value|overflow/i.test(text)) {
    return new DatabricksSqlError('NUMERIC_VALUE_OUT_OF_RANGE', '22003', text.replace(/^[A-Za-z ]+ Error: /, ''));
  }
  if (text.startsWith('Conversion Error')) return new DatabricksSqlError('CAST_INVALID_INPUT', '22018', text.replace(/^Conversion Error: /, ''));
  if (text.startsWith('Constraint Error'))
    return new DatabricksSqlError('DELTA_NOT_NULL_CONSTRAINT_VIOLATED', '23502', text.replace(/^Constraint Error: /, ''));
  if (text.startsWith('TransactionContext Error: cannot commit - no transaction')) {
    return new DatabricksSqlError('NO_ACTIVE_TRANSACTION', '25000', 'There is no active transaction to COMMIT.');
  }
  if (text.includes('cannot start a transaction within a transaction')) {
    return new DatabricksSqlError('TRANSACTION_NOT_SUPPORTED.NESTED_TRANSACTION', '0A000', 'Nested transactions are not supported.');
  }
  if (text.startsWith('Binder Error')) return new DatabricksSqlError('DATATYPE_MISMATCH', '42K09', text.replace(/^Binder Error: /, ''));
  return new DatabricksSqlError('INTERNAL_ERROR', 'XX000', text);
}

function databricksTypeName(duckDbName: string): string {
  const names: Record<string, string> = {
    INT64: 'BIGINT',
    INT32: 'INT',
    INT16: 'SMALLINT',
    INT8: 'TINYINT',
    DOUBLE: 'DOUBLE',
    FLOAT: 'FLOAT',
    BOOL: 'BOOLEAN',
  };
  return names[duckDbName] ?? duckDbName;
}
