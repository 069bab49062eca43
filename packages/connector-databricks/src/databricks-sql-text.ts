import type { Value } from '@automl/connector-core';

/** A Databricks identifier: backticks, doubled inside. */
export function quoteName(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `t`, `s.t` or `c.s.t` (parts may be backtick-quoted) as a fully quoted name. */
export function qualifiedName(table: string, catalog?: string, schema?: string): string {
  const parts = splitName(table);
  const full = parts.length >= 3 ? parts : parts.length === 2 ? [catalog, ...parts] : [catalog, schema, ...parts];
  return full
    .filter((part): part is string => part !== undefined && part !== '')
    .map(quoteName)
    .join('.');
}

export function splitName(name: string): string[] {
  const parts: string[] = [];
  for (const match of name.matchAll(/`((?:[^`]|``)*)`|([^.`]+)/g)) parts.push(match[1]?.replaceAll('``', '`') ?? (match[2] as string).trim());
  return parts;
}

/**
 * A value as a Databricks SQL literal for a column of `columnType` (its TYPE_NAME). Strings use
 * Databricks' backslash escapes; a value whose JS type does not match the column is cast
 * explicitly, so the warehouse reports CAST_INVALID_INPUT rather than storing something else.
 */
export function sqlLiteral(value: Value | undefined, columnType: string | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  const type = (columnType ?? '').toUpperCase();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    // A plain numeric literal widens to the column's type on insert (DECIMAL or DOUBLE alike).
    if (Number.isFinite(value)) return numberText(value);
    return `CAST('${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}' AS DOUBLE)`;
  }
  if (value instanceof Date) {
    const iso = value.toISOString();
    return type === 'DATE' ? `DATE'${iso.slice(0, 10)}'` : `TIMESTAMP'${iso.slice(0, 23).replace('T', ' ')}'`;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const literal = `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (type === '' || type === 'STRING' || type.startsWith('VARCHAR') || type.startsWith('CHAR')) return literal;
  return `CAST(${literal} AS ${type})`;
}

/**
 * A value as the text a CAST from STRING to `columnType` reads back exactly: what a bound
 * parameter and a staged file carry (null stays null). Dates in the column's own form.
 */
export function valueText(value: Value | undefined, columnType: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return (columnType ?? '').toUpperCase() === 'DATE' ? iso.slice(0, 10) : iso.slice(0, 23).replace('T', ' ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `expression` (a STRING) as a value of `columnType`: cast unless the column is a string. */
export function castTo(expression: string, columnType: string | undefined): string {
  const type = (columnType ?? '').toUpperCase();
  if (type === '' || type === 'STRING' || type.startsWith('VARCHAR') || type.startsWith('CHAR')) return expression;
  return `CAST(${expression} AS ${type})`;
}

function numberText(value: number): string {
  // Exponent notation is a DOUBLE literal in Databricks: spell the digits out where they are exact.
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? BigInt(value).toString() : String(value);
}

export function isIntegerType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|SHORT|BYTE)$/.test(type.toUpperCase());
}
