import type { Row, Value } from '@automl/connector-core';

/**
 * Columns that are never sent as properties: `id` is the record id reads add, and these system
 * properties are read-only, so a row read from HubSpot can be written back unchanged.
 */
const notWritable = new Set(['id', 'hs_object_id', 'lastmodifieddate', 'hs_lastmodifieddate', 'hs_createdate']);

/** HubSpot sends every value as a string: turn it back into the property's type. */
export function fromHubSpotValue(raw: string | null | undefined, hubSpotType: string | undefined): Value {
  if (raw === null || raw === undefined || raw === '') return null;
  switch (hubSpotType) {
    case 'number': {
      const number = Number(raw);
      return Number.isFinite(number) ? number : raw;
    }
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'date':
    case 'datetime': {
      // ISO text (2024-01-31 or 2024-01-31T09:00:00Z) is the usual form; epoch milliseconds the other.
      const iso = raw.length >= 10 && raw.charCodeAt(4) === 45;
      const date = !iso && /^\d+$/.test(raw) ? new Date(Number(raw)) : new Date(raw);
      return Number.isNaN(date.getTime()) ? raw : date;
    }
    default:
      return raw;
  }
}

/** Property types whose string values are converted; every other type is text as sent. */
const convertedTypes = new Set(['number', 'bool', 'date', 'datetime']);

/** One CRM record as a row: its id, then its properties typed by the portal's property definitions. */
export function toRow(record: { id: string; properties: Record<string, string | null> }, types: ReadonlyMap<string, string>): Row {
  const row: Row = { id: record.id };
  const properties = record.properties;
  for (const name in properties) {
    const raw = properties[name];
    const type = types.get(name);
    // The hot path of every read: text properties (most of them) skip the conversion call.
    row[name] = raw === null || raw === undefined || raw === '' ? null : type !== undefined && convertedTypes.has(type) ? fromHubSpotValue(raw, type) : raw;
  }
  return row;
}

/**
 * A value as HubSpot's write endpoints take it: strings everywhere. null clears the property (an
 * empty string, as HubSpot documents); a Date at midnight UTC becomes a date (YYYY-MM-DD), any other
 * Date an ISO-8601 datetime; arrays become multi-select values joined with `;`.
 */
export function toHubSpotValue(value: Value | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(';');
  return JSON.stringify(value);
}

/** The writable properties of a row, as strings. */
export function toHubSpotProperties(row: Row): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const name in row) {
    if (notWritable.has(name)) continue;
    const value = toHubSpotValue(row[name]);
    if (value !== undefined) properties[name] = value;
  }
  return properties;
}
