import { createConnector } from '@automl/connector-core';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoDbConnector } from './mongodb-connector.js';
import { MongoTestDatabase } from './test-support/mongodb-test-server.js';

// Everything here runs against the real FerretDB server the global setup started, through the
// fault proxy (no fault injected in this file): reads, listing, describing and the three write
// modes, asserting on what the server holds afterwards.
let database: MongoTestDatabase;
const connectors: MongoDbConnector[] = [];

function connector(extra: Record<string, unknown> = {}): MongoDbConnector {
  const created = new MongoDbConnector(database.config(extra), { metricsRegistry: null });
  connectors.push(created);
  return created;
}

beforeAll(async () => {
  database = await MongoTestDatabase.create('connector');
});

afterAll(async () => {
  await Promise.all(connectors.map((created) => created.close()));
  await database.stop();
});

describe('MongoDB connector reads', () => {
  const ids = Array.from({ length: 25 }, (_, index) => new ObjectId(`65a1f0c2e4b0a1b2c3d4${String(index).padStart(4, '0')}`));
  beforeAll(async () => {
    await database.seed(
      'customers',
      ids.map((_id, index) => ({
        _id,
        name: `customer ${index}`,
        score: index / 10,
        tier: index % 3 === 0 ? 'gold' : 'basic',
        updatedAt: new Date(Date.UTC(2024, 0, 1 + index)),
        address: { city: index % 2 === 0 ? 'Lyon' : 'Paris', zip: 69000 + index },
        tags: ['a', String(index)],
        ...(index % 5 === 0 ? {} : { phone: `+33 ${index}` }),
      })),
    );
  });

  it('reads every document in _id order, ObjectIds as 24-hex strings, pages of pageSize', async () => {
    const pages: number[] = [];
    const rows = [];
    for await (const page of connector().read({ table: 'customers', pageSize: 10 })) {
      pages.push(page.length);
      rows.push(...page);
    }
    expect(pages).toEqual([10, 10, 5]);
    expect(rows.map((row) => row._id)).toEqual(ids.map((id) => id.toHexString()));
    expect(rows[3]).toEqual({
      _id: ids[3]?.toHexString(),
      name: 'customer 3',
      score: 0.3,
      tier: 'gold',
      updatedAt: new Date(Date.UTC(2024, 0, 4)),
      address: { city: 'Paris', zip: 69003 },
      tags: ['a', '3'],
      phone: '+33 3',
    });
    // One cursor: a find and getMores, never a second find (skip/limit or keyset pages).
    expect(database.proxy.commandsNamed('find').filter((command) => command.collection === 'customers')).toHaveLength(1);
  });

  it('lets the server filter, sort, project and bound the read', async () => {
    const rows = await connector().readAll({
      table: 'customers',
      filter: { tier: 'gold' },
      sort: { score: -1 },
      columns: ['name', 'score'],
      maxRows: 3,
    });
    expect(rows).toEqual([
      { name: 'customer 24', score: 2.4 },
      { name: 'customer 21', score: 2.1 },
      { name: 'customer 18', score: 1.8 },
    ]);
  });

  it('reads incrementally on the since field, filtered by the server', async () => {
    const rows = await connector().readAll({ table: 'customers', since: new Date(Date.UTC(2024, 0, 21)) });
    expect(rows.map((row) => row.name)).toEqual(['customer 20', 'customer 21', 'customer 22', 'customer 23', 'customer 24']);
    const scored = await connector({ sinceField: 'score' }).readAll({ table: 'customers', since: new Date(0), filter: { tier: 'gold' } });
    // score is no date: nothing is at or after a date, which proves the configured field was used.
    expect(scored).toEqual([]);
  });

  it('honours maxRows from the config', async () => {
    expect(await connector({ maxRows: 4 }).readAll({ table: 'customers' })).toHaveLength(4);
  });

  it('lists collections without system or staging collections, and describes one from a sample', async () => {
    const reader = connector();
    await database.seed('__automl_staging_customers_0001', [{ a: 1 }]);
    expect(await reader.listTables()).toEqual(expect.arrayContaining(['customers']));
    expect(await reader.listTables()).not.toContain('__automl_staging_customers_0001');
    const schema = await reader.describe('customers');
    expect(schema.rowCount).toBe(25);
    expect(schema.columns).toEqual([
      { name: '_id', type: 'string', sourceType: 'objectId', nullable: false },
      { name: 'name', type: 'string', sourceType: 'string', nullable: false },
      { name: 'score', type: 'number', sourceType: 'double', nullable: false },
      { name: 'tier', type: 'string', sourceType: 'string', nullable: false },
      { name: 'updatedAt', type: 'date', sourceType: 'date', nullable: false },
      { name: 'address', type: 'json', sourceType: 'object', nullable: false },
      { name: 'tags', type: 'json', sourceType: 'array', nullable: false },
      { name: 'phone', type: 'string', sourceType: 'string', nullable: true },
    ]);
  });

  it("is what core's createConnector builds for connectionType 'mongodb'", async () => {
    const created = await createConnector(database.config(), { metricsRegistry: null });
    try {
      expect(created).toBeInstanceOf(MongoDbConnector);
      expect(await created.readAll({ table: 'customers', maxRows: 2 })).toHaveLength(2);
    } finally {
      await created.close();
    }
  });

  it('reports the server, the database and who it is connected as', async () => {
    const result = await connector().testConnection();
    expect(result).toMatchObject({
      ok: true,
      connector: 'mongodb',
      identity: `${database.server.username}@127.0.0.1:${database.proxy.port}`,
      details: { database: database.name, serverVersion: expect.stringMatching(/^\d+\.\d+/) },
    });
  });
});

describe('MongoDB connector writes', () => {
  beforeEach(async () => {
    await database.seed('scores', []);
  });

  it('upserts by a key column: creates, then updates in place, last value per key winning', async () => {
    const writer = connector();
    const first = await writer.write(
      [
        { email: 'a@example.com', score: 0.1 },
        { email: 'b@example.com', score: 0.2 },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'email' },
    );
    expect(first).toMatchObject({ received: 2, written: 2, created: 2, updated: 0, failed: [] });
    const second = await writer.write(
      [
        { email: 'a@example.com', score: 0.5 },
        { email: 'c@example.com', score: 0.3 },
        { email: 'a@example.com', score: 0.9, label: 'late' },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'email' },
    );
    expect(second).toMatchObject({ received: 3, written: 3, created: 1, updated: 2, failed: [] });
    const stored = await database.documents('scores');
    expect(stored.map(({ _id, ...fields }) => fields).sort((left, right) => String(left.email).localeCompare(String(right.email)))).toEqual([
      { email: 'a@example.com', score: 0.9, label: 'late' },
      { email: 'b@example.com', score: 0.2 },
      { email: 'c@example.com', score: 0.3 },
    ]);
  });

  it('fails rows whose field names MongoDB would store elsewhere, or that lack the key, and writes the rest', async () => {
    const result = await connector().write(
      [
        { email: 'a@example.com', 'profile.age': 31 },
        { email: 'b@example.com', $where: 'x' },
        { score: 1 },
        { email: 'd@example.com', nested: { 'a.b': 1 } },
        { email: 'e@example.com', score: 5 },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'email' },
    );
    expect(result.written).toBe(1);
    expect(result.failed.map((failure) => [failure.index, failure.code])).toEqual([
      [0, 'INVALID_FIELD_NAME'],
      [1, 'INVALID_FIELD_NAME'],
      [2, 'MISSING_KEY'],
      [3, 'INVALID_FIELD_NAME'],
    ]);
    expect(result.failed[0]?.reason).toMatch(/profile\.age.*nested path/);
    expect(await database.count('scores')).toBe(1);
  });

  it('attributes server-refused upsert rows exactly, replaying statements where the server reports only its first failure', async () => {
    database.proxy.clearLog();
    const result = await connector().write(
      [
        { email: 'a@example.com', score: 1 },
        { email: 'b@example.com', matrix: [[1, 2], [3]] },
        { email: 'c@example.com', score: 3 },
        { email: 'd@example.com', matrix: [[4]] },
        { email: 'e@example.com', score: 5 },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'email' },
    );
    expect(result.written).toBe(3);
    // Statement 0 was applied by the first command before FerretDB stopped: replayed, it matches.
    expect((result.created ?? 0) + (result.updated ?? 0)).toBe(3);
    expect(result.failed.map((failure) => [failure.index, failure.code])).toEqual([
      [1, '2'],
      [3, '2'],
    ]);
    expect(result.failed[0]?.reason).toMatch(/nested arrays/);
    // FerretDB answered the 5-statement command with one error at index 0 and no counts: the
    // connector replayed the five statements one by one.
    expect(database.proxy.commandsNamed('update').map((command) => command.statements)).toEqual([5, 1, 1, 1, 1, 1]);
    expect((await database.documents('scores')).map((document) => document.email).sort()).toEqual(['a@example.com', 'c@example.com', 'e@example.com']);
  });

  it('writes a row read back by _id onto its own document (24-hex strings become ObjectIds again)', async () => {
    const _id = new ObjectId();
    await database.seed('scores', [{ _id, email: 'x@example.com', score: 1 }]);
    const [row] = await connector().readAll({ table: 'scores' });
    expect(row?._id).toBe(_id.toHexString());
    const result = await connector().write([{ ...row, score: 2 }], { table: 'scores', mode: 'upsert', keyColumn: '_id' });
    expect(result).toMatchObject({ written: 1, updated: 1, created: 0 });
    expect(await database.documents('scores')).toEqual([{ _id, email: 'x@example.com', score: 2 }]);
  });

  it('creates a unique index on the upsert key when asked; after that an upsert warns of nothing', async () => {
    const first = await connector({ createKeyIndex: true }).write([{ email: 'a@example.com' }], { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(first.warnings).toBeUndefined();
    const indexes = await database.collection('scores').listIndexes().toArray();
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { email: 1 }, unique: true })]));
    const next = await connector().write([{ email: 'b@example.com' }], { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(next).toMatchObject({ written: 1 });
    expect(next.warnings).toBeUndefined();
  });

  it('an upsert on a key without a unique index says so in its result (concurrent or replayed inserts of a new key could both land)', async () => {
    const result = await connector().write([{ email: 'a@example.com' }], { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(result).toMatchObject({ written: 1, warnings: [{ code: 'NO_UNIQUE_KEY_INDEX' }] });
    expect(result.warnings?.[0]?.message).toMatch(/has no unique index on email.*createKeyIndex: true/);
    // A non-unique index does not count.
    await database.collection('scores').createIndex({ email: 1 });
    const again = await connector().write([{ email: 'b@example.com' }], { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(again.warnings?.map((warning) => warning.code)).toEqual(['NO_UNIQUE_KEY_INDEX']);
  });

  it('appends with client-assigned _ids and reports a duplicate _id held by another document as that row failing', async () => {
    const existing = new ObjectId();
    await database.seed('scores', [{ _id: existing, email: 'old@example.com' }]);
    const result = await connector().write(
      [{ email: 'n1@example.com' }, { _id: existing.toHexString(), email: 'clash@example.com' }, { email: 'n2@example.com' }],
      { table: 'scores', mode: 'append' },
    );
    expect(result).toMatchObject({ received: 3, written: 2, created: 2 });
    expect(result.failed).toEqual([expect.objectContaining({ index: 1, code: '11000' })]);
    expect(await database.count('scores')).toBe(3);
    expect(await database.count('scores', { email: 'old@example.com' })).toBe(1);
  });

  it('overwrites through a staging collection swapped in at the end', async () => {
    await database.seed('scores', [{ email: 'old@example.com' }]);
    const result = await connector().write(
      Array.from({ length: 30 }, (_, index) => ({ n: index })),
      { table: 'scores', mode: 'overwrite' },
    );
    expect(result).toMatchObject({ received: 30, written: 30, destination: `${database.name}.scores` });
    expect(await database.count('scores')).toBe(30);
    expect(await database.count('scores', { email: 'old@example.com' })).toBe(0);
    const names = (await database.admin.db(database.name).listCollections().toArray()).map((collection) => collection.name);
    expect(names.filter((name) => name.startsWith('__automl_staging_scores'))).toEqual([]);
  });

  it('keeps the collection when every row of an overwrite is refused, and empties it for an empty input', async () => {
    await database.seed('scores', [{ email: 'old@example.com' }]);
    const refused = await connector().write([{ 'a.b': 1 }], { table: 'scores', mode: 'overwrite' });
    expect(refused).toMatchObject({ written: 0, failed: [expect.objectContaining({ code: 'INVALID_FIELD_NAME' })] });
    expect(await database.count('scores')).toBe(1);
    await connector().write([], { table: 'scores', mode: 'overwrite' });
    expect(await database.count('scores')).toBe(0);
  });
});
