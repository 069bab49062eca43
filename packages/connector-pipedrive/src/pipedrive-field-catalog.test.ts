import { DataError } from '@automl/connector-core';
import { describe, expect, it } from 'vitest';
import { interpretedRecordConverter, pageConverter, recordConverter, standardColumns } from './convert-pipedrive-record.js';
import { PipedriveFieldCatalog, nextStart } from './pipedrive-field-catalog.js';

const hash = (letter: string) => letter.repeat(40);
const catalog = () =>
  new PipedriveFieldCatalog(
    'persons',
    [
      { key: 'name', name: 'Name', field_type: 'varchar' },
      {
        key: hash('a'),
        name: 'segment',
        field_type: 'enum',
        options: [
          { id: 11, label: 'High' },
          { id: 12, label: 'Low' },
        ],
      },
      {
        key: hash('b'),
        name: 'tags',
        field_type: 'set',
        options: [
          { id: 21, label: 'x' },
          { id: 22, label: 'y' },
        ],
      },
      { key: hash('c'), name: 'email', field_type: 'varchar' },
      { key: hash('d'), name: 'segment', field_type: 'varchar' },
      { key: hash('e'), name: 'amount', field_type: 'monetary' },
      { key: hash('f'), name: 'score', field_type: 'double' },
    ],
    standardColumns.persons,
  );

describe('Pipedrive field catalog', () => {
  it('names custom fields, keeping the hash for a name already taken by a standard column or another field', () => {
    const fields = catalog();
    expect(fields.columnOf(hash('a'))).toBe('segment');
    expect(fields.columnOf(hash('c'))).toBe(hash('c'));
    expect(fields.columnOf(hash('d'))).toBe(hash('d'));
    expect(fields.customField('segment')?.key).toBe(hash('a'));
    expect(fields.customField(hash('d'))?.name).toBe('segment');
    expect(fields.customField('name')).toBeUndefined();
  });

  it('turns values into what v2 takes, and refuses what does not fit instead of guessing', () => {
    const fields = catalog();
    const field = (name: string) => fields.customField(name)!;
    expect(fields.toApiValue(field('segment'), 'high')).toBe(11);
    expect(fields.toApiValue(field('tags'), 'y, x')).toEqual([22, 21]);
    expect(fields.toApiValue(field('score'), '0.25')).toBe(0.25);
    expect(fields.toApiValue(field('score'), null)).toBeNull();
    expect(fields.toApiValue(field('amount'), { value: 10, currency: 'USD' })).toEqual({ value: 10, currency: 'USD' });
    for (const [name, value] of [
      ['segment', 'medium'],
      ['tags', 'z'],
      ['score', 'high'],
      ['amount', 10],
    ] as const) {
      expect(() => fields.toApiValue(field(name), value)).toThrow(DataError);
    }
  });

  it('reads records with labels for options, the primary email and every email', () => {
    const convert = recordConverter('persons', catalog());
    const row = convert({
      id: 7,
      name: 'Ann',
      emails: [
        { value: 'a@work', primary: false },
        { value: 'a@home', primary: true },
      ],
      phones: [],
      custom_fields: { [hash('a')]: 12, [hash('b')]: [21, 99], [hash('e')]: { value: 5, currency: 'EUR' }, [hash('f')]: null },
    });
    expect(row).toMatchObject({
      id: 7,
      email: 'a@home',
      emails: ['a@work', 'a@home'],
      phone: null,
      phones: [],
      segment: 'Low',
      tags: ['x', 99],
      amount: 5,
      score: null,
    });
  });

  it('converts a page as it converts each record, and finds option ids given as strings or numbers', () => {
    const records = [
      { id: 1, emails: [{ value: 'b@x' }, { value: 'c@x' }], custom_fields: { [hash('a')]: '12', [hash('b')]: '21,22' } },
      { id: 2, phones: [{ value: '+1', primary: true }], custom_fields: { [hash('a')]: 11, [hash('b')]: [22, '21'], [hash('e')]: { value: null } } },
      { id: 3 },
    ];
    const rows = pageConverter('persons', catalog(), new Set(['id', 'email', 'phone', 'segment', 'tags', 'amount']))(records);
    expect(rows).toEqual([
      { id: 1, email: 'b@x', phone: null, segment: 'Low', tags: ['x', 'y'], amount: null },
      { id: 2, email: null, phone: '+1', segment: 'High', tags: ['y', 'x'], amount: null },
      { id: 3, email: null, phone: null, segment: null, tags: null, amount: null },
    ]);
    const convert = recordConverter('persons', catalog());
    expect(pageConverter('persons', catalog())(records)).toEqual(records.map(convert));
    expect(records.map(interpretedRecordConverter('persons', catalog()))).toEqual(records.map(convert));
  });

  it('reads custom fields whose names are no plain identifiers into columns of exactly those names', () => {
    const names = [
      '__proto__',
      'constructor',
      'say "hi"',
      `it's \`x\` ${['$', '{1}'].join('')}`,
      'back\\slash',
      'line\u2028break',
      '}; throw new Error("no"); //',
    ];
    const fields = new PipedriveFieldCatalog(
      'persons',
      names.map((name, index) => ({ key: String(index).repeat(40).slice(0, 40), name, field_type: 'varchar' })),
      standardColumns.persons,
    );
    const record = { id: 1, custom_fields: Object.fromEntries(names.map((name, index) => [String(index).repeat(40).slice(0, 40), `value of ${name}`])) };
    const row = recordConverter('persons', fields)(record);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    for (const name of names) {
      expect(Object.hasOwn(row, name)).toBe(true);
      expect(row[name]).toBe(`value of ${name}`);
    }
    expect(Object.keys(row).slice(-names.length)).toEqual(names);
    // Without code generation (a process that forbids it), the same row.
    const interpreted = interpretedRecordConverter('persons', fields)(record);
    expect(Object.getPrototypeOf(interpreted)).toBe(Object.prototype);
    expect(Object.keys(interpreted)).toEqual(Object.keys(row));
    expect(interpreted).toEqual(row);
  });

  it('follows v1 paging whether the pagination sits under additional_data.pagination or at its root', () => {
    expect(nextStart({ pagination: { more_items_in_collection: true, next_start: 500 } }, 0, 500)).toBe(500);
    expect(nextStart({ start: 0, limit: 500, more_items_in_collection: true }, 0, 500)).toBe(500);
    expect(nextStart({ pagination: { more_items_in_collection: false } }, 0, 3)).toBeUndefined();
    expect(nextStart(null, 0, 3)).toBeUndefined();
  });
});
