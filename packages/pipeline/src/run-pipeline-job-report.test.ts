import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateChurnCustomers } from '@automl/automl';
import { type Connector, createConnector, type WriteResult } from '@automl/connector-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflineSandbox, sandboxSheetTitle, sandboxSpreadsheetId, startOfflineSandbox } from './demo-sandbox.js';
import type { PipelineEvent, PipelineReport } from './pipeline-report.js';
import type { PipelineSpec } from './pipeline-spec.js';
import { type PipelineConnections, runPipelineJob } from './run-pipeline-job.js';

const fastAutoML = { folds: 2, candidates: ['logistic-regression'], seed: 42 };

/** The three connections of the demo over a running sandbox, opened by name (any opener will do, not only a ConnectionsProject). */
function connectionsOver(sandbox: OfflineSandbox, trainingFile: string): PipelineConnections {
  const configs: Record<string, Record<string, unknown>> = {
    training: { connectionType: 'excel', filePath: trainingFile },
    scoring: {
      connectionType: 'googlesheets',
      spreadsheetId: sandbox.googleSheets.spreadsheetId,
      baseUrl: sandbox.googleSheets.baseUrl,
      credentialsJson: sandbox.googleSheets.credentialsJson,
    },
    crm: { connectionType: 'hubspot', baseUrl: sandbox.hubspot.baseUrl, apiKey: sandbox.hubspot.apiKey },
  };
  return { open: (name, options) => createConnector(configs[name] ?? { connectionType: name }, { environment: {}, ...options }) };
}

const spec: PipelineSpec = {
  training: { connection: 'training', labelColumn: 'churned' },
  scoring: { connection: 'scoring', table: sandboxSheetTitle },
  destination: { connection: 'crm', table: 'contacts', keyColumn: 'email', mode: 'upsert' },
  automl: fastAutoML,
};

describe('runPipelineJob: what its report tells', () => {
  const directory = mkdtempSync(join(tmpdir(), 'automl-pipeline-report-'));
  const trainingFile = join(directory, 'training.xlsx');

  beforeAll(async () => {
    const excel: Connector = await createConnector({ connectionType: 'excel', filePath: trainingFile });
    try {
      await excel.write(generateChurnCustomers({ count: 300, seed: 7 }) as never, { mode: 'overwrite' });
    } finally {
      await excel.close();
    }
  });

  let sandbox: OfflineSandbox | undefined;
  const start = async (name: string, customers: number) => {
    sandbox = await startOfflineSandbox({ stateDirectory: join(directory, name), newCustomers: { count: customers } });
    return sandbox;
  };
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('the sources, the model, schema drift, each stage timed, and records built by `record` as the destination names its fields', async () => {
    const running = await start('details', 30);
    // Column R is monthly_charges: three customers' charges exported as words.
    running.googleSheets.emulator.setValues(sandboxSpreadsheetId, `'${sandboxSheetTitle}'!R2:R4`, [['twelve'], ['n/c'], ['ten-ish']]);
    const seen: Array<{ event: PipelineEvent; model: boolean }> = [];
    const report = await runPipelineJob(spec, {
      project: connectionsOver(running, trainingFile),
      record: ({ row, churnRisk, segment, index }) => ({
        email: row.email ?? null,
        firstname: row.first_name ?? null,
        churn_score: churnRisk,
        segment,
        row_number: index,
      }),
      onEvent: (event, current) => seen.push({ event, model: current.model !== undefined }),
    });

    expect(report.error).toBeUndefined();
    expect(report.sources?.training).toMatchObject({ connection: 'training', rows: 300, labelled: 300, unlabeledRowsSkipped: 0 });
    expect(report.sources?.training?.columns).toContain('churned');
    expect(report.sources?.scoring).toMatchObject({ connection: 'scoring', table: sandboxSheetTitle, rows: 30 });
    expect(report.model).toMatchObject({ best: 'logistic-regression', trainingRows: 300 });
    expect(report.model?.leaderboard[0]).toMatchObject({ model: 'logistic-regression', rocAuc: expect.any(Number), accuracy: expect.any(Number) });
    expect(report.predictions.schemaDrift).toEqual([{ column: 'monthly_charges', expected: 'numeric', kind: 'unparseable', rows: 3, total: 30 }]);
    expect(report.predictions.meanChurnRisk).toBeGreaterThan(0);
    expect(report.predictions.meanChurnRisk).toBeLessThan(1);
    expect(report.destination).toMatchObject({ created: 30, updated: 0, unchanged: 0, received: 30, written: 30, failed: [] });
    expect(report.destination.notSent).toBeUndefined();
    for (const stage of ['read-training', 'train', 'read-scoring', 'score', 'write'] as const) expect(report.durationsMs?.[stage]).toBeGreaterThanOrEqual(0);

    // The report the events carry is filled stage by stage: the model is there once training is done.
    const trainDone = seen.findIndex(({ event }) => event.type === 'stage' && event.stage === 'train' && event.status === 'done');
    expect(seen[trainDone]?.model).toBe(true);
    expect(seen.slice(0, trainDone).some(({ model }) => model)).toBe(false);
    expect(
      seen
        .filter(({ event }) => event.type === 'stage' && event.status === 'done')
        .every(({ event }) => typeof (event as { durationMs?: number }).durationMs === 'number'),
    ).toBe(true);

    // The portal holds the records as `record` built them: renamed fields, no feature column.
    const contacts = running.hubspot.emulator.portal.listObjects('contacts');
    expect(contacts).toHaveLength(30);
    const first = contacts.find((contact) => contact.properties.email === 'customer05001@example.com');
    expect(first?.properties).toMatchObject({ firstname: expect.any(String), row_number: '0' });
    expect(Number(first?.properties.churn_score)).toBeGreaterThanOrEqual(0);
    expect(first?.properties).not.toHaveProperty('churn_risk');
    expect(first?.properties).not.toHaveProperty('monthly_charges');
    await running.stop();
    sandbox = undefined;
  }, 60_000);

  it("the destination connector's write warnings are in the report", async () => {
    const running = await start('warnings', 5);
    const project = connectionsOver(running, trainingFile);
    const warning = { code: 'NO_UNIQUE_KEY_INDEX', message: 'no unique index on email' };
    // The CRM connector as it is, its write result carrying one warning (as MongoDB's upsert would).
    const warned: PipelineConnections = {
      open: async (name, options) => {
        const connector = await project.open(name, options);
        if (name !== 'crm') return connector;
        const crm = connector as Connector & { writeCrmData(...args: unknown[]): Promise<WriteResult> };
        const writeCrmData = crm.writeCrmData.bind(crm);
        return Object.assign(crm, { writeCrmData: async (...args: unknown[]) => ({ ...(await writeCrmData(...args)), warnings: [warning] }) });
      },
    };
    const report = await runPipelineJob(spec, { project: warned });
    expect(report.error).toBeUndefined();
    expect(report.destination).toMatchObject({ created: 5, warnings: [warning] });
  });

  it('interrupted mid-write: ends interrupted in the write stage, counting what landed and what was never sent', async () => {
    const running = await start('interrupted-write', 600);
    const controller = new AbortController();
    // The signal goes off when the first upsert batch reaches HubSpot: batches already sent finish, no new one starts.
    running.hubspot.emulator.faults.inject({
      route: 'objects.batchUpsert',
      times: 1,
      fault: {
        kind: 'partial',
        match: () => {
          controller.abort(new Error('stopped by the test'));
          return false;
        },
      },
    });
    const report: PipelineReport = await runPipelineJob(spec, { project: connectionsOver(running, trainingFile), signal: controller.signal });

    expect(report.status).toBe('interrupted');
    expect(report.error?.stage).toBe('write');
    const { received = 0, written = 0, notSent } = report.destination;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(600);
    expect(notSent).toBe(600 - received);
    expect(written + report.destination.failed.length).toBe(received);
    // What the report says landed is what the portal holds.
    expect(running.hubspot.emulator.portal.listObjects('contacts')).toHaveLength(written);
    await running.stop();
    sandbox = undefined;
  }, 60_000);

  it('interrupted during training: ends in that stage at once, with the training source read, no model and nothing written', async () => {
    const running = await start('interrupted-train', 20);
    const controller = new AbortController();
    const report = await runPipelineJob(spec, {
      project: connectionsOver(running, trainingFile),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'stage' && event.stage === 'train' && event.status === 'started') controller.abort(new Error('stopped by the test'));
      },
    });
    expect(report).toMatchObject({ status: 'interrupted', error: { stage: 'train', message: 'Interrupted before the end' } });
    expect(report.sources?.training?.rows).toBe(300);
    expect(report.model).toBeUndefined();
    expect(report.leaderboard).toEqual([]);
    expect(report.durationsMs?.train).toBeGreaterThanOrEqual(0);
    expect(report.durationsMs?.score).toBeUndefined();
    expect(running.hubspot.emulator.portal.listObjects('contacts')).toHaveLength(0);
    await running.stop();
    sandbox = undefined;
  }, 60_000);

  it('a label column the training rows lack fails the train stage, naming the columns, with a hint; so does a check in a listener', async () => {
    const running = await start('no-label', 5);
    const report = await runPipelineJob(
      { ...spec, training: { ...spec.training, labelColumn: 'cancelled' } },
      { project: connectionsOver(running, trainingFile) },
    );
    expect(report.status).toBe('failed');
    expect(report.error).toMatchObject({ stage: 'train', message: expect.stringMatching(/no "cancelled" column \(columns: .*churned/) });
    expect(report.error?.hint).toContain('labelColumn');

    // A listener that throws on a stage's start fails that stage with its message and hint.
    const checked = await runPipelineJob(spec, {
      project: connectionsOver(running, trainingFile),
      onEvent: (event) => {
        if (event.type === 'stage' && event.stage === 'score' && event.status === 'started')
          throw Object.assign(new Error('Nothing worth scoring'), { name: 'InputCheck', hint: 'Fill the sheet first.' });
      },
    });
    expect(checked).toMatchObject({
      status: 'failed',
      error: { stage: 'score', name: 'InputCheck', message: 'Nothing worth scoring', hint: 'Fill the sheet first.' },
    });
    expect(checked.model).toBeDefined();
    expect(running.hubspot.emulator.portal.listObjects('contacts')).toHaveLength(0);
    await running.stop();
    sandbox = undefined;
  }, 60_000);
});
