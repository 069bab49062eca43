import { describe, expect, it } from 'vitest';
import { fromCsvValue, fromRestValue, toSalesforceValues } from './convert-salesforce-record.js';
import type { SalesforceFieldInfo, SalesforceObjectInfo } from './salesforce-describe.js';

const field = (name: string, type: string): SalesforceFieldInfo => ({
  name,
  type,
  nillable: true,
  createable: true,
  updateable: true,
  externalId: false,
  unique: false,
  idLookup: false,
});
const object = (fields: SalesforceFieldInfo[]): SalesforceObjectInfo => ({
  name: 'Contact',
  fields,
  byName: new Map(fields.map((entry) => [entry.name.toLowerCase(), entry])),
});

describe('Salesforce values', () => {
  it('reads datetimes with any offset, dates at UTC midnight, and leaves text that is not one', () => {
    const datetime = field('SystemModstamp', 'datetime');
    expect(fromRestValue(datetime, '2024-01-31T10:00:00.250+0000')).toEqual(new Date('2024-01-31T10:00:00.250Z'));
    expect(fromRestValue(datetime, '2024-01-31T10:00:00.000+0130')).toEqual(new Date('2024-01-31T08:30:00.000Z'));
    expect(fromRestValue(datetime, '2024-01-31T10:00:00.000-0500')).toEqual(new Date('2024-01-31T15:00:00.000Z'));
    expect(fromRestValue(datetime, '2024-01-31T10:00:00Z')).toEqual(new Date('2024-01-31T10:00:00.000Z'));
    expect(fromRestValue(datetime, 'soon')).toBe('soon');
    expect(fromRestValue(field('Birthdate', 'date'), '1990-12-10')).toEqual(new Date('1990-12-10T00:00:00.000Z'));
    expect(fromRestValue(field('Amount', 'currency'), 12.5)).toBe(12.5);
    expect(fromRestValue(undefined, null)).toBeNull();
  });

  it('types Bulk CSV text by the field, empty cells as null', () => {
    expect(fromCsvValue(field('Flag', 'boolean'), 'true')).toBe(true);
    expect(fromCsvValue(field('Count', 'int'), '42')).toBe(42);
    expect(fromCsvValue(field('Score', 'double'), '')).toBeNull();
    expect(fromCsvValue(field('When', 'datetime'), '2024-01-31T10:00:00.000Z')).toEqual(new Date('2024-01-31T10:00:00.000Z'));
    expect(fromCsvValue(field('Name', 'string'), '007')).toBe('007');
  });

  it('writes Dates by field type, nested JSON as text, non-finite numbers as null, undefined left out', () => {
    const contact = object([field('Birthdate', 'date'), field('Seen__c', 'datetime'), field('Notes__c', 'textarea'), field('Score__c', 'double')]);
    const values = toSalesforceValues(
      { birthdate: new Date('1990-12-10T00:00:00Z'), Seen__c: new Date('2024-01-31T10:00:00Z'), Notes__c: { a: [1] }, Score__c: Number.NaN, Other: undefined },
      contact,
    );
    expect(values).toEqual({ Birthdate: '1990-12-10', Seen__c: '2024-01-31T10:00:00.000Z', Notes__c: '{"a":[1]}', Score__c: null });
  });
});
