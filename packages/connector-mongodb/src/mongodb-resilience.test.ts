import { AuthenticationError, RateLimitError, TransientError, writeResultOf } from '@automl/connector-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoDbConnector } from './mongodb-connector.js';
import { MongoTestDatabase } from './test-support/mongodb-test-server.js';

// Faults the proxy injects between the real driver and the real server, and what the server holds
// afterwards: every row written once or failed with its index, nothing duplicated by a retry.
let database: MongoTestDatabase;
const connectors: MongoDbConnector[] = [];

function connector(extra: Record<string, unknown> = {}): MongoDbConnector {
  const created = new MongoDbConnector(database.config(extra), { metricsRegistry: null });
  connectors.push(created);
  return created;
}

const rows = (count: number, version = 1) =>
  Array.from({ length: count }, (_, index) => ({ email: `user${index}@example.com`, score: index + version / 10, version }));

beforeAll(async () => {
  database = await MongoTestDatabase.create('resilience');
});

afterAll(async () => {
  await Promise.all(connectors.map((created) => created.close()));
  await database.stop();
});

beforeEach(async () => {
  // A late landing of an earlier test must not land in this one.
  await database.proxy.settled();
  database.proxy.clearFaults();
  database.proxy.clearLog();
  await database.seed('scores', []);
});

describe('MongoDB writes under faults', () => {
  it('retries an append reset before the server saw it: every row once', async () => {
    database.proxy.inject({ command: 'insert', times: 1, fault: { kind: 'reset' } });
    const result = await connector().write(rows(50), { table: 'scores', mode: 'append' });
    expect(result).toMatchObject({ received: 50, written: 50, failed: [] });
    expect(await database.count('scores')).toBe(50);
    expect(database.proxy.commandsNamed('insert').map((command) => command.fault ?? 'ok')).toEqual(['reset', 'ok']);
  });

  it('retries an append whose reply was lost after it was stored: duplicates of its own _ids count as written', async () => {
    database.proxy.inject({ command: 'insert', times: 1, fault: { kind: 'reset-after-reply' } });
    const result = await connector().write(rows(50), { table: 'scores', mode: 'append' });
    expect(result).toMatchObject({ received: 50, written: 50, failed: [] });
    expect(await database.count('scores')).toBe(50);
    const inserts = database.proxy.commandsNamed('insert');
    expect(inserts.map((command) => [command.statements, command.fault ?? 'ok'])).toEqual([
      [50, 'reset-after-reply'],
      [50, 'ok'],
    ]);
  });

  it('survives an append that lands after the client timed out and retried', async () => {
    // Timeouts roomy enough for a loaded machine: only the held attempt may time out.
    database.proxy.inject({ command: 'insert', times: 1, fault: { kind: 'late-landing', ms: 1500 } });
    const result = await connector({ requestTimeoutSeconds: 1 }).write(rows(40), { table: 'scores', mode: 'append' });
    expect(result).toMatchObject({ received: 40, written: 40, failed: [] });
    await database.proxy.settled();
    expect(await database.count('scores')).toBe(40);
    expect(database.proxy.commandsNamed('insert')[0]?.fault).toBe('late-landing');
  });

  it('retries upserts after a lost reply: one document per key, the values of the write', async () => {
    await connector().write(rows(30, 1), { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    database.proxy.inject({ command: 'update', times: 1, fault: { kind: 'reset-after-reply' } });
    const result = await connector().write(rows(30, 2), { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(result).toMatchObject({ received: 30, written: 30, failed: [] });
    const stored = await database.documents('scores');
    expect(stored).toHaveLength(30);
    expect(new Set(stored.map((document) => document.email)).size).toBe(30);
    expect(stored.every((document) => document.version === 2)).toBe(true);
  });

  it('retries upserts that land after the client timed out: with the unique key index, one document per key', async () => {
    // The held attempt can reach the server while its retry still runs: two upserts of one new key
    // at once. Without a unique index both may insert (on MongoDB too); with it, one of them fails
    // on the key and the connector replays it as the update it now is.
    database.proxy.inject({ command: 'update', times: 1, fault: { kind: 'late-landing', ms: 1500 } });
    const writer = connector({ requestTimeoutSeconds: 1, createKeyIndex: true });
    const result = await writer.write(rows(30, 2), { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(result).toMatchObject({ received: 30, written: 30, failed: [] });
    await database.proxy.settled();
    const stored = await database.documents('scores');
    expect(stored).toHaveLength(30);
    expect(new Set(stored.map((document) => document.email)).size).toBe(30);
    expect(stored.every((document) => document.version === 2)).toBe(true);
    // The late attempt first; then the retry (and on a loaded machine, a retry of a slow retry).
    const updates = database.proxy.commandsNamed('update').map((command) => command.fault ?? 'ok');
    expect(updates[0]).toBe('late-landing');
    expect(updates.slice(1)).toContain('ok');
  });

  it('classifies a shutting-down server as transient and retries the batch', async () => {
    database.proxy.inject({
      command: 'update',
      times: 1,
      fault: { kind: 'error', code: 91, codeName: 'ShutdownInProgress', errorLabels: ['RetryableWriteError'] },
    });
    const result = await connector().write(rows(20), { table: 'scores', mode: 'upsert', keyColumn: 'email' });
    expect(result).toMatchObject({ written: 20, created: 20, failed: [] });
    expect(database.proxy.commandsNamed('update').map((command) => command.fault ?? 'ok')).toEqual(['error', 'ok']);
    expect(await database.count('scores')).toBe(20);
  });

  it('waits as long as a throttling server asks (RetryAfterMs) and retries', async () => {
    database.proxy.inject({
      command: 'insert',
      times: 1,
      fault: { kind: 'error', code: 16500, codeName: 'RequestRateTooLarge', message: 'Request rate is large. RetryAfterMs=20, Details=throttled' },
    });
    const errors: unknown[] = [];
    const writer = connector();
    const result = await writer.write(rows(5), { table: 'scores', mode: 'append' });
    expect(result.written).toBe(5);
    expect(await database.count('scores')).toBe(5);
    // The same failure, classified on its own: a rate limit carrying the server's wait.
    database.proxy.inject({ command: 'find', times: 10, fault: { kind: 'error', code: 16500, codeName: 'RequestRateTooLarge', message: 'RetryAfterMs=7' } });
    await connector({ maxRetries: 0 })
      .readAll({ table: 'scores' })
      .catch((error: unknown) => errors.push(error));
    expect(RateLimitError.isInstance(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({ retryAfterMs: 7, retryable: true });
  });

  it('stops at credentials refused mid-write: rows before it written, the rest skipped, the server agreeing', async () => {
    database.proxy.inject({
      command: 'insert',
      after: 1,
      fault: { kind: 'error', code: 13, codeName: 'Unauthorized', message: 'Command insert requires authentication' },
    });
    const error = await connector()
      .write(rows(2500), { table: 'scores', mode: 'append' })
      .catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    const result = writeResultOf(error);
    expect(result).toMatchObject({ received: 2500, written: 1000, stoppedBy: { kind: 'authentication' } });
    expect(result?.failed).toHaveLength(1500);
    expect(result?.failed.filter((failure) => failure.code === 'SKIPPED')).toHaveLength(500);
    expect(await database.count('scores')).toBe(1000);
  });

  it('fails the rows of a batch whose retries run out, with the transient reason, and stores none of them', async () => {
    database.proxy.inject({ command: 'insert', times: 2, fault: { kind: 'reset' } });
    const result = await connector({ maxRetries: 1 }).write(rows(300), { table: 'scores', mode: 'append' });
    expect(result).toMatchObject({ received: 300, written: 0 });
    expect(result.failed).toHaveLength(300);
    expect(result.failed[299]).toMatchObject({ index: 299, reason: expect.stringMatching(/MongoDB connection failed/) });
    expect(await database.count('scores')).toBe(0);
    expect(database.proxy.commandsNamed('insert')).toHaveLength(2);
  });
});

describe('MongoDB reads under faults', () => {
  beforeEach(async () => {
    await database.seed(
      'events',
      Array.from({ length: 95 }, (_, index) => ({ n: index })),
    );
  });

  it('resumes after a connection reset mid-read, past the last document delivered: each document once', async () => {
    database.proxy.inject({ command: 'getMore', after: 2, times: 1, fault: { kind: 'reset' } });
    const seen: number[] = [];
    for await (const page of connector().read({ table: 'events', pageSize: 10 })) seen.push(...page.map((row) => row.n as number));
    expect(seen).toEqual(Array.from({ length: 95 }, (_, index) => index));
    const commands = database.proxy.commandsNamed().filter((command) => command.collection === 'events' || command.name === 'getMore');
    expect(commands.filter((command) => command.name === 'find')).toHaveLength(2);
  });

  it('resumes a read under a caller sort by skipping what was delivered', async () => {
    database.proxy.inject({ command: 'getMore', after: 1, times: 1, fault: { kind: 'reset' } });
    const rowsRead = await connector().readAll({ table: 'events', pageSize: 20, sort: { n: -1 } });
    expect(rowsRead.map((row) => row.n)).toEqual(Array.from({ length: 95 }, (_, index) => 94 - index));
  });

  it('gives up with a typed transient error when every retry of a page fails', async () => {
    // The first page comes with the find; every later command (getMore, or the find that resumes) is reset.
    database.proxy.inject({ command: ['find', 'getMore'], after: 1, fault: { kind: 'reset' } });
    const error = await connector({ maxRetries: 1 })
      .readAll({ table: 'events', pageSize: 10 })
      .catch((caught: unknown) => caught);
    expect(TransientError.isInstance(error)).toBe(true);
  });
});

describe('FerretDB update commands of 100+ statements', () => {
  it('upserts 100 rows that all match existing documents in one command (hangs an unpatched FerretDB v1.24.2)', async () => {
    // Keyed on _id, the one filter FerretDB's SQLite backend looks up without a scan: the test stays fast.
    await database.seed(
      'scores',
      Array.from({ length: 100 }, (_, index) => ({ _id: `key-${index}`, version: 1 })),
    );
    const result = await connector({ requestTimeoutSeconds: 20, maxRetries: 0 }).write(
      Array.from({ length: 100 }, (_, index) => ({ _id: `key-${index}`, version: 2 })),
      { table: 'scores', mode: 'upsert', keyColumn: '_id' },
    );
    expect(result).toMatchObject({ written: 100, updated: 100, created: 0, failed: [] });
    expect(database.proxy.commandsNamed('update').map((command) => command.statements)).toEqual([100]);
    expect(await database.count('scores', { version: 2 })).toBe(100);
  });
});
