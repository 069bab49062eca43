import { AutoMLOrchestrator, type AutoMLOptions, type Row as AutoMLRow } from '@automl/automl';
import type { ConnectionsProject } from '@automl/connections';
import {
  type Connector,
  ConnectorError,
  type ConnectorOptions,
  type CrmCapableConnector,
  type Row,
  writeResultOf,
  type WriteResult,
} from '@automl/connector-core';
import { planWrite } from './dry-run.js';
import { emptyReport, histogram, type PipelineEvent, type PipelineReport, type PipelineStage } from './pipeline-report.js';
import type { PipelineSpec } from './pipeline-spec.js';
import { countSegments, segmentFor } from './segment.js';

export interface RunPipelineOptions {
  project: ConnectionsProject;
  signal?: AbortSignal;
  onEvent?: (event: PipelineEvent) => void;
  /** Read the destination's keys and report what would be created, updated or left unchanged; write nothing. */
  dryRun?: boolean;
  connectorOptions?: ConnectorOptions;
}

const isCrm = (connector: Connector): connector is CrmCapableConnector => typeof (connector as Partial<CrmCapableConnector>).writeCrmData === 'function';
const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * The demo's pipeline over any named connections: learn `labelColumn` from the training source,
 * score the scoring source (churn_risk = P(positive class), segment at 0.3 / 0.7), then upsert the
 * key, the chosen fields and the two predictions into the destination. Never throws: the report
 * says how it ended (completed, failed with the typed error and hint, interrupted with what landed).
 */
export async function runPipelineJob(spec: PipelineSpec, options: RunPipelineOptions): Promise<PipelineReport> {
  const report = emptyReport();
  const emit = (event: PipelineEvent) => options.onEvent?.(event);
  let stage: PipelineStage = 'read-training';
  const step = async <T>(name: PipelineStage, message: string, run: () => Promise<T>, done: (value: T) => string): Promise<T> => {
    stage = name;
    options.signal?.throwIfAborted();
    emit({ type: 'stage', stage: name, status: 'started', message });
    const value = await run();
    emit({ type: 'stage', stage: name, status: 'done', message: done(value) });
    return value;
  };
  const open = (name: string) => options.project.open(name, options.connectorOptions ?? {});
  const readFrom = async (source: { connection: string; table?: string | undefined; query?: string | undefined }) => {
    const connector = await open(source.connection);
    try {
      return await connector.readAll({
        ...(source.query ? { query: source.query } : { table: source.table }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      await connector.close();
    }
  };
  try {
    const training = await step(
      'read-training',
      `Reading the training rows from ${spec.training.connection}`,
      () => readFrom(spec.training),
      (rows) => `${rows.length} rows`,
    );
    const label = spec.training.labelColumn;
    const labelled = training.filter((row) => !blank(row[label]));
    if (labelled.length === 0)
      throw new ConnectorError({
        message: `No training row has a value in "${label}"`,
        operation: 'pipeline',
        hint: 'Check labelColumn and the training table.',
      });

    const orchestrator = await step(
      'train',
      `Training on ${labelled.length} rows to predict "${label}"`,
      async () => {
        const features = labelled.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => column !== label))) as AutoMLRow[];
        const model = new AutoMLOrchestrator((spec.automl ?? {}) as AutoMLOptions);
        await model.fit(
          features,
          labelled.map((row) => row[label] as string | number | boolean),
        );
        return model;
      },
      (model) => `best model ${model.leaderboard[0]?.model ?? 'none'}`,
    );
    report.leaderboard = orchestrator.leaderboard.map((entry) => ({
      model: entry.model,
      score: entry.rocAuc,
      metric: 'roc_auc',
      ...(entry.warning ? { warning: entry.warning } : {}),
    }));

    const scoringRows = await step(
      'read-scoring',
      `Reading the rows to score from ${spec.scoring.connection}`,
      () => readFrom(spec.scoring),
      (rows) => `${rows.length} rows`,
    );
    const scored = await step(
      'score',
      'Scoring churn risk',
      async () => {
        if (scoringRows.length === 0) return [] as Row[];
        const positive = orchestrator.classes.length - 1;
        const probabilities = orchestrator.predictProba(scoringRows as AutoMLRow[]);
        const fields = spec.destination.fields ?? [];
        return scoringRows.map((row, index): Row => {
          const risk = probabilities[index]?.[positive] ?? Number.NaN;
          const out: Row = { [spec.destination.keyColumn]: row[spec.destination.keyColumn] ?? null };
          for (const field of fields) out[field] = row[field] ?? null;
          out.churn_risk = Math.round(risk * 10_000) / 10_000;
          out.segment = segmentFor(risk);
          return out;
        });
      },
      (rows) => {
        const counts = countSegments(rows.map((row) => row.segment as 'Low' | 'Medium' | 'High'));
        return `Low ${counts.Low}, Medium ${counts.Medium}, High ${counts.High}`;
      },
    );
    report.predictions = {
      rows: scored.length,
      segments: countSegments(scored.map((row) => row.segment as 'Low' | 'Medium' | 'High')),
      churnRiskHistogram: histogram(scored.map((row) => Number(row.churn_risk))),
    };

    const destination = await open(spec.destination.connection);
    try {
      if (options.dryRun) {
        report.destination = await step(
          'write',
          `Dry run: reading the keys ${spec.destination.table} holds`,
          async () => {
            // Only the columns the destination has: churn_risk and segment do not exist before the first run.
            const known = new Set((await destination.describe(spec.destination.table)).columns.map((column) => column.name));
            const columns = Object.keys(scored[0] ?? { [spec.destination.keyColumn]: null }).filter((column) => known.has(column));
            const existing = await destination.readAll({ table: spec.destination.table, columns, ...(options.signal ? { signal: options.signal } : {}) });
            return planWrite(scored, existing, spec.destination.keyColumn);
          },
          (plan) => `would create ${plan.created}, update ${plan.updated}, leave ${plan.unchanged ?? 0} unchanged`,
        );
        report.status = 'dry-run';
      } else {
        const result = await step(
          'write',
          `Writing ${scored.length} rows to ${spec.destination.connection} ${spec.destination.table}`,
          () => writeTo(destination, scored, spec, options, (done) => emit({ type: 'progress', stage: 'write', done, total: scored.length })),
          (written) => `${written.created ?? 0} created, ${written.updated ?? 0} updated, ${written.failed.length} failed`,
        );
        report.destination = destinationOf(result);
        report.status = 'completed';
      }
    } finally {
      await destination.close();
    }
  } catch (error) {
    const partial = writeResultOf(error);
    if (partial) report.destination = destinationOf(partial);
    const aborted = options.signal?.aborted || (error as { name?: string } | null)?.name === 'AbortError';
    report.status = aborted ? 'interrupted' : 'failed';
    const typed = ConnectorError.isInstance(error) ? error : undefined;
    report.error = {
      name: (error as Error)?.name ?? 'Error',
      message: aborted ? 'Interrupted before the end' : error instanceof Error ? error.message : String(error),
      ...(typed?.hint ? { hint: typed.hint } : {}),
    };
    emit({ type: 'stage', stage, status: 'failed', message: report.error.message });
  }
  report.finishedAt = new Date().toISOString();
  emit({ type: 'finished', report });
  return report;
}

async function writeTo(
  connector: Connector,
  rows: Row[],
  spec: PipelineSpec,
  options: RunPipelineOptions,
  progress: (done: number) => void,
): Promise<WriteResult> {
  const mode = spec.destination.mode ?? 'upsert';
  let done = 0;
  async function* counted(): AsyncGenerator<Row> {
    for (const row of rows) {
      yield row;
      done += 1;
      if (done % 100 === 0) progress(done);
    }
  }
  const result = isCrm(connector)
    ? await connector.writeCrmData(counted(), {
        destination: spec.destination.table,
        updateExisting: mode === 'upsert',
        idProperty: spec.destination.keyColumn,
        createMissingProperties: true,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    : await connector.write(counted(), {
        table: spec.destination.table,
        mode,
        keyColumn: spec.destination.keyColumn,
        ...(options.signal ? { signal: options.signal } : {}),
      });
  progress(rows.length);
  return result;
}

function destinationOf(result: WriteResult): PipelineReport['destination'] {
  return {
    created: result.created ?? 0,
    updated: result.updated ?? 0,
    failed: result.failed.map((failure) => ({ index: failure.index, reason: failure.reason })),
  };
}
