import type { Row } from '@automl/connector-core';
import { type ConformanceFault, type ConformanceFixture, runConnectorConformance } from '@automl/connector-core/testing';
import type { MongoFault, MongoFaultRule } from '@automl/sandbox/mongodb';
import { type Document, ObjectId } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { convertMongoDbDocument } from './convert-mongodb-record.js';
import { MongoDbConnector } from './mongodb-connector.js';
import { MongoTestDatabase } from './test-support/mongodb-test-server.js';

// Core's shared suite against the real server (FerretDB through the fault proxy). The fixture's
// faults are the proxy's: a throttling answer (Azure Cosmos DB's 16500 with RetryAfterMs), a server
// error (ShutdownInProgress), a reset, a command applied at once but answered late, refused
// credentials. The refused row is one FerretDB rejects on the server (a nested array): in an
// upsert batch it exercises the replay that attributes FerretDB's first-failure-only answer.
let database: MongoTestDatabase;

const ids = ['65a1f0c2e4b0a1b2c3d40001', '65a1f0c2e4b0a1b2c3d40002', '65a1f0c2e4b0a1b2c3d40003'];
// `updatedAt` is the connector's default sinceField: the suite's `since` case reads on it.
const seededRows: Row[] = ids.map((_id, index) => ({
  _id,
  email: `seed${index}@example.com`,
  name: `Customer ${index}`,
  score: index + 0.5,
  updatedAt: new Date(Date.UTC(2024, 5, 1 + index, 12)),
}));

/** Rows as stored: a 24-hex `_id` back to an ObjectId, as the connector writes it. */
function toDocument(row: Row): Document {
  const { _id, ...fields } = row;
  return { ...(typeof _id === 'string' && /^[0-9a-f]{24}$/.test(_id) ? { _id: new ObjectId(_id) } : _id !== undefined ? { _id } : {}), ...fields };
}

const commandsOf = { read: ['find', 'getMore'], write: ['insert', 'update'] } as const;

function faultOf(fault: ConformanceFault): MongoFault {
  switch (fault.kind) {
    case 'rate-limit':
      return {
        kind: 'error',
        code: 16500,
        codeName: 'RequestRateTooLarge',
        message: `Request rate is large. RetryAfterMs=${Math.round(fault.retryAfterSeconds * 1000)}`,
      };
    case 'server-error':
      return { kind: 'error', code: 91, codeName: 'ShutdownInProgress', message: 'The server is in quiesce mode and will shut down' };
    case 'reset':
      return { kind: 'reset' };
    case 'late-landing':
      // The suite's late landing: applied by the server at once, answered after the client's timeout.
      return { kind: 'latency', ms: fault.ms };
    case 'expired-credential':
      return { kind: 'error', code: 13, codeName: 'Unauthorized', message: 'Command requires authentication' };
  }
}

const fixture: ConformanceFixture = {
  table: 'customers',
  rows: seededRows,
  keyColumn: 'email',
  makeRow: (index: number, version: number): Row => ({ email: `user${index}@example.com`, score: index + version / 10, version }),
  invalidRow: (index: number): Row => ({ email: `invalid${index}@example.com`, matrix: [[1, 2], [3]] }),
  create: (overrides: Record<string, unknown> = {}) => new MongoDbConnector(database.config(overrides), { metricsRegistry: null }),
  seed: async (table: string, rows: Row[]) => database.seed(table, rows.map(toDocument)),
  reset: () => database.reset(),
  records: async (table: string) => (await database.documents(table)).map((document) => convertMongoDbDocument(document, { decimal: 'number' })),
  faults: {
    inject: (fault, on, times) => {
      const rule: MongoFaultRule = { command: [...commandsOf[on]], fault: faultOf(fault), ...(times !== undefined ? { times } : {}) };
      database.proxy.inject(rule);
    },
    clear: () => database.proxy.clearFaults(),
  },
  arrivals: () => database.proxy.commandsNamed().map((command) => command.at),
  get secrets() {
    return [database.server.password, database.uri()];
  },
};

beforeAll(async () => {
  database = await MongoTestDatabase.create('conformance');
  await database.seed('customers', seededRows.map(toDocument));
});

afterAll(async () => {
  await database.stop();
});

runConnectorConformance('mongodb', fixture, { capabilities: new MongoDbConnector({ connectionUri: 'mongodb://127.0.0.1/x' }).capabilities });
