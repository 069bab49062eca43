import { Binary, BSONRegExp, Decimal128, deserialize, Double, Int32, Long, MaxKey, ObjectId, serialize, Timestamp, UUID } from 'bson';
import { describe, expect, it } from 'vitest';
import { convertMongoDbDocument } from './convert-mongodb-record.js';

// Real BSON: each document is serialised and deserialised with the driver's default options
// (promoteValues, promoteLongs), so the tests see exactly what a find() cursor hands the
// connector — including the types FerretDB cannot store (Decimal128, NaN, nested arrays).
function roundTrip(document: Record<string, unknown>): Record<string, unknown> {
  return deserialize(serialize(document));
}

describe('convertMongoDbDocument', () => {
  const id = new ObjectId('65a1f0c2e4b0a1b2c3d4e5f6');

  it('turns ObjectId into its 24-hex string and keeps dates, numbers and strings', () => {
    const at = new Date('1960-03-01T12:00:00Z');
    const row = convertMongoDbDocument(roundTrip({ _id: id, at, name: 'Ada', score: 0.5, count: new Int32(3), active: true, missing: null }), {
      decimal: 'number',
    });
    expect(row).toEqual({ _id: '65a1f0c2e4b0a1b2c3d4e5f6', at, name: 'Ada', score: 0.5, count: 3, active: true, missing: null });
  });

  it('converts Decimal128 to a number by default and to its exact text when asked', () => {
    const document = roundTrip({ price: Decimal128.fromString('12345678901234567890.123456789') });
    expect(document.price).toBeInstanceOf(Decimal128);
    expect(convertMongoDbDocument(document, { decimal: 'number' }).price).toBe(Number('12345678901234567890.123456789'));
    expect(convertMongoDbDocument(document, { decimal: 'string' }).price).toBe('12345678901234567890.123456789');
    expect(convertMongoDbDocument(roundTrip({ nan: Decimal128.fromString('NaN') }), { decimal: 'number' }).nan).toBeNull();
  });

  it('keeps a Long as a number while it is safe and as its exact text beyond 2^53', () => {
    const document = roundTrip({ small: Long.fromNumber(42), big: Long.fromString('9007199254740993') });
    expect(document.big).toBeInstanceOf(Long);
    expect(convertMongoDbDocument(document, { decimal: 'number' })).toEqual({ small: 42, big: '9007199254740993' });
  });

  it('writes Binary as base64 and UUIDs in their canonical form', () => {
    const uuid = new UUID('0f8fad5b-d9cb-469f-a165-70867728950e');
    const row = convertMongoDbDocument(roundTrip({ blob: new Binary(Buffer.from('hello')), uuid }), { decimal: 'number' });
    expect(row).toEqual({ blob: Buffer.from('hello').toString('base64'), uuid: '0f8fad5b-d9cb-469f-a165-70867728950e' });
  });

  it('keeps nested documents and arrays as JSON, converting what JSON cannot hold', () => {
    const row = convertMongoDbDocument(
      roundTrip({
        profile: { owner: id, since: new Date('2024-01-02T03:04:05Z'), tags: ['a', 'b'], ratio: new Double(Number.NaN) },
        matrix: [[1, 2], [3]],
        empty: {},
        none: [],
      }),
      { decimal: 'number' },
    );
    expect(row).toEqual({
      profile: { owner: '65a1f0c2e4b0a1b2c3d4e5f6', since: '2024-01-02T03:04:05.000Z', tags: ['a', 'b'], ratio: null },
      matrix: [[1, 2], [3]],
      empty: {},
      none: [],
    });
    expect(() => JSON.stringify(row)).not.toThrow();
  });

  it('keeps a top-level NaN as a number and converts the rarer BSON types to text or JSON', () => {
    const row = convertMongoDbDocument(
      roundTrip({
        nan: Number.NaN,
        pattern: new BSONRegExp('^a.c$', 'i'),
        clock: new Timestamp({ t: 1_700_000_000, i: 7 }),
        top: new MaxKey(),
        key: Long.fromNumber(5),
      }),
      { decimal: 'number' },
    );
    expect(row.nan).toBeNaN();
    expect(row).toMatchObject({ pattern: '/^a.c$/i', clock: { t: 1_700_000_000, i: 7 }, top: { $maxKey: 1 }, key: 5 });
  });

  it('keeps an _id of another type as it is', () => {
    expect(convertMongoDbDocument(roundTrip({ _id: 'customer-7' }), { decimal: 'number' })._id).toBe('customer-7');
    expect(convertMongoDbDocument(roundTrip({ _id: 17 }), { decimal: 'number' })._id).toBe(17);
    expect(convertMongoDbDocument(roundTrip({ _id: { region: 'eu', n: 1 } }), { decimal: 'number' })._id).toEqual({ region: 'eu', n: 1 });
  });
});
