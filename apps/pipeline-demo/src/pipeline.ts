import { AutoMLOrchestrator, type AutoMLOptions, type Row as AutoMLRow, type SchemaDrift } from '@automl/automl';
import type { ConnectorOptions, Row } from '@automl/connector-core';
import { ExcelConnector } from '@automl/connector-excel';
import { GoogleSheetsConnector } from '@automl/connector-googlesheets';
import { openCrmConnector } from './crm-connector.js';
import type { CrmConnection, CrmTarget, ScoredCustomer } from './crm-target.js';
import { displayPath } from './display-path.js';
import { PipelineInputError } from './pipeline-input-error.js';
import { formatDuration, type StageProgress } from './progress.js';
import type { CrmFailure, LeaderboardRow, RunReport } from './run-report.js';
import { countSegments, segmentFor } from './segment.js';

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

/**
 * The seed's pipeline, stage for stage: read customers.xlsx, train AutoML on it, read the new
 * customers from Google Sheets, score them (churn_risk = P(churn), segment at 0.3 / 0.7), and upsert
 * them into the CRM (HubSpot contacts by email by default). Fills `results` as it goes; a stage
 * that fails throws a StageFailure naming it.
 */
export async function runPipeline(settings: PipelineSettings, progress: StageProgress, results: PipelineResults): Promise<void> {
  const labelColumn = settings.labelColumn ?? 'churned';
  const connectorOptions = settings.connectorOptions ?? {};

  // 1. Read the training table from Excel.
  const excel = new ExcelConnector({ connectionType: 'excel', filePath: settings.excel.filePath }, connectorOptions);
  const training = await progress.run(
    'readExcel',
    `Reading ${displayPath(settings.excel.filePath)}`,
    async () => {
      try {
        return await excel.readExcelWithReport(settings.excel.sheetName === undefined ? {} : { sheetName: settings.excel.sheetName });
      } finally {
        await excel.close();
      }
    },
    (read) => `${read.rows.length.toLocaleString('en-US')} rows, ${read.columns.length} columns (sheet "${read.sheet}")`,
  );
  const labelled = training.rows.filter((row) => !isBlank(row[labelColumn]));
  results.sources.excel = {
    path: settings.excel.filePath,
    sheet: training.sheet,
    rows: training.rows.length,
    columns: training.columns.length,
    unlabeledRowsSkipped: training.rows.length - labelled.length,
  };

  // 2. Train: X = every column but the label, y = the label.
  const orchestrator = await progress.run(
    'train',
    `Training AutoML on ${labelled.length.toLocaleString('en-US')} rows to predict "${labelColumn}"`,
    async () => {
      if (!training.columns.includes(labelColumn)) {
        throw new PipelineInputError(
          `The training sheet has no "${labelColumn}" column (columns: ${training.columns.join(', ')})`,
          `Add the label column "${labelColumn}" (Yes/No) to the training workbook, or pass --data with a workbook that has it.`,
        );
      }
      const features = labelled.map((row) => withoutColumn(row, labelColumn));
      const labels = labelled.map((row) => row[labelColumn] as string | number | boolean);
      return new AutoMLOrchestrator({ seed: 42, ...settings.automl }).fit(features as AutoMLRow[], labels);
    },
    (fitted) => `best model: ${fitted.bestModel}`,
  );
  const leaderboard = orchestrator.leaderboard.map((entry) => ({ ...entry }));
  results.model = {
    best: orchestrator.bestModel,
    classes: [...orchestrator.classes] as Array<string | number | boolean>,
    trainingRows: labelled.length,
    droppedColumns: orchestrator.droppedColumns.map(({ name, reason }) => ({ name, reason })),
    leaderboard,
  };
  printLeaderboard(progress, leaderboard, orchestrator.bestModel);
  if (orchestrator.droppedColumns.length > 0) {
    progress.detail(`columns not used: ${orchestrator.droppedColumns.map(({ name, reason }) => `${name} (${reason})`).join(', ')}`);
  }

  // 3. Read the new customers from Google Sheets.
  const sheets = new GoogleSheetsConnector(
    {
      connectionType: 'googlesheets',
      spreadsheetId: settings.googleSheets.spreadsheetId,
      ...(settings.googleSheets.baseUrl === undefined ? {} : { baseUrl: settings.googleSheets.baseUrl }),
      ...(settings.googleSheets.credentialsJson === undefined ? {} : { credentialsJson: settings.googleSheets.credentialsJson }),
    },
    connectorOptions,
  );
  const newCustomers = await progress.run(
    'readGoogleSheets',
    `Reading new customers from Google Sheets (spreadsheet ${settings.googleSheets.spreadsheetId})`,
    async () => {
      try {
        await sheets.connect();
        return await sheets.readGoogleSheet(settings.googleSheets.sheetName === undefined ? {} : { sheetName: settings.googleSheets.sheetName });
      } finally {
        await sheets.close();
      }
    },
    (rows) => `${rows.length.toLocaleString('en-US')} rows`,
  );
  results.sources.googlesheets = {
    spreadsheetId: settings.googleSheets.spreadsheetId,
    sheet: settings.googleSheets.sheetName ?? null,
    rows: newCustomers.length,
  };

  // 4. Score: churn_risk is the probability of the positive class (column 1 of sorted classes, 'Yes').
  const drift: SchemaDrift[] = [];
  const customers = await progress.run(
    'predict',
    'Scoring churn risk',
    async () => {
      if (newCustomers.length === 0) {
        throw new PipelineInputError(
          'The new-customers sheet has no data rows',
          'Put a header row and at least one customer (with an email) in the first tab of the spreadsheet.',
        );
      }
      const positiveColumn = orchestrator.classes.length - 1;
      // Columns that no longer look like training's are imputed: say so, in the output and the report.
      const probabilities = orchestrator.predictProba(newCustomers as AutoMLRow[], { onSchemaDrift: (found) => drift.push(...found) });
      return newCustomers.map((customer, index): ScoredCustomer => {
        const churnRisk = probabilities[index]![positiveColumn]!;
        return {
          customerId: textOrNull(customer.customer_id),
          email: textOrNull(customer.email),
          firstName: textOrNull(customer.first_name),
          lastName: textOrNull(customer.last_name),
          churnRisk: Math.round(churnRisk * 10_000) / 10_000,
          // Segment from the unrounded probability, as the seed cuts predictions[:, 1] itself.
          segment: segmentFor(churnRisk),
        };
      });
    },
    (scored) => {
      const counts = countSegments(scored.map((customer) => customer.segment));
      return `Low ${counts.Low}, Medium ${counts.Medium}, High ${counts.High}`;
    },
  );
  results.predictions = {
    rows: customers.length,
    segments: countSegments(customers.map((customer) => customer.segment)),
    meanChurnRisk: Math.round((customers.reduce((sum, customer) => sum + customer.churnRisk, 0) / customers.length) * 10_000) / 10_000,
    ...(drift.length > 0 ? { schemaDrift: drift } : {}),
  };
  for (const entry of drift) {
    progress.detail(
      entry.kind === 'absent'
        ? `warning: column "${entry.column}" (${entry.expected} in training) is missing; it was imputed`
        : `warning: column "${entry.column}" was ${entry.expected} in training; ${entry.rows} of ${entry.total} values do not read as ${entry.expected} and were imputed`,
    );
  }

  // 5. Upsert into the CRM by its key; failed rows are reported, not fatal.
  const target = settings.crm.target;
  const records = customers.map((customer) => target.record(customer));
  const noun = target.recordNoun;
  const crm = openCrmConnector(settings.crm.connection, connectorOptions);
  const written = await progress.run(
    target.stage,
    `Upserting ${records.length.toLocaleString('en-US')} ${noun} into ${target.name} ${target.matchedBy}`,
    async () => {
      try {
        await crm.connect();
        // Rows are handed over one at a time and stop when the run is interrupted: the write then
        // finishes the batches already sent and returns exactly what landed.
        return await crm.writeCrmData(untilInterrupted(records, settings.signal), {
          destination: target.destination,
          updateExisting: true,
          idProperty: target.idProperty,
          createMissingProperties: true,
        });
      } finally {
        await crm.close();
      }
    },
    (result) =>
      `created ${result.created ?? 0}, updated ${result.updated ?? 0}, ` +
      (unchangedOf(result) > 0 ? `unchanged ${unchangedOf(result)}, ` : '') +
      `failed ${result.failed.length}` +
      (result.received < records.length ? `, not sent ${records.length - result.received} (interrupted)` : ''),
    { cooperative: true },
  );
  const failures: CrmFailure[] = written.failed.map((failure) => {
    const customer = customers[failure.index];
    return {
      index: failure.index,
      email: customer?.email ?? null,
      ...(target.idProperty === 'email' ? {} : { key: customer ? target.keyOf(customer) : null }),
      reason: failure.reason,
      ...(failure.code === undefined ? {} : { code: String(failure.code) }),
    };
  });
  results.crm = {
    system: target.id,
    destination: target.destination,
    idProperty: target.idProperty,
    received: written.received,
    written: written.written,
    created: written.created ?? 0,
    updated: written.updated ?? 0,
    unchanged: unchangedOf(written),
    failed: failures.length,
    failures,
    ...(written.received < records.length ? { notSent: records.length - written.received } : {}),
  };
  for (const failure of failures.slice(0, failuresShown)) {
    const key = target.idProperty === 'email' ? failure.email : failure.key;
    progress.detail(`failed row ${failure.index} (${key ?? `no ${target.idProperty}`}): ${failure.reason}`);
  }
  if (failures.length > failuresShown) progress.detail(`... and ${failures.length - failuresShown} more failed rows (see the report)`);
  settings.signal?.throwIfAborted();
}

/**
 * Rows written without a change: a CRM connector that finds a record already holding the row's
 * values sends nothing for it (Pipedrive's does), so it is neither created nor updated.
 */
function unchangedOf(result: { written: number; created?: number; updated?: number }): number {
  return Math.max(0, result.written - (result.created ?? 0) - (result.updated ?? 0));
}

/** The rows, one at a time, until the signal aborts. */
async function* untilInterrupted(rows: readonly Row[], signal: AbortSignal | undefined): AsyncGenerator<Row> {
  for (const row of rows) {
    if (signal?.aborted) return;
    yield row;
  }
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

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function withoutColumn(row: Row, column: string): Row {
  const copy = { ...row };
  delete copy[column];
  return copy;
}

function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}
