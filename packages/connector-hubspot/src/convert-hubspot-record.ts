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
      const time = parseHubSpotTime(raw);
      return Number.isNaN(time) ? raw : new Date(time);
    }
    default:
      return raw;
  }
}

/**
 * Epoch milliseconds of a date or datetime as HubSpot sends it: ISO text (2024-01-31 or
 * 2024-01-31T09:00:00.000Z) usually, epoch milliseconds sometimes. NaN when it is neither.
 */
export function parseHubSpotTime(raw: string): number {
  const iso = raw.length >= 10 && raw.charCodeAt(4) === 45;
  return iso ? (parseUtcIso(raw) ?? Date.parse(raw)) : /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
}

const digit = (text: string, index: number) => text.charCodeAt(index) - 48;
const twoDigits = (text: string, index: number) => digit(text, index) * 10 + digit(text, index + 1);

/**
 * Epoch milliseconds of the two shapes HubSpot sends, `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS[.sss]Z`,
 * read digit by digit: V8's general date parser costs several times more, on every date of every
 * record of a read. Anything else (offsets, other precisions) is left to Date.parse.
 */
function parseUtcIso(text: string): number | undefined {
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (text.length === 10) return Date.UTC(year, month - 1, day);
  if (text.charCodeAt(10) !== 84 || text.charCodeAt(text.length - 1) !== 90) return undefined; // 'T' ... 'Z'
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  let milliseconds = 0;
  if (text.length === 24 && text.charCodeAt(19) === 46) milliseconds = digit(text, 20) * 100 + twoDigits(text, 21);
  else if (text.length !== 20) return undefined;
  const parts = [year, month, day, hours, minutes, seconds, milliseconds];
  if (!parts.every((part) => part >= 0 && part < 10_000) || month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) {
    return undefined;
  }
  return Date.UTC(year, month - 1, day, hours, minutes, seconds, milliseconds);
}

/** Property types whose string values are converted; every other type is text as sent. */
const convertedTypes = new Set(['number', 'bool', 'date', 'datetime']);

/** One CRM record as a row: its properties typed by the portal's property definitions, and its id. */
export function toRow(record: { id: string; properties: Record<string, string | null> }, types: ReadonlyMap<string, string>): Row {
  // The hot path of every read. The properties object is the SDK's own, fresh for this answer and
  // used nowhere else: it is typed in place rather than copied (a copy per record was a tenth of the
  // read's time), and text properties, most of them, are left as they are.
  const row = record.properties as Row;
  for (const name in row) {
    const raw = row[name] as string | null | undefined;
    if (raw === null || raw === undefined || raw === '') row[name] = null;
    else {
      const type = types.get(name);
      if (type !== undefined && convertedTypes.has(type)) row[name] = fromHubSpotValue(raw, type);
    }
  }
  row.id = record.id;
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
