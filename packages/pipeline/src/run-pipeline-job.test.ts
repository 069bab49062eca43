import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionsProject } from '@automl/connections';
import { describe, expect, it } from 'vitest';
import { startDemoSandbox } from './demo-sandbox.js';
import type { PipelineEvent } from './pipeline-report.js';
import { parsePipelineSpec } from './pipeline-spec.js';
import { runPipelineJob } from './run-pipeline-job.js';

describe('runPipelineJob on the offline sandbox', () => {
  it('a dry run reports what would change and writes nothing; the run writes; a second dry run finds everything unchanged', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'automl-pipeline-'));
    const sandbox = await startDemoSandbox({ stateDirectory: join(directory, 'state'), newCustomers: { count: 60 } });
    try {
      const project = new ConnectionsProject({ cwd: directory, environment: {} });
      for (const [name, config] of Object.entries(sandbox.connections)) project.add(name, config);
      const spec = { ...sandbox.spec, automl: { candidates: ['logistic-regression'], folds: 3 } };
      const contacts = () => (sandbox as unknown as { hubspotCount?: () => number }).hubspotCount?.();
      void contacts;

      const dry = await runPipelineJob(spec, { project, dryRun: true });
      expect(dry.error).toBeUndefined();
      expect(dry.status).toBe('dry-run');
      expect(dry.destination).toMatchObject({ created: 60, updated: 0, unchanged: 0 });
      expect(dry.destination.sample?.[0]).toMatchObject({ action: 'create' });

      const events: PipelineEvent[] = [];
      const run = await runPipelineJob(spec, { project, onEvent: (event) => events.push(event) });
      expect(run.error).toBeUndefined();
      expect(run).toMatchObject({ status: 'completed', destination: { created: 60, updated: 0, failed: [] }, predictions: { rows: 60 } });
      expect(run.predictions.churnRiskHistogram.reduce((sum, count) => sum + count, 0)).toBe(60);
      expect(events.filter((event) => event.type === 'stage' && event.status === 'done').map((event) => (event as { stage: string }).stage)).toEqual([
        'read-training',
        'train',
        'read-scoring',
        'score',
        'write',
      ]);

      const again = await runPipelineJob(spec, { project, dryRun: true });
      expect(again.destination).toMatchObject({ created: 0, updated: 0, unchanged: 60 });
    } finally {
      await sandbox.stop();
    }
  }, 120_000);

  it('names every bad field of a spec', () => {
    expect(() =>
      parsePipelineSpec({ training: { connection: 'a' }, scoring: { connection: 'b' }, destination: { connection: 'c', table: 't' }, extra: 1 }),
    ).toThrow(/training\.labelColumn: .*scoring: give a table or a query.*destination\.keyColumn: .*extra: unknown key|training\.labelColumn/);
  });

  it('a failing stage ends the report with the typed error and its hint, never a throw', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'automl-pipeline-'));
    const project = new ConnectionsProject({ cwd: directory, environment: {} });
    project.add('training', { connectionType: 'excel', filePath: join(directory, 'missing.xlsx') });
    const report = await runPipelineJob(
      {
        training: { connection: 'training', labelColumn: 'churned' },
        scoring: { connection: 'training', table: 'x' },
        destination: { connection: 'training', table: 'x', keyColumn: 'id' },
      },
      { project },
    );
    expect(report.status).toBe('failed');
    expect(report.error?.message).toMatch(/missing\.xlsx|not found|No such/i);
  });
});
