import { AutoMLOrchestrator, type AutoMLOptions, type Row as AutoMLRow, type SchemaDrift } from '@automl/automl';
import {
  type Connector,
  ConnectorError,
  type ConnectorOptions,
  type CrmCapableConnector,
  type Row,
  untilAborted,
  writeResultOf,
  type WriteResult,
} from '@automl/connector-core';
import { planWrite } from './dry-run.js';
import { emptyReport, histogram, type PipelineEvent, type PipelineReport, type PipelineSourceReport, type PipelineStage } from './pipeline-report.js';
import type { PipelineSpec } from './pipeline-spec.js';
import { countSegments, type Segment, segmentFor } from './segment.js';

/** Where the job's named connections come from: a ConnectionsProject, or any opener of connectors by name. */
export interface PipelineConnections {
  open(name: string, options?: ConnectorOptions): Promise<Connector>;
}

/** One scoring row once scored: what a destination record is built from. */
export interface ScoredRow {
  /** The scoring row as read. */
  row: Row;
  /** Its position among the scoring rows (0-based), as in the report's failures. */
  index: number;
  /** P(positive class), rounded to 4 decimals. */
  churnRisk: number;
  /** From the unrounded probability, cut at 0.3 / 0.7. */
  segment: Segment;
}

export interface RunPipelineOptions {
  /** The named connections of the spec (a @automl/connections ConnectionsProject). */
  project: PipelineConnections;
  signal?: AbortSignal;
  /**
   * Every stage's start and end, the write's progress, the end; `report` is the report so far. A
   * listener that throws on a stage's start or end fails that stage with its error (a check of the
   * data read so far, with its own message and hint); throws on `failed` and `finished` are ignored.
   */
  onEvent?: (event: PipelineEvent, report: PipelineReport) => void;
  /** Read the destination's keys and report what would be created, updated or left unchanged; write nothing. */
  dryRun?: boolean;
  connectorOptions?: ConnectorOptions;
  /**
   * The destination record for one scored row, when the destination names its fields otherwise than
   * the scoring rows (renamed, joined, prefixed). Default: the key column, `destination.fields`,
   * `churn_risk` and `segment`, copied under their scoring names. Must hold `destination.keyColumn`.
   */
  record?: (scored: ScoredRow) => Row;
}

const isCrm = (connector: Connector): connector is CrmCapableConnector => typeof (connector as Partial<CrmCapableConnector>).writeCrmData === 'function';
const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * The demo's pipeline over any named connections: learn `labelColumn` from the training source,
 * score the scoring source (churn_risk = P(positive class), segment at 0.3 / 0.7), then upsert the
 * key, the chosen fields and the two predictions into the destination. Never throws: the report
 * says how it ended (completed, failed with the typed error, its hint and stage, interrupted with
 * what landed). An interruption ends a reading or training stage at once; a write stops sending,
 * lets the batches in flight finish, and the report counts what landed and what was never sent.
 */
export async function runPipelineJob(spec: PipelineSpec, options: RunPipelineOptions): Promise<PipelineReport> {
  const report = emptyReport();
  const durations: Partial<Record<PipelineStage, number>> = {};
  report.durationsMs = durations;
  const emit = (event: PipelineEvent) => options.onEvent?.(event, report);
  // The job never throws: a listener failing on the last events changes nothing of the report.
  const emitLast = (event: PipelineEvent) => {
    try {
      emit(event);
    } catch {}
  };
  const signal = options.signal;
  let stage: PipelineStage = 'read-training';
  let stageStarted = performance.now();
  const step = async <T>(name: PipelineStage, message: string, run: () => Promise<T>, done: (value: T) => string, cooperative = false): Promise<T> => {
    signal?.throwIfAborted();
    stage = name;
    stageStarted = performance.now();
    emit({ type: 'stage', stage: name, status: 'started', message });
    // A write watches the signal itself (it must return what landed); the other stages end at once.
    const value = await (cooperative ? run() : untilAborted(run(), signal));
    durations[name] = Math.round(performance.now() - stageStarted);
    // `done` fills the report in: only for a stage that ended (not one left running by an interruption).
    emit({ type: 'stage', stage: name, status: 'done', message: done(value), durationMs: durations[name] });
    return value;
  };
  const open = (name: string) => options.project.open(name, options.connectorOptions ?? {});
  const readFrom = async (source: { connection: string; table?: string | undefined; query?: string | undefined }) => {
    const connector = await open(source.connection);
    try {
      return await connector.readAll({
        ...(source.query ? { query: source.query } : { table: source.table }),
        ...(signal ? { signal } : {}),
      });
    } finally {
      await connector.close();
    }
  };
  let records: Row[] = [];
  const label = spec.training.labelColumn;
  try {
    const training = await step(
      'read-training',
      `Reading the training rows from ${spec.training.connection}`,
      () => readFrom(spec.training),
      (rows) => {
        const labelled = rows.filter((row) => !blank(row[label])).length;
        report.sources = {
          training: { ...sourceOf(spec.training, rows, columnsOf(rows)), labelled, unlabeledRowsSkipped: rows.length - labelled },
        };
        return `${rows.length} rows`;
      },
    );
    const trainingColumns = report.sources?.training?.columns ?? [];
    const labelled = training.filter((row) => !blank(row[label]));

    const orchestrator = await step(
      'train',
      `Training on ${labelled.length} rows to predict "${label}"`,
      async () => {
        if (!trainingColumns.includes(label))
          throw new ConnectorError({
            message: `The training rows have no "${label}" column (columns: ${trainingColumns.join(', ')})`,
            operation: 'pipeline',
            hint: `Name the column to learn in training.labelColumn, or read a training table that has "${label}".`,
          });
        if (labelled.length === 0)
          throw new ConnectorError({
            message: `No training row has a value in "${label}"`,
            operation: 'pipeline',
            hint: 'Check labelColumn and the training table.',
          });
        const features = labelled.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => column !== label))) as AutoMLRow[];
        const model = new AutoMLOrchestrator((spec.automl ?? {}) as AutoMLOptions);
        await model.fit(
          features,
          labelled.map((row) => row[label] as string | number | boolean),
        );
        return model;
      },
      (model) => {
        report.leaderboard = model.leaderboard.map((entry) => ({
          model: entry.model,
          score: entry.rocAuc,
          metric: 'roc_auc',
          ...(entry.warning ? { warning: entry.warning } : {}),
        }));
        report.model = {
          best: model.bestModel,
          classes: [...model.classes] as Array<string | number | boolean>,
          trainingRows: labelled.length,
          droppedColumns: model.droppedColumns.map(({ name, reason }) => ({ name, reason })),
          leaderboard: model.leaderboard.map((entry) => ({ ...entry })),
        };
        return `best model ${model.leaderboard[0]?.model ?? 'none'}`;
      },
    );

    const scoringRows = await step(
      'read-scoring',
      `Reading the rows to score from ${spec.scoring.connection}`,
      () => readFrom(spec.scoring),
      (rows) => {
        report.sources = { ...report.sources, scoring: sourceOf(spec.scoring, rows, columnsOf(rows)) };
        return `${rows.length} rows`;
      },
    );

    const drift: SchemaDrift[] = [];
    const scored = await step(
      'score',
      'Scoring churn risk',
      async () => {
        if (scoringRows.length === 0) return [] as ScoredRow[];
        const positive = orchestrator.classes.length - 1;
        // Columns that no longer look like training's are imputed: the report says so.
        const probabilities = orchestrator.predictProba(scoringRows as AutoMLRow[], { onSchemaDrift: (found) => drift.push(...found) });
        return scoringRows.map((row, index): ScoredRow => {
          const risk = probabilities[index]?.[positive] ?? Number.NaN;
          // The segment from the unrounded probability, as the seed cuts predictions[:, 1] itself.
          return { row, index, churnRisk: Math.round(risk * 10_000) / 10_000, segment: segmentFor(risk) };
        });
      },
      (rows) => {
        const counts = countSegments(rows.map((row) => row.segment));
        report.predictions = {
          rows: rows.length,
          segments: counts,
          churnRiskHistogram: histogram(rows.map((row) => row.churnRisk)),
          ...(rows.length > 0 ? { meanChurnRisk: Math.round((rows.reduce((sum, row) => sum + row.churnRisk, 0) / rows.length) * 10_000) / 10_000 } : {}),
          ...(drift.length > 0 ? { schemaDrift: drift } : {}),
        };
        return `Low ${counts.Low}, Medium ${counts.Medium}, High ${counts.High}`;
      },
    );

    const toRecord = options.record ?? defaultRecord(spec);
    records = scored.map(toRecord);
    if (options.dryRun) {
      await step(
        'write',
        `Dry run: reading the keys ${spec.destination.table} holds`,
        () =>
          withConnector(open(spec.destination.connection), async (destination) => {
            // Only the columns the destination has: churn_risk and segment do not exist before the first run.
            const known = new Set((await destination.describe(spec.destination.table)).columns.map((column) => column.name));
            const columns = Object.keys(records[0] ?? { [spec.destination.keyColumn]: null }).filter((column) => known.has(column));
            const existing = await destination.readAll({ table: spec.destination.table, columns, ...(signal ? { signal } : {}) });
            return planWrite(records, existing, spec.destination.keyColumn);
          }),
        (plan) => {
          report.destination = plan;
          return `would create ${plan.created}, update ${plan.updated}, leave ${plan.unchanged ?? 0} unchanged`;
        },
      );
      report.status = 'dry-run';
    } else {
      await step(
        'write',
        `Writing ${records.length} rows to ${spec.destination.connection} ${spec.destination.table}`,
        () =>
          withConnector(open(spec.destination.connection), (destination) =>
            writeTo(destination, records, spec, options, (done) => emit({ type: 'progress', stage: 'write', done, total: records.length })),
          ),
        (written) => {
          report.destination = destinationOf(written, records, spec.destination.keyColumn);
          return `${written.created ?? 0} created, ${written.updated ?? 0} updated, ${written.failed.length} failed`;
        },
        true,
      );
      report.status = 'completed';
    }
  } catch (error) {
    const partial = writeResultOf(error);
    if (partial) report.destination = destinationOf(partial, records, spec.destination.keyColumn);
    const aborted = signal?.aborted || (error as { name?: string } | null)?.name === 'AbortError';
    report.status = aborted ? 'interrupted' : 'failed';
    // Core's typed errors carry a hint, and so may a listener's or a connector's own.
    const hint = (error as { hint?: unknown } | null)?.hint;
    report.error = {
      name: (error as Error)?.name ?? 'Error',
      message: aborted ? 'Interrupted before the end' : error instanceof Error ? error.message : String(error),
      ...(typeof hint === 'string' && hint !== '' ? { hint } : {}),
      stage,
    };
    durations[stage] ??= Math.round(performance.now() - stageStarted);
    emitLast({ type: 'stage', stage, status: 'failed', message: report.error.message, durationMs: durations[stage] });
  }
  report.finishedAt = new Date().toISOString();
  emitLast({ type: 'finished', report });
  return report;
}

/** The key column, the spec's fields and the two predictions, under the scoring rows' names. */
function defaultRecord(spec: PipelineSpec): (scored: ScoredRow) => Row {
  const fields = spec.destination.fields ?? [];
  return ({ row, churnRisk, segment }) => {
    const out: Row = { [spec.destination.keyColumn]: row[spec.destination.keyColumn] ?? null };
    for (const field of fields) out[field] = row[field] ?? null;
    out.churn_risk = churnRisk;
    out.segment = segment;
    return out;
  };
}

async function withConnector<T>(opening: Promise<Connector>, use: (connector: Connector) => Promise<T>): Promise<T> {
  const connector = await opening;
  try {
    return await use(connector);
  } finally {
    await connector.close();
  }
}

/** Every column any row has, in first-seen order. */
function columnsOf(rows: readonly Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  return [...columns];
}

function sourceOf(
  source: { connection: string; table?: string | undefined; query?: string | undefined },
  rows: readonly Row[],
  columns: string[],
): PipelineSourceReport {
  return {
    connection: source.connection,
    ...(source.query ? { query: source.query } : source.table ? { table: source.table } : {}),
    rows: rows.length,
    columns,
  };
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
  // Rows are handed over one at a time and stop when the job is interrupted, also for a connector
  // that does not watch the signal: the write then finishes the batches already sent and returns
  // exactly what landed.
  async function* counted(): AsyncGenerator<Row> {
    for (const row of rows) {
      if (options.signal?.aborted) return;
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
  progress(done);
  // Interrupted, and the connector returned what landed rather than throwing: the job still ends interrupted.
  if (options.signal?.aborted) throw withResult(options.signal.reason, result);
  return result;
}

/** The interruption's reason carrying the partial write, where core's writeResultOf finds it. */
function withResult(reason: unknown, result: WriteResult): Error {
  const error = reason instanceof Error ? reason : new DOMException(String(reason ?? 'The job was interrupted'), 'AbortError');
  // Not enumerable: a logged error must not dump the rows.
  Object.defineProperty(error, 'result', { value: result, enumerable: false, configurable: true, writable: true });
  return error;
}

/**
 * The write as the report tells it. Rows written without a change (a connector that finds a record
 * already holding the row's values sends nothing for it) are `unchanged`: neither created nor updated.
 */
function destinationOf(result: WriteResult, records: readonly Row[], keyColumn: string): PipelineReport['destination'] {
  const created = result.created ?? 0;
  const updated = result.updated ?? 0;
  return {
    created,
    updated,
    unchanged: Math.max(0, result.written - created - updated),
    failed: result.failed.map((failure) => {
      const key = (records[failure.index] ?? failure.row)?.[keyColumn];
      return {
        index: failure.index,
        reason: failure.reason,
        ...(failure.code === undefined ? {} : { code: String(failure.code) }),
        key: blank(key) ? null : String(key),
      };
    }),
    received: result.received,
    written: result.written,
    ...(result.received < records.length ? { notSent: records.length - result.received } : {}),
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
  };
}
