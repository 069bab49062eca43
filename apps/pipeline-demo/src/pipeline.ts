import type { AutoMLOptions } from '@automl/automl';
import type { Connector, ConnectorOptions } from '@automl/connector-core';
import { ExcelConnector } from '@automl/connector-excel';
import { GoogleSheetsConnector } from '@automl/connector-googlesheets';
import { type PipelineConnections, type PipelineReport, type PipelineSpec, type PipelineStage, runPipelineJob, type ScoredRow } from '@automl/pipeline';
import { openCrmConnector } from './crm-connector.js';
import type { CrmConnection, CrmTarget, ScoredCustomer } from './crm-target.js';
import { displayPath } from './display-path.js';
import { PipelineInputError } from './pipeline-input-error.js';
import { formatDuration, StageFailure, type StageProgress } from './progress.js';
import type { CrmFailure, LeaderboardRow, RunReport, StageName } from './run-report.js';
import type { Segment } from './segment.js';

/**
 * Where each stage reads and writes. The same settings shape serves the real services and the
 * offline sandbox: the sandbox only fills in `baseUrl` and the credentials, as any proxy would.
 */
export interface PipelineSettings {
  excel: { filePath: string; sheetName?: string };
  /** Credentials from `credentialsJson`, else GOOGLE_SHEETS_CREDENTIALS / GOOGLE_APPLICATION_CREDENTIALS. */
  googleSheets: { spreadsheetId: string; sheetName?: string; baseUrl?: string; credentialsJson?: string };
  /**
   * The CRM and its CRMConnector config: the sandbox's address and credentials offline, just
   * `{ crmType }` online (the connector reads HUBSPOT_API_KEY, PIPEDRIVE_API_KEY or
   * SALESFORCE_API_KEY + SALESFORCE_INSTANCE_URL itself).
   */
  crm: { target: CrmTarget; connection: CrmConnection };
  /** The column to learn; the seed's `churned`. */
  labelColumn?: string;
  automl?: AutoMLOptions;
  /** Passed to every connector: the metrics registry, a logger. */
  connectorOptions?: ConnectorOptions;
  /** Interrupts the run (SIGINT): the CRM write stops sending and returns what landed. */
  signal?: AbortSignal;
}

/** The parts of the run report the pipeline fills in, stage by stage (kept when a later stage fails). */
export type PipelineResults = Pick<RunReport, 'sources' | 'model' | 'predictions' | 'crm'>;

const leaderboardRowsShown = 10;
const failuresShown = 5;

/** The demo's three connections, by the names its spec gives them. */
const training = 'training';
const scoring = 'scoring';
const crm = 'crm';

/**
 * The seed's pipeline, stage for stage, as @automl/pipeline's job over three connections: read
 * customers.xlsx, train AutoML on it, read the new customers from Google Sheets, score them
 * (churn_risk = P(churn), segment at 0.3 / 0.7), and upsert them into the CRM (HubSpot contacts by
 * email by default) with the fields the CRM's target maps them to. This file only opens the
 * connectors, prints the stages and turns the job's report into the demo's. Fills `results` with
 * what the stages that ran produced; a stage that fails throws a StageFailure naming it.
 */
export async function runPipeline(settings: PipelineSettings, progress: StageProgress, results: PipelineResults): Promise<void> {
  const labelColumn = settings.labelColumn ?? 'churned';
  const target = settings.crm.target;
  const stageNames: Record<PipelineStage, StageName> = {
    'read-training': 'readExcel',
    train: 'train',
    'read-scoring': 'readGoogleSheets',
    score: 'predict',
    write: target.stage,
  };
  /** The tab the workbook is read from (its first visible one unless named), for the output and the report. */
  let sheet = settings.excel.sheetName;
  const customers: ScoredCustomer[] = [];

  const connections: PipelineConnections = {
    open: async (name: string, options: ConnectorOptions = {}): Promise<Connector> => {
      if (name === training) {
        const excel = new ExcelConnector({ connectionType: 'excel', filePath: settings.excel.filePath }, options);
        try {
          const sheets = await excel.listSheets();
          sheet ??= (sheets.find((candidate) => candidate.visibility === 'visible') ?? sheets[0])?.name;
        } catch (error) {
          await excel.close();
          throw error;
        }
        return excel;
      }
      if (name === scoring) {
        return new GoogleSheetsConnector(
          {
            connectionType: 'googlesheets',
            spreadsheetId: settings.googleSheets.spreadsheetId,
            ...(settings.googleSheets.baseUrl === undefined ? {} : { baseUrl: settings.googleSheets.baseUrl }),
            ...(settings.googleSheets.credentialsJson === undefined ? {} : { credentialsJson: settings.googleSheets.credentialsJson }),
          },
          options,
        );
      }
      const connector = await openCrmConnector(settings.crm.connection, options).connector();
      await connector.connect();
      return connector;
    },
  };
  const spec: PipelineSpec = {
    training: { connection: training, labelColumn, ...(settings.excel.sheetName === undefined ? {} : { table: settings.excel.sheetName }) },
    scoring: { connection: scoring, ...(settings.googleSheets.sheetName === undefined ? {} : { table: settings.googleSheets.sheetName }) },
    destination: { connection: crm, table: target.destination, keyColumn: target.idProperty, mode: 'upsert' },
    automl: { seed: 42, ...settings.automl },
  };

  const labels = (stage: PipelineStage, report: PipelineReport): string => {
    switch (stage) {
      case 'read-training':
        return `Reading ${displayPath(settings.excel.filePath)}`;
      case 'train':
        return `Training AutoML on ${(report.sources?.training?.labelled ?? 0).toLocaleString('en-US')} rows to predict "${labelColumn}"`;
      case 'read-scoring':
        return `Reading new customers from Google Sheets (spreadsheet ${settings.googleSheets.spreadsheetId})`;
      case 'score':
        return 'Scoring churn risk';
      case 'write':
        return `Upserting ${report.predictions.rows.toLocaleString('en-US')} ${target.recordNoun} into ${target.name} ${target.matchedBy}`;
    }
  };
  const summaries = (stage: PipelineStage, report: PipelineReport): string => {
    switch (stage) {
      case 'read-training': {
        const read = report.sources?.training;
        return `${(read?.rows ?? 0).toLocaleString('en-US')} rows, ${read?.columns.length ?? 0} columns (sheet "${sheet ?? ''}")`;
      }
      case 'train':
        return `best model: ${report.model?.best ?? 'none'}`;
      case 'read-scoring':
        return `${(report.sources?.scoring?.rows ?? 0).toLocaleString('en-US')} rows`;
      case 'score': {
        const counts = report.predictions.segments;
        return `Low ${counts.Low ?? 0}, Medium ${counts.Medium ?? 0}, High ${counts.High ?? 0}`;
      }
      case 'write':
        return writeSummary(report.destination, report.predictions.rows);
    }
  };

  const report = await runPipelineJob(spec, {
    project: connections,
    connectorOptions: settings.connectorOptions ?? {},
    ...(settings.signal ? { signal: settings.signal } : {}),
    // What each CRM is sent: the key, the names and the two predictions, never the features.
    record: (scored) => {
      const customer = scoredCustomer(scored);
      customers[scored.index] = customer;
      return target.record(customer);
    },
    onEvent: (event, current) => {
      if (event.type !== 'stage') return;
      const stage = stageNames[event.stage];
      if (event.status === 'started') {
        progress.start(stage, labels(event.stage, current));
        // The demo's own checks, with hints that name its files and options: throwing fails the stage.
        return checkBefore(event.stage, current, labelColumn);
      }
      if (event.status === 'failed') {
        // An interrupted write ends with what landed: its counts, as when it completes.
        const landed = event.stage === 'write' && current.destination.received !== undefined;
        return progress.fail(stage, event.durationMs ?? 0, landed ? summaries('write', current) : undefined);
      }
      progress.finish(stage, summaries(event.stage, current), event.durationMs ?? 0);
      if (event.stage === 'train' && current.model) {
        printLeaderboard(progress, current.model.leaderboard, current.model.best);
        const dropped = current.model.droppedColumns;
        if (dropped.length > 0) progress.detail(`columns not used: ${dropped.map(({ name, reason }) => `${name} (${reason})`).join(', ')}`);
      }
      if (event.stage === 'score') {
        for (const entry of current.predictions.schemaDrift ?? []) {
          progress.detail(
            entry.kind === 'absent'
              ? `warning: column "${entry.column}" (${entry.expected} in training) is missing; it was imputed`
              : `warning: column "${entry.column}" was ${entry.expected} in training; ${entry.rows} of ${entry.total} values do not read as ${entry.expected} and were imputed`,
          );
        }
      }
    },
  });

  fillResults(results, report, { settings, sheet, customers, scored: report.durationsMs?.score !== undefined && report.error?.stage !== 'score' });
  for (const failure of results.crm?.failures.slice(0, failuresShown) ?? []) {
    const key = target.idProperty === 'email' ? failure.email : failure.key;
    progress.detail(`failed row ${failure.index} (${key ?? `no ${target.idProperty}`}): ${failure.reason}`);
  }
  const failures = results.crm?.failures.length ?? 0;
  if (failures > failuresShown) progress.detail(`... and ${failures - failuresShown} more failed rows (see the report)`);
  if (report.error) {
    const { stage, hint, ...error } = report.error;
    throw new StageFailure(stageNames[stage ?? 'read-training'], Object.assign(new Error(error.message), { name: error.name }, hint ? { hint } : {}));
  }
  settings.signal?.throwIfAborted();
}

/** What the demo's inputs must hold before training and scoring, said in the demo's terms. */
function checkBefore(stage: PipelineStage, report: PipelineReport, labelColumn: string): void {
  const columns = report.sources?.training?.columns ?? [];
  if (stage === 'train' && !columns.includes(labelColumn)) {
    throw new PipelineInputError(
      `The training sheet has no "${labelColumn}" column (columns: ${columns.join(', ')})`,
      `Add the label column "${labelColumn}" (Yes/No) to the training workbook, or pass --data with a workbook that has it.`,
    );
  }
  if (stage === 'score' && (report.sources?.scoring?.rows ?? 0) === 0) {
    throw new PipelineInputError(
      'The new-customers sheet has no data rows',
      'Put a header row and at least one customer (with an email) in the first tab of the spreadsheet.',
    );
  }
}

/** The demo's report sections from the job's: the sources by system, the model, the predictions, the CRM's counts. */
function fillResults(
  results: PipelineResults,
  report: PipelineReport,
  context: { settings: PipelineSettings; sheet: string | undefined; customers: readonly ScoredCustomer[]; scored: boolean },
): void {
  const { settings, customers } = context;
  const target = settings.crm.target;
  const read = report.sources?.training;
  if (read) {
    results.sources.excel = {
      path: settings.excel.filePath,
      sheet: context.sheet ?? '',
      rows: read.rows,
      columns: read.columns.length,
      unlabeledRowsSkipped: read.unlabeledRowsSkipped,
    };
  }
  if (report.sources?.scoring) {
    results.sources.googlesheets = {
      spreadsheetId: settings.googleSheets.spreadsheetId,
      sheet: settings.googleSheets.sheetName ?? null,
      rows: report.sources.scoring.rows,
    };
  }
  if (report.model) {
    results.model = { ...report.model, leaderboard: report.model.leaderboard.map((entry) => ({ ...entry })) };
  }
  if (context.scored) {
    results.predictions = {
      rows: report.predictions.rows,
      segments: report.predictions.segments as Record<Segment, number>,
      meanChurnRisk: report.predictions.meanChurnRisk ?? 0,
      ...(report.predictions.schemaDrift ? { schemaDrift: report.predictions.schemaDrift } : {}),
    };
  }
  const written = report.destination;
  if (written.received === undefined) return;
  const failures: CrmFailure[] = written.failed.map((failure) => {
    const customer = customers[failure.index];
    return {
      index: failure.index,
      email: customer?.email ?? null,
      ...(target.idProperty === 'email' ? {} : { key: customer ? target.keyOf(customer) : null }),
      reason: failure.reason,
      ...(failure.code === undefined ? {} : { code: failure.code }),
    };
  });
  results.crm = {
    system: target.id,
    destination: target.destination,
    idProperty: target.idProperty,
    received: written.received,
    written: written.written ?? 0,
    created: written.created,
    updated: written.updated,
    unchanged: written.unchanged ?? 0,
    failed: failures.length,
    failures,
    ...(written.notSent === undefined ? {} : { notSent: written.notSent }),
  };
}

function writeSummary(written: PipelineReport['destination'], total: number): string {
  const unchanged = written.unchanged ?? 0;
  const received = written.received ?? 0;
  return (
    `created ${written.created}, updated ${written.updated}, ` +
    (unchanged > 0 ? `unchanged ${unchanged}, ` : '') +
    `failed ${written.failed.length}` +
    (received < total ? `, not sent ${total - received} (interrupted)` : '')
  );
}

/** One scored row as the CRM targets see it: the seed's columns, by their CRM-neutral names. */
function scoredCustomer({ row, churnRisk, segment }: ScoredRow): ScoredCustomer {
  return {
    customerId: textOrNull(row.customer_id),
    email: textOrNull(row.email),
    firstName: textOrNull(row.first_name),
    lastName: textOrNull(row.last_name),
    churnRisk,
    segment,
  };
}

function printLeaderboard(progress: StageProgress, leaderboard: readonly LeaderboardRow[], best: string): void {
  const width = Math.max(5, ...leaderboard.map((entry) => entry.model.length));
  progress.detail(`  ${'model'.padEnd(width)}  ROC AUC  accuracy  log loss  fit/fold`);
  for (const entry of leaderboard.slice(0, leaderboardRowsShown)) {
    const marker = entry.model === best ? '* ' : '  ';
    progress.detail(
      `${marker}${entry.model.padEnd(width)}  ${entry.rocAuc.toFixed(4).padStart(7)}  ${entry.accuracy.toFixed(4).padStart(8)}  ${entry.logLoss.toFixed(4).padStart(8)}  ${formatDuration(entry.fitTimeMs).padStart(8)}`,
    );
  }
}

function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}
