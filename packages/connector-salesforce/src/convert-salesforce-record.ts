import type { Row, Value } from '@automl/connector-core';
import type { SalesforceFieldInfo, SalesforceObjectInfo } from './salesforce-describe.js';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** A date field's value as a Date at UTC midnight; a datetime (`...+0000`) as its instant. */
function toDate(text: string, dateOnly: boolean): Date | string {
  const parsed = new Date(dateOnly && dayPattern.test(text) ? `${text}T00:00:00.000Z` : text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed.getTime()) ? text : parsed;
}

/** A value of a REST JSON record (already typed as numbers and booleans) in core's row types. */
export function fromRestValue(field: SalesforceFieldInfo | undefined, value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (field && typeof value === 'string' && (field.type === 'date' || field.type === 'datetime')) return toDate(value, field.type === 'date');
  return value as Value;
}

/** A Bulk API CSV cell (always text, empty for null) typed by the field's describe. */
export function fromCsvValue(field: SalesforceFieldInfo | undefined, text: string): Value {
  if (text === '') return null;
  switch (field?.type) {
    case 'boolean':
      return text === 'true';
    case 'int':
    case 'long':
    case 'double':
    case 'currency':
    case 'percent': {
      const number = Number(text);
      return Number.isFinite(number) ? number : text;
    }
    case 'date':
    case 'datetime':
      return toDate(text, field.type === 'date');
    default:
      return text;
  }
}

/** A REST record without its `attributes`, typed, with the fields named as selected. */
export function fromRestRecord(record: Record<string, unknown>, fields: string[], object: SalesforceObjectInfo): Row {
  const row: Row = {};
  for (const name of fields) row[name] = fromRestValue(object.byName.get(name.toLowerCase()), record[name]);
  return row;
}

/**
 * A row's values as the REST API takes them, for the fields the object has: Dates as `YYYY-MM-DD`
 * for date fields and ISO instants otherwise; nested JSON as text; undefined left out (unchanged).
 */
export function toSalesforceValues(row: Row, object: SalesforceObjectInfo): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === undefined) continue;
    const field = object.byName.get(name.toLowerCase());
    const key = field?.name ?? name;
    if (value === null) values[key] = null;
    else if (value instanceof Date) values[key] = field?.type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
    else if (typeof value === 'number' && !Number.isFinite(value)) values[key] = null;
    else if (typeof value === 'object') values[key] = JSON.stringify(value);
    else values[key] = value;
  }
  return values;
}
