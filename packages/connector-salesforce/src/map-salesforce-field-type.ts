import type { ColumnType } from '@automl/connector-core';

/** Salesforce field types (describe's `type`) as core's portable column types. */
const columnTypes: Record<string, ColumnType> = {
  boolean: 'boolean',
  int: 'integer',
  long: 'integer',
  double: 'number',
  currency: 'number',
  percent: 'number',
  date: 'date',
  datetime: 'datetime',
  address: 'json',
  location: 'json',
  anyType: 'unknown',
};

export function columnTypeOf(salesforceType: string): ColumnType {
  return columnTypes[salesforceType] ?? 'string';
}

/** Compound fields (an address, a geolocation) are read through their parts; base64 bodies are not tabular. */
export function isReadableField(field: { type: string; name: string }, compoundNames: ReadonlySet<string>): boolean {
  return field.type !== 'address' && field.type !== 'location' && field.type !== 'base64' && !compoundNames.has(field.name);
}
