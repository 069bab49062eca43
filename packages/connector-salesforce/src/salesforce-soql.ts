/** A SOQL string literal: backslash escapes for quotes, backslashes and control characters. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\f\b]/g, (character) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b' })[character] ?? `\\${character}`)}'`;
}

/** A SOQL datetime literal (seconds precision, UTC: SOQL takes no fractional seconds). */
export function soqlDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface SelectParts {
  object: string;
  where?: string;
  orderBy?: string;
  limit?: number;
}

/** The URL-encoded length of `/services/data/vXX.X/query?q=<soql>`. */
export function queryUrlLength(apiVersion: string, soql: string): number {
  return `/services/data/v${apiVersion}/query?q=`.length + encodeURIComponent(soql).length;
}

export function selectSoql(fields: string[], parts: SelectParts): string {
  return [
    `SELECT ${fields.join(', ')} FROM ${parts.object}`,
    parts.where ? `WHERE ${parts.where}` : '',
    parts.orderBy ? `ORDER BY ${parts.orderBy}` : '',
    parts.limit !== undefined ? `LIMIT ${parts.limit}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Splits a field list into queries whose URLs fit `maxUrlLength`: one query when it fits, otherwise
 * several, each with Id (to merge them back) and ordered by Id so they page in the same order.
 */
export function splitSelects(fields: string[], parts: SelectParts, apiVersion: string, maxUrlLength: number): string[][] {
  if (queryUrlLength(apiVersion, selectSoql(fields, parts)) <= maxUrlLength) return [fields];
  const rest = fields.filter((field) => field !== 'Id');
  const groups: string[][] = [];
  let current: string[] = ['Id'];
  const ordered = { ...parts, orderBy: 'Id' };
  for (const field of rest) {
    const candidate = [...current, field];
    if (current.length > 1 && queryUrlLength(apiVersion, selectSoql(candidate, ordered)) > maxUrlLength) {
      groups.push(current);
      current = ['Id', field];
    } else {
      current = candidate;
    }
  }
  groups.push(current);
  return groups;
}
