import type { SalesforceField } from './salesforce-schema.js';

/** A per-record failure as the REST API reports it inside SaveResult/UpsertResult errors. */
export interface SalesforceRecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export type StoredValue = string | number | boolean | null;

/** Salesforce's datetime format in API responses: milliseconds and a +0000 offset. */
export function salesforceDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Converts a value sent in a write (JSON, or CSV text from a Bulk job) into what the org stores for
 * the field, or the error Salesforce gives for it.
 */
export function coerceValue(field: SalesforceField, value: unknown, fromCsv = false): { value: StoredValue } | { error: SalesforceRecordError } {
  const invalid = (message: string, statusCode = 'INVALID_TYPE_ON_FIELD_IN_RECORD'): { error: SalesforceRecordError } => ({
    error: { statusCode, message, fields: [field.name] },
  });
  if (value === null || value === undefined || (fromCsv && value === '')) return { value: null };
  switch (field.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return { value: value.toLowerCase() === 'true' };
      return invalid(`${field.label}: value not of required type: ${String(value)}`);
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isFinite(number)) return invalid(`${field.label}: value not of required type: ${String(value)}`);
      if (field.type === 'int' && !Number.isInteger(number)) return invalid(`${field.label}: value not of required type: ${String(value)}`);
      return { value: number };
    }
    case 'date': {
      const text = String(value);
      const day = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(text)?.[1];
      if (!day || Number.isNaN(Date.parse(day))) return invalid(`${field.label}: value not of required type: ${text}`);
      return { value: day };
    }
    case 'datetime': {
      const time = Date.parse(String(value));
      if (Number.isNaN(time)) return invalid(`${field.label}: value not of required type: ${String(value)}`);
      return { value: salesforceDateTime(new Date(time)) };
    }
    default: {
      if (typeof value === 'object') return invalid(`${field.label}: value not of required type: ${JSON.stringify(value)}`);
      const text = String(value);
      if (field.length > 0 && text.length > field.length) {
        return invalid(`${field.label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`, 'STRING_TOO_LONG');
      }
      if (field.type === 'email' && !emailPattern.test(text)) return invalid(`${field.label}: invalid email address: ${text}`, 'INVALID_EMAIL_ADDRESS');
      return { value: text };
    }
  }
}

/** The text of a stored value in a Bulk API CSV result (null as an empty cell). */
export function csvText(value: StoredValue | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}
