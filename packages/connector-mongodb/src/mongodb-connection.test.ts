import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { AuthenticationError, ConfigError, TransientError } from '@automl/connector-core';
import { LeakProbe } from '@automl/connector-core/testing';
import { startFerretDb } from '@automl/sandbox/mongodb';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoDbConnector } from './mongodb-connector.js';
import { ferretDb, MongoTestDatabase } from './test-support/mongodb-test-server.js';

// Authentication, connection failures and secret hygiene, against the real server: SCRAM-SHA-256
// with the run's random password, a wrong password, an address nobody listens on, a mongodb+srv
// name that does not resolve, and a server stopped in the middle of a read.
let database: MongoTestDatabase;

beforeAll(async () => {
  database = await MongoTestDatabase.create('connection');
  await database.seed('people', [{ name: 'Ada' }, { name: 'Grace' }, { name: 'Edsger' }]);
});

afterAll(async () => {
  await database.stop();
});

// Server selection waits 2 s: enough for a live server on a loaded machine, short where none answers.
const fastPolicy = { maxRetries: 1, retryBackoffSeconds: 0.001, maxBackoffSeconds: 0.01, connectTimeoutSeconds: 2 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('MongoDB authentication', () => {
  it('authenticates with SCRAM-SHA-256 given host, port, username and password, the password never in a URI', async () => {
    const server = ferretDb();
    const connector = new MongoDbConnector(
      { host: server.host, port: server.port, username: server.username, password: server.password, database: database.name },
      { metricsRegistry: null, environment: false },
    );
    try {
      expect(await connector.readAll({ table: 'people' })).toHaveLength(3);
      expect(await connector.testConnection()).toMatchObject({ ok: true, identity: `${server.username}@127.0.0.1:${server.port}` });
    } finally {
      await connector.close();
    }
  });

  it('takes the URI from MONGODB_URI when the config has none', async () => {
    const connector = new MongoDbConnector({}, { metricsRegistry: null, environment: { MONGODB_URI: database.uri({ direct: true }) } });
    try {
      expect(await connector.readAll({ table: 'people' })).toHaveLength(3);
    } finally {
      await connector.close();
    }
  });

  it('refuses a wrong password with an authentication error and a hint, the password appearing nowhere', async () => {
    const probe = new LeakProbe();
    const wrong = 'Wr0ng-LEAKCHECK-passw0rd';
    const connector = new MongoDbConnector(
      { ...database.config(fastPolicy), connectionUri: database.uri({ password: wrong }) },
      { metricsRegistry: null, logger: probe.logger, environment: false },
    );
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, error: { name: 'AuthenticationError', hint: expect.stringMatching(/authSource/) } });
    const error = await connector.readAll({ table: 'people' }).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    probe.capture(result);
    probe.capture(error);
    probe.capture(connector);
    probe.emitted.push(inspect(connector, { depth: 10, showHidden: true }), JSON.stringify(connector));
    expect(probe.leaks([wrong, encodeURIComponent(wrong), database.server.password])).toEqual([]);
    await connector.close();
  });

  it('never shows the run password in logs, errors, inspect or JSON of a working connector', async () => {
    const probe = new LeakProbe();
    const connector = new MongoDbConnector(database.config({ maxRetries: 0 }), { metricsRegistry: null, logger: probe.logger, environment: false });
    await connector.readAll({ table: 'people' });
    database.proxy.inject({ command: 'find', times: 1, fault: { kind: 'reset' } });
    probe.capture(await connector.readAll({ table: 'people' }).catch((caught: unknown) => caught));
    database.proxy.clearFaults();
    probe.capture(connector);
    probe.capture(await connector.testConnection());
    probe.emitted.push(inspect(connector, { depth: 10, showHidden: true }), JSON.stringify(connector));
    expect(probe.emitted.join('\n')).toContain('REDACTED');
    expect(probe.leaks([database.server.password, database.uri()])).toEqual([]);
    await connector.close();
  });
});

describe('MongoDB connection failures', () => {
  it('reports an address nobody listens on as a transient server-selection failure with the network hint', async () => {
    const port = await freePort();
    const connector = new MongoDbConnector(
      { connectionUri: `mongodb://u:p4ssword-x@127.0.0.1:${port}/db`, ...fastPolicy, maxRetries: 0, connectTimeoutSeconds: 0.5 },
      { metricsRegistry: null, environment: false },
    );
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, error: { name: 'TransientError', hint: expect.stringMatching(/IP access list/) } });
    expect(JSON.stringify(result)).not.toContain('p4ssword-x');
  });

  it('reports a mongodb+srv name that does not resolve as a configuration error with the DNS hint', async () => {
    const connector = new MongoDbConnector(
      { connectionUri: 'mongodb+srv://analyst:srv-s3cret-pw@cluster0.automl-tests.invalid/analytics', ...fastPolicy, maxRetries: 0 },
      { metricsRegistry: null, environment: false },
    );
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, error: { name: 'ConfigError', hint: expect.stringMatching(/SRV/) } });
    expect(result.error?.message).toMatch(/ENOTFOUND|querySrv/);
    expect(JSON.stringify(result)).not.toContain('srv-s3cret-pw');
  });

  it('asks for an address or a database before connecting', async () => {
    const noAddress = new MongoDbConnector({}, { metricsRegistry: null, environment: false });
    expect(ConfigError.isInstance(await noAddress.connect().catch((caught: unknown) => caught))).toBe(true);
    const noDatabase = new MongoDbConnector({ host: '127.0.0.1' }, { metricsRegistry: null, environment: false });
    await expect(noDatabase.connect()).rejects.toThrow(/No MongoDB database/);
  });

  it('fails a read with a typed transient error when the server stops between pages, after the pages it gave', async () => {
    const server = ferretDb();
    const own = await startFerretDb({ binary: server.binary, user: { username: 'reader', password: 'stop-mid-read-pw' } });
    try {
      const seeder = new MongoClient(own.uri(), { serverSelectionTimeoutMS: 5000 });
      await seeder
        .db('app')
        .collection('events')
        .insertMany(Array.from({ length: 30 }, (_, index) => ({ n: index })));
      await seeder.close();
      const connector = new MongoDbConnector({ connectionUri: own.uri({ database: 'app' }), ...fastPolicy }, { metricsRegistry: null, environment: false });
      const seen: number[] = [];
      const error = await (async () => {
        for await (const page of connector.read({ table: 'events', pageSize: 10 })) {
          seen.push(...page.map((row) => row.n as number));
          if (seen.length === 10) await own.stop();
        }
      })().catch((caught: unknown) => caught);
      expect(TransientError.isInstance(error)).toBe(true);
      expect((error as TransientError).message).not.toContain('stop-mid-read-pw');
      // Pages read ahead before the stop are delivered; nothing is delivered twice.
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, index) => index));
      await connector.close();
    } finally {
      await own.stop();
    }
  });

  it('accounts for every row when the server stops mid-append, and re-running the failed rows completes it without duplicates', async () => {
    const server = ferretDb();
    const user = { username: 'writer', password: 'stop-mid-write-pw' };
    const own = await startFerretDb({ binary: server.binary, user });
    const restarted: Array<{ stop(): Promise<void> }> = [];
    try {
      const rows = Array.from({ length: 1100 }, (_, index) => ({ _id: `row-${index}`, score: index }));
      async function* input() {
        for (const [index, row] of rows.entries()) {
          // Pulled once the first batch was sent: the server goes away under the rest.
          if (index === 1000) await own.stop({ keepData: true });
          yield row;
        }
      }
      const writer = new MongoDbConnector({ connectionUri: own.uri({ database: 'app' }), ...fastPolicy }, { metricsRegistry: null, environment: false });
      // Rows with their own _id: an append of them is idempotent, so re-running the failed ones is safe.
      const result = await writer.write(input(), { table: 'scores', mode: 'append' });
      await writer.close();
      expect(result.received).toBe(1100);
      expect(result.written + result.failed.length).toBe(1100);
      expect(result.failed.length).toBeGreaterThanOrEqual(100);
      expect(result.failed.at(-1)).toMatchObject({ index: 1099, reason: expect.stringMatching(/No MongoDB server available|connection/) });

      const again = await startFerretDb({ binary: server.binary, user, directory: own.directory });
      restarted.push(again);
      const check = new MongoClient(again.uri(), { serverSelectionTimeoutMS: 5000 });
      const scores = check.db('app').collection('scores');
      expect(await scores.countDocuments()).toBeGreaterThanOrEqual(result.written);
      const retry = new MongoDbConnector({ connectionUri: again.uri({ database: 'app' }), ...fastPolicy }, { metricsRegistry: null, environment: false });
      const retried = await retry.write(
        result.failed.map((failure) => failure.row),
        { table: 'scores', mode: 'append' },
      );
      await retry.close();
      expect(retried.failed).toEqual([]);
      expect(await scores.countDocuments()).toBe(1100);
      await check.close();
    } finally {
      await own.stop();
      for (const server of restarted) await server.stop();
    }
  });
});
