import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipedriveEmulator } from '@automl/sandbox/pipedrive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineInterrupted } from './pipeline-interrupted.js';
import { runDemo, type RunDemoOptions } from './run-demo.js';
import type { RunReport } from './run-report.js';
import { noCredentials, persistedContacts, persistedPersons, temporaryDirectory, writeSmallWorkbook } from './test-support/temporary-workspace.js';

/** Runs the demo offline with an interrupt controller; `when` interrupts it on what it printed, as a user pressing Ctrl+C. */
async function interruptedRun(options: RunDemoOptions & { controller: AbortController; when?: (output: string) => boolean }) {
  const { controller, when, ...rest } = options;
  let output = '';
  const result = await runDemo({ environment: noCredentials, ...rest, signal: controller.signal }, (text) => {
    output += text;
    if (!controller.signal.aborted && when?.(output)) controller.abort(new PipelineInterrupted('SIGINT'));
  });
  return { ...result, output };
}

const fastAutoML = { folds: 2, candidates: ['logistic-regression'] } as RunDemoOptions['automl'];

describe('an interrupted demo (SIGINT)', () => {
  const workspace = temporaryDirectory('pipeline-demo-interrupted-');
  let smallData: string;

  beforeAll(async () => {
    smallData = await writeSmallWorkbook(join(workspace.path, 'small.xlsx'), 300);
  });
  afterAll(() => workspace.remove());

  it('during training: the report is written, marked interrupted in that stage, with the sources read and nothing written', async () => {
    const stateDirectory = join(workspace.path, 'train');
    const { exitCode, report, reportPath, output } = await interruptedRun({
      controller: new AbortController(),
      stateDirectory,
      dataPath: smallData,
      automl: fastAutoML,
      newCustomers: { count: 50 },
      when: (text) => text.includes('Training AutoML'),
    });
    expect(exitCode).toBe(130);
    expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toEqual(report);
    expect(report).toMatchObject({ ok: false, interrupted: { signal: 'SIGINT', stage: 'train' }, error: { stage: 'train', name: 'PipelineInterrupted' } });
    expect(report.sources.excel?.rows).toBe(300);
    expect(report.model).toBeUndefined();
    expect(report.crm).toBeUndefined();
    expect(output).toMatch(/Training AutoML .* interrupted \(/);
    expect(output).toContain('Interrupted during stage train.');
    expect(output.trimEnd().split('\n').at(-1)).toBe(`report: ${reportPath}`);
    expect(await persistedContacts(stateDirectory)).toHaveLength(0);
  });

  it('mid-write: HubSpot stops being sent contacts, and the report says exactly which landed', async () => {
    const stateDirectory = join(workspace.path, 'write');
    const total = 600;
    const controller = new AbortController();
    const { exitCode, report, output } = await interruptedRun({
      controller,
      stateDirectory,
      dataPath: smallData,
      automl: fastAutoML,
      newCustomers: { count: total },
      // Ctrl+C when the first upsert batch reaches HubSpot: batches already sent finish, no new one starts.
      onSandboxReady: (sandbox) => {
        sandbox.hubspot.emulator.faults.inject({
          route: 'objects.batchUpsert',
          times: 1,
          fault: {
            kind: 'partial',
            match: () => {
              controller.abort(new PipelineInterrupted('SIGINT'));
              return false;
            },
          },
        });
      },
    });
    expect(exitCode).toBe(130);
    const crm = report.crm as NonNullable<RunReport['crm']>;
    expect(report.interrupted).toEqual({ signal: 'SIGINT', stage: 'writeHubSpot' });
    expect(crm.received).toBeGreaterThan(0);
    expect(crm.received).toBeLessThan(total);
    expect(crm.notSent).toBe(total - crm.received);
    expect(crm.written + crm.failed).toBe(crm.received);
    // What the report says landed is what the portal holds.
    expect(await persistedContacts(stateDirectory)).toHaveLength(crm.written);
    expect(output).toContain(`not sent ${crm.notSent} (interrupted)`);
    expect(output).toContain(`HubSpot holds ${crm.written} contacts from this run; ${crm.notSent} were not sent.`);
  });
});

describe('an interrupted demo with --crm pipedrive (one request per person)', () => {
  const workspace = temporaryDirectory('pipeline-demo-interrupted-pipedrive-');
  let smallData: string;

  beforeAll(async () => {
    smallData = await writeSmallWorkbook(join(workspace.path, 'small.xlsx'), 300);
  });
  afterAll(() => workspace.remove());

  it('mid-write: no person is sent after the signal, the report counts what the company holds, and a second run completes it without duplicates', async () => {
    const stateDirectory = join(workspace.path, 'write');
    const total = 24;
    const controller = new AbortController();
    const { exitCode, report, output } = await interruptedRun({
      controller,
      crm: 'pipedrive',
      stateDirectory,
      dataPath: smallData,
      automl: fastAutoML,
      newCustomers: { count: total },
      // Ctrl+C when Pipedrive creates the fifth person; the creates in flight finish.
      onSandboxReady: (_sandbox, crm) => {
        // The emulator's company is watched (not replaced): the fifth person it creates triggers the signal.
        const company = (crm.emulator as PipedriveEmulator).company;
        const create = company.create.bind(company);
        let creates = 0;
        company.create = (entity, values, custom, options) => {
          if (entity === 'persons' && ++creates === 5) controller.abort(new PipelineInterrupted('SIGINT'));
          return create(entity, values, custom, options);
        };
      },
    });
    expect(exitCode).toBe(130);
    const crm = report.crm as NonNullable<RunReport['crm']>;
    expect(report.interrupted).toEqual({ signal: 'SIGINT', stage: 'writePipedrive' });
    expect(crm.written).toBeGreaterThanOrEqual(5);
    expect(crm.received).toBeLessThan(total);
    expect(crm.notSent).toBe(total - crm.received);
    expect(crm.written + crm.failed).toBe(crm.received);
    expect(await persistedPersons(stateDirectory)).toHaveLength(crm.created);
    expect(output).toContain(`Pipedrive holds ${crm.written} persons from this run; ${crm.notSent} were not sent.`);

    const again = await interruptedRun({ controller: new AbortController(), crm: 'pipedrive', stateDirectory, dataPath: smallData, automl: fastAutoML });
    expect(again.exitCode).toBe(0);
    expect(again.report.crm).toMatchObject({ received: total, created: total - crm.created, failed: 0 });
    const persons = await persistedPersons(stateDirectory);
    expect(persons).toHaveLength(total);
    expect(new Set(persons.map((person) => person.key)).size).toBe(total);
  });
});
