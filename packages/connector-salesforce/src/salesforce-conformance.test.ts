import type { Row } from '@automl/connector-core';
import { type ConformanceFault, runConnectorConformance } from '@automl/connector-core/testing';
import type { Fault } from '@automl/sandbox';
import type { SalesforceEmulator } from '@automl/sandbox/salesforce';
import { connectorFor, startSalesforce } from './test-support/salesforce-test-setup.js';

let emulator: SalesforceEmulator;
const makeRow = (index: number, version: number): Row => ({ External_Id__c: `key-${index}`, LastName: `Last ${index} v${version}`, Title: `v${version}` });
const routesOf = (on: 'read' | 'write') => (on === 'read' ? /^rest\.(query|queryMore)$/ : /^collections\./);

const toFault = (fault: ConformanceFault): Fault => {
  switch (fault.kind) {
    case 'rate-limit':
      return { kind: 'status', status: 429, retryAfterSeconds: fault.retryAfterSeconds };
    case 'server-error':
      return { kind: 'status', status: 503 };
    case 'reset':
      return { kind: 'reset' };
    case 'late-landing':
      return { kind: 'latency', ms: fault.ms };
    case 'expired-credential':
      return { kind: 'auth' };
  }
};

runConnectorConformance(
  'salesforce',
  {
    table: 'Contact',
    keyColumn: 'External_Id__c',
    rows: [0, 1, 2, 3, 4].map((index) => makeRow(index, 1)),
    makeRow,
    keyOf: (row) => String(row.External_Id__c).toLowerCase(),
    invalidRow: (index) => ({ External_Id__c: `bad-${index}`, LastName: 'x'.repeat(81) }),
    create: (overrides = {}) => connectorFor(emulator, overrides),
    start: async () => {
      emulator = await startSalesforce();
    },
    stop: async () => {
      await emulator.stop();
    },
    reset: async () => {
      emulator.reset();
    },
    seed: async (table, rows) => {
      emulator.seed(table, rows as Array<Record<string, unknown>>);
    },
    records: async (table) => emulator.records(table) as Row[],
    faults: {
      inject: (fault, on, times) => {
        // An expired credential is refused on every resource from now on, renewed tokens included.
        const route = fault.kind === 'expired-credential' ? /^(rest|collections|bulk|tooling)\./ : routesOf(on);
        emulator.faults.inject({ route, fault: toFault(fault), ...(times !== undefined && fault.kind !== 'expired-credential' ? { times } : {}) });
      },
      clear: () => emulator.faults.clear(),
    },
    arrivals: () => emulator.requests.filter((request) => request.route.startsWith('rest.')).map((request) => request.at),
    get secrets() {
      return [emulator.token, emulator.refreshToken, emulator.credentials.clientSecret];
    },
  },
  { capabilities: { write: true, writeModes: ['upsert', 'append'] } },
);
