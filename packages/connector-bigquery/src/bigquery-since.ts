import { ConfigError } from '@automl/connector-core';
import type { BigQueryField } from './convert-bigquery-row.js';
import { sqlIdent } from './bigquery-table-name.js';

/** The query parameter a `since` read binds its instant to. */
export const SINCE_PARAMETER = 'automl_since';

const legacy: Record<string, string> = { INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN', STRUCT: 'RECORD' };

/**
 * A `since` read's condition on the incremental column, in both forms BigQuery takes: a literal for
 * the Storage Read API's row restriction (which has no parameters), and a WHERE on the
 * `@automl_since` TIMESTAMP parameter for a query. DATETIME columns are compared on their UTC wall
 * clock (how the connector reads them); DATE columns from the day of `since` (that whole day is read).
 */
export function sinceCondition(fields: readonly BigQueryField[], column: string, since: Date): { rowRestriction: string; where: string } {
  const field = fields.find((candidate) => candidate.name === column);
  const type = field ? (legacy[field.type.toUpperCase()] ?? field.type.toUpperCase()) : undefined;
  const name = sqlIdent(column);
  const iso = since.toISOString();
  const wallClock = iso.slice(0, 23).replace('T', ' ');
  switch (field?.mode === 'REPEATED' ? 'REPEATED' : type) {
    case 'TIMESTAMP':
      return { rowRestriction: `${name} >= TIMESTAMP '${wallClock}+00:00'`, where: `${name} >= @${SINCE_PARAMETER}` };
    case 'DATETIME':
      return { rowRestriction: `${name} >= DATETIME '${wallClock}'`, where: `${name} >= CAST(@${SINCE_PARAMETER} AS DATETIME)` };
    case 'DATE':
      return { rowRestriction: `${name} >= DATE '${iso.slice(0, 10)}'`, where: `${name} >= CAST(@${SINCE_PARAMETER} AS DATE)` };
    default:
      throw new ConfigError({
        message: field
          ? `incrementalColumn ${column} is ${field.mode === 'REPEATED' ? `ARRAY<${field.type}>` : field.type}: a since read needs a TIMESTAMP, DATETIME or DATE column`
          : `incrementalColumn ${column} is not a column of the table`,
        connector: 'bigquery',
        operation: 'read',
        hint: 'Set incrementalColumn to the table column that records when a row last changed (TIMESTAMP, DATETIME or DATE).',
      });
  }
}
