import { describe, expect, it } from 'vitest';
import { fromHubSpotValue, toRow } from './convert-hubspot-record.js';

describe('HubSpot values to typed row values', () => {
  it('reads dates in every shape HubSpot sends exactly as the general parser does', () => {
    for (const text of [
      '2024-01-31',
      '2024-02-29T23:59:59Z',
      '2024-01-31T09:05:07.123Z',
      '1999-12-31T00:00:00.000Z',
      '2024-01-31T09:05:07+02:00',
      '2024-01-31T09:05:07.5Z',
    ]) {
      expect(fromHubSpotValue(text, 'datetime'), text).toEqual(new Date(text));
    }
    expect(fromHubSpotValue('1706692800000', 'datetime')).toEqual(new Date(1_706_692_800_000));
    expect(fromHubSpotValue('2024-13-45T99:00:00Z', 'datetime')).toBe('2024-13-45T99:00:00Z');
    expect(fromHubSpotValue('not a date', 'date')).toBe('not a date');
  });

  it('types numbers and booleans, keeps text, and empties become null', () => {
    expect(fromHubSpotValue('12.5', 'number')).toBe(12.5);
    expect(fromHubSpotValue('true', 'bool')).toBe(true);
    expect(fromHubSpotValue('0042', 'string')).toBe('0042');
    expect(fromHubSpotValue('', 'number')).toBeNull();
  });

  it('turns a record into a row with its id', () => {
    const types = new Map([
      ['amount', 'number'],
      ['closedate', 'date'],
      ['dealname', 'string'],
    ]);
    const row = toRow({ id: '7', properties: { amount: '10', closedate: '2024-05-01', dealname: 'Big', notes: '' } }, types);
    expect(row).toEqual({ id: '7', amount: 10, closedate: new Date(Date.UTC(2024, 4, 1)), dealname: 'Big', notes: null });
  });
});
