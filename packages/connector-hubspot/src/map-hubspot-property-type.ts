import type { ColumnType, Value } from '@automl/connector-core';

/** HubSpot property types (string, number, bool, date, datetime, enumeration, phone_number...) as portable column types. */
export function columnTypeOf(hubSpotType: string): ColumnType {
  switch (hubSpotType) {
    case 'number':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'string':
    case 'enumeration':
    case 'phone_number':
      return 'string';
    case 'json':
      return 'json';
    default:
      return 'unknown';
  }
}

/** What POST /crm/v3/properties/{objectType} needs to create a property. */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'bool' | 'datetime';
  fieldType: 'text' | 'number' | 'booleancheckbox' | 'date';
  groupName: string;
  description: string;
  options: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>;
}

/**
 * A property definition for values the caller wants to write: number when every value is a number,
 * bool when every value is a boolean, datetime for dates, a single-line string otherwise (a segment
 * such as "High" stays a string rather than an enumeration whose options would have to be known).
 */
export function inferPropertyDefinition(name: string, values: readonly Value[], groupName: string): PropertyDefinition {
  const present = values.filter((value) => value !== null && value !== undefined && value !== '');
  const every = (test: (value: Value) => boolean) => present.length > 0 && present.every(test);
  const label = name.replace(/[_-]+/g, ' ').replace(/^\w/, (letter) => letter.toUpperCase());
  const base = { name, label, groupName, description: 'Created by @automl/connector-hubspot', options: [] as PropertyDefinition['options'] };
  if (every((value) => typeof value === 'number' && Number.isFinite(value))) return { ...base, type: 'number', fieldType: 'number' };
  if (every((value) => typeof value === 'boolean')) {
    return {
      ...base,
      type: 'bool',
      fieldType: 'booleancheckbox',
      options: [
        { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
        { label: 'No', value: 'false', displayOrder: 1, hidden: false },
      ],
    };
  }
  if (every((value) => value instanceof Date)) return { ...base, type: 'datetime', fieldType: 'date' };
  return { ...base, type: 'string', fieldType: 'text' };
}
