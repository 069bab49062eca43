import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDataPath } from './app-paths.js';
import { sandboxSheetTitle, sandboxSpreadsheetId, startOfflineSandbox } from './offline-sandbox.js';
import { runDemo, type RunDemoOptions } from './run-demo.js';
import type { RunReport } from './run-report.js';
import { segmentFor } from './segment.js';
import { noCredentials, persistedContacts, temporaryDirectory, writeSmallWorkbook } from './test-support/temporary-workspace.js';

const newCustomers = 120;

async function run(options: RunDemoOptions): Promise<{ exitCode: number; report: RunReport; reportPath: string; output: string }> {
  let output = '';
  const result = await runDemo({ environment: noCredentials, newCustomers: { count: newCustomers }, ...options }, (text) => (output += text));
  return { ...result, output };
}

function lastLine(output: string): string {
  return output.trimEnd().split('\n').at(-1)!;
}

describe('the demo, offline against the sandbox', () => {
  const workspace = temporaryDirectory('pipeline-demo-');
  const stateDirectory = join(workspace.path, 'state');
  let smallData: string;

  beforeAll(async () => {
    smallData = await writeSmallWorkbook(join(workspace.path, 'small.xlsx'));
  });
  afterAll(() => workspace.remove());

  it('first run: trains on the shipped customers.xlsx and creates one contact per new customer', async () => {
    const { exitCode, report, reportPath, output } = await run({ stateDirectory });

    expect(exitCode).toBe(0);
    expect(lastLine(output)).toBe(`report: ${reportPath}`);
    expect(isAbsolute(reportPath)).toBe(true);
    expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toEqual(report);
    expect(output).toContain('Mode: offline');

    expect(report).toMatchObject({ ok: true, mode: 'offline' });
    expect(report.sources.excel).toMatchObject({ path: defaultDataPath, rows: 3000, columns: 21 });
    expect(report.sources.googlesheets).toMatchObject({ spreadsheetId: sandboxSpreadsheetId, rows: newCustomers });
    const leaderboard = report.model!.leaderboard;
    expect(leaderboard.map((entry) => entry.model).sort()).toEqual(['gradient-boosting', 'logistic-regression']);
    expect(report.model!.best).toBe(leaderboard[0]!.model);
    for (const entry of leaderboard) expect(entry.rocAuc).toBeGreaterThan(0.75);
    expect(report.crm).toMatchObject({ received: newCustomers, created: newCustomers, updated: 0, failed: 0, failures: [] });
    expect(Object.values(report.predictions!.segments).reduce((sum, count) => sum + count, 0)).toBe(newCustomers);
    for (const stage of ['sandbox', 'readExcel', 'train', 'readGoogleSheets', 'predict', 'writeHubSpot', 'total'] as const) {
      expect(report.durationsMs[stage]).toBeGreaterThanOrEqual(0);
    }
    expect(report.requests.hubspot).toBeGreaterThan(0);

    // What the emulator holds: one contact per new customer, with the predictions and names.
    const contacts = await persistedContacts(stateDirectory);
    expect(contacts).toHaveLength(newCustomers);
    const first = contacts.find((contact) => contact.properties.email === 'customer05001@example.com')!;
    expect(first.properties.firstname).toBeTruthy();
    expect(first.properties.lastname).toBeTruthy();
    const churnRisk = Number(first.properties.churn_risk);
    expect(churnRisk).toBeGreaterThanOrEqual(0);
    expect(churnRisk).toBeLessThanOrEqual(1);
    expect(first.properties.segment).toBe(segmentFor(churnRisk));
    // Only the key, the names and the predictions go to the CRM, not the feature columns.
    expect(first.properties).not.toHaveProperty('contract');
    expect(first.properties).not.toHaveProperty('monthly_charges');
  });

  it('second run on the same state: 0 created, N updated, no duplicate contact', async () => {
    const { exitCode, report, output } = await run({ stateDirectory, dataPath: smallData });

    expect(exitCode).toBe(0);
    expect(output).toContain('kept from an earlier run');
    expect(report.sources.excel!.rows).toBe(600);
    expect(report.crm).toMatchObject({ created: 0, updated: newCustomers, failed: 0 });
    const contacts = await persistedContacts(stateDirectory);
    expect(contacts).toHaveLength(newCustomers);
    expect(new Set(contacts.map((contact) => contact.properties.email)).size).toBe(newCustomers);
  });

  it('reports rows HubSpot cannot take (no email) without failing the run', async () => {
    // Blank one customer's email in the persisted sheet (column B, data row 5).
    const sandbox = await startOfflineSandbox({ stateDirectory });
    sandbox.googleSheets.emulator.setValues(sandboxSpreadsheetId, `'${sandboxSheetTitle}'!B6`, [[null]]);
    await sandbox.stop();

    const { exitCode, report, output } = await run({ stateDirectory, dataPath: smallData });

    expect(exitCode).toBe(0);
    expect(report.crm).toMatchObject({ created: 0, updated: newCustomers - 1, failed: 1 });
    expect(report.crm!.failures[0]).toMatchObject({ index: 4, email: null });
    expect(report.crm!.failures[0]!.reason).toMatch(/email/i);
    expect(output).toContain('failed row 4 (no email)');
    expect(await persistedContacts(stateDirectory)).toHaveLength(newCustomers);
  });

  it('--fresh resets the sandbox: a new sheet and an empty portal, so everything is created again', async () => {
    const { exitCode, report, output } = await run({ stateDirectory, dataPath: smallData, fresh: true });

    expect(exitCode).toBe(0);
    expect(output).toContain('new sheet seeded');
    expect(report.sources.googlesheets!.rows).toBe(newCustomers);
    expect(report.crm).toMatchObject({ created: newCustomers, updated: 0, failed: 0 });
    expect(await persistedContacts(stateDirectory)).toHaveLength(newCustomers);
  });

  it('a failing stage: exit code 1, the error and its hint printed and in the report', async () => {
    const reportPath = join(workspace.path, 'failed-run.json');
    const { exitCode, report, output } = await run({ stateDirectory, dataPath: join(workspace.path, 'missing.xlsx'), reportPath });

    expect(exitCode).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.error).toMatchObject({ stage: 'readExcel' });
    expect(output).toContain('Error in stage readExcel:');
    expect(lastLine(output)).toBe(`report: ${reportPath}`);
    expect(existsSync(reportPath)).toBe(true);
    expect(report.crm).toBeUndefined();
  });

  it('--online without credentials fails clearly instead of touching the sandbox', async () => {
    const { exitCode, report, output } = await run({ stateDirectory, mode: 'online' });

    expect(exitCode).toBe(1);
    expect(report).toMatchObject({ ok: false, mode: 'online' });
    expect(report.error!.message).toContain('HUBSPOT_API_KEY');
    expect(output).toContain('Hint:');
  });
});
