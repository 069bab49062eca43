import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmId } from './crm-target.js';
import { runDemo, type RunDemoOptions } from './run-demo.js';
import type { RunReport } from './run-report.js';
import { segmentFor } from './segment.js';
import {
  type CrmRecordSeen,
  noCredentials,
  persistedContacts,
  persistedPersons,
  persistedSalesforceContacts,
  temporaryDirectory,
  writeSmallWorkbook,
} from './test-support/temporary-workspace.js';

// One quick model: these tests are about the CRM stage, the model is covered by run-demo.test.ts.
const fastAutoML = { folds: 2, candidates: ['logistic-regression'] } as RunDemoOptions['automl'];

interface CrmCase {
  crm: Exclude<CrmId, 'hubspot'>;
  /** New customers in the sheet: few for Pipedrive (one request per person at 20 per 2 s), more than one Collections call (200) for Salesforce. */
  newCustomers: number;
  name: string;
  noun: string;
  destination: string;
  idProperty: string;
  /** What the persisted emulator holds, read from its state file by a fresh emulator. */
  records(stateDirectory: string): Promise<CrmRecordSeen[]>;
  /**
   * A write of the values the records already hold: Pipedrive's connector sends nothing for a
   * person that holds them (unchanged); Salesforce's Collections upsert reports every match updated.
   */
  sameValues: { updated: number; unchanged: number };
  /** The key each new customer is written under, by position (customer05001@example.com, C05001...). */
  keyOf(index: number): string;
}

const cases: CrmCase[] = [
  {
    crm: 'pipedrive',
    newCustomers: 15,
    name: 'Pipedrive',
    noun: 'persons',
    destination: 'persons',
    idProperty: 'email',
    records: persistedPersons,
    sameValues: { updated: 0, unchanged: 15 },
    keyOf: (index) => `customer${String(5001 + index).padStart(5, '0')}@example.com`,
  },
  {
    crm: 'salesforce',
    newCustomers: 250,
    name: 'Salesforce',
    noun: 'contacts',
    destination: 'contacts',
    idProperty: 'External_Id__c',
    records: persistedSalesforceContacts,
    sameValues: { updated: 250, unchanged: 0 },
    keyOf: (index) => `C${String(5001 + index).padStart(5, '0')}`,
  },
];

describe.each(cases)('the demo with --crm $crm, offline against its emulator', (crmCase) => {
  const workspace = temporaryDirectory(`pipeline-demo-${crmCase.crm}-`);
  const stateDirectory = join(workspace.path, 'state');
  const newCustomers = crmCase.newCustomers;
  let firstData: string;
  let secondData: string;

  async function run(options: RunDemoOptions = {}): Promise<{ exitCode: number; report: RunReport; output: string }> {
    let output = '';
    const result = await runDemo(
      {
        environment: noCredentials,
        crm: crmCase.crm,
        stateDirectory,
        newCustomers: { count: newCustomers },
        automl: fastAutoML,
        dataPath: firstData,
        ...options,
      },
      (text) => (output += text),
    );
    return { exitCode: result.exitCode, report: result.report, output };
  }

  function expectOnePerCustomer(records: CrmRecordSeen[]): void {
    expect(records).toHaveLength(newCustomers);
    expect(new Set(records.map((record) => record.key.toLowerCase())).size).toBe(newCustomers);
    expect(records.map((record) => record.key).sort()).toEqual(Array.from({ length: newCustomers }, (_, index) => crmCase.keyOf(index)).sort());
    for (const record of records) {
      expect(record.churnRisk).toBeGreaterThanOrEqual(0);
      expect(record.churnRisk).toBeLessThanOrEqual(1);
      // The segment is cut on the unrounded probability, churn_risk rounded to 4 decimals.
      const around = [Math.max(0, record.churnRisk - 0.00005), Math.min(1, record.churnRisk + 0.00005)];
      expect(around.map(segmentFor)).toContain(record.segment);
      expect(record.name).toBeTruthy();
    }
  }

  beforeAll(async () => {
    firstData = await writeSmallWorkbook(join(workspace.path, 'first.xlsx'), 300);
    // Another training table, so the second run's model scores differently and every record changes.
    secondData = await writeSmallWorkbook(join(workspace.path, 'second.xlsx'), 200);
  });
  afterAll(() => workspace.remove());

  it(`first run: creates one record per new customer in ${crmCase.name}`, async () => {
    const { exitCode, report, output } = await run();

    expect(exitCode).toBe(0);
    expect(output).toContain(`Churn pipeline: Excel -> AutoML -> Google Sheets -> ${crmCase.name}`);
    expect(output).toContain(`0 ${crmCase.noun} already in ${crmCase.name}`);
    expect(report).toMatchObject({ ok: true, mode: 'offline' });
    expect(report.crm).toEqual({
      system: crmCase.crm,
      destination: crmCase.destination,
      idProperty: crmCase.idProperty,
      received: newCustomers,
      written: newCustomers,
      created: newCustomers,
      updated: 0,
      unchanged: 0,
      failed: 0,
      failures: [],
    });
    expect(report.requests[crmCase.crm]).toBeGreaterThan(0);
    expect(report.durationsMs[`write${crmCase.name}` as 'writePipedrive']).toBeGreaterThanOrEqual(0);
    expectOnePerCustomer(await crmCase.records(stateDirectory));
    // HubSpot was not written to.
    expect(await persistedContacts(stateDirectory)).toHaveLength(0);
  });

  it('second run on the same state: 0 created, N updated, still one record per key', async () => {
    const before = await crmCase.records(stateDirectory);
    const { exitCode, report, output } = await run({ dataPath: secondData });

    expect(exitCode).toBe(0);
    expect(output).toContain(`${newCustomers} ${crmCase.noun} already in ${crmCase.name}`);
    expect(report.crm).toMatchObject({ received: newCustomers, written: newCustomers, created: 0, updated: newCustomers, unchanged: 0, failed: 0 });
    const after = await crmCase.records(stateDirectory);
    expectOnePerCustomer(after);
    // The records hold the second model's scores (a few may round to the same 4 decimals).
    const changed = after.filter((record) => before.find((earlier) => earlier.key === record.key)?.churnRisk !== record.churnRisk);
    expect(changed.length).toBeGreaterThan(newCustomers * 0.9);
  });

  it('a third run with the same model sends the same values: nothing created, no duplicate', async () => {
    const { exitCode, report } = await run({ dataPath: secondData });

    expect(exitCode).toBe(0);
    expect(report.crm).toMatchObject({ received: newCustomers, written: newCustomers, created: 0, failed: 0, ...crmCase.sameValues });
    expectOnePerCustomer(await crmCase.records(stateDirectory));
  });

  it('--fresh empties the CRM: everything is created again', async () => {
    const { exitCode, report, output } = await run({ fresh: true });

    expect(exitCode).toBe(0);
    expect(output).toContain('new sheet seeded');
    expect(report.crm).toMatchObject({ created: newCustomers, updated: 0, failed: 0 });
    expectOnePerCustomer(await crmCase.records(stateDirectory));
  });

  it('--online names the CRM credentials it lacks', async () => {
    const { exitCode, report } = await run({ mode: 'online' });

    expect(exitCode).toBe(1);
    expect(report.error!.message).toContain(crmCase.crm === 'pipedrive' ? 'PIPEDRIVE_API_KEY' : 'SALESFORCE_API_KEY');
  });
});
