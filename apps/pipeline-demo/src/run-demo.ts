import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AutoMLOptions } from '@automl/automl';
import { loadDotEnv } from '@automl/connector-core';
import { Registry } from 'prom-client';
import { defaultDataPath, defaultStateDirectory } from './app-paths.js';
import type { CrmId, CrmSandbox, CrmTarget } from './crm-target.js';
import { crmTarget } from './crm-targets.js';
import { displayPath } from './display-path.js';
import { sandboxStatePaths, startOfflineSandbox, type NewCustomersSeed, type OfflineSandbox } from './offline-sandbox.js';
import { PipelineInputError } from './pipeline-input-error.js';
import { interruptionSignal } from './pipeline-interrupted.js';
import { runPipeline, type PipelineResults, type PipelineSettings } from './pipeline.js';
import { selectMode, type RequestedMode } from './pipeline-mode.js';
import { formatDuration, StageFailure, StageProgress, type Write } from './progress.js';
import { defaultReportPath, writeRunReport, type RunReport, type StageName } from './run-report.js';

export interface RunDemoOptions {
  /** The CRM the predictions go to (`--crm`): hubspot (default), pipedrive or salesforce. */
  crm?: CrmId;
  /** Reset the offline sandbox's state first (the sheet and the chosen CRM's). */
  fresh?: boolean;
  mode?: RequestedMode;
  /** Training workbook; default the shipped data/customers.xlsx. */
  dataPath?: string;
  /** Tab of the new-customers spreadsheet; default its first tab. */
  sheetName?: string;
  spreadsheetId?: string;
  /** Default: <stateDirectory>/reports/run-<time>.json */
  reportPath?: string;
  /** Default: apps/pipeline-demo/.sandbox-state */
  stateDirectory?: string;
  /** Offline only: how the sandbox's sheet is seeded the first time. */
  newCustomers?: NewCustomersSeed;
  /** AutoML settings (seed 42 and 5 folds by default). */
  automl?: AutoMLOptions;
  environment?: NodeJS.ProcessEnv;
  /**
   * Interrupts the run (the CLI aborts it on SIGINT/SIGTERM, with a PipelineInterrupted reason): the
   * current stage stops, the report is still written, marked interrupted, with what landed.
   */
  signal?: AbortSignal;
  /** Offline only: called once the sandbox runs (tests and scripts inject faults or watch requests there). */
  onSandboxReady?: (sandbox: OfflineSandbox, crm: CrmSandbox) => void;
}

export interface RunDemoResult {
  exitCode: number;
  reportPath: string;
  report: RunReport;
}

/**
 * The whole demo: choose the mode, start the offline sandbox if needed, run the pipeline, print
 * what happened and write the run report. Never throws for a failing stage: the error's message
 * and hint are printed, recorded in the report, and the exit code is 1.
 */
export async function runDemo(options: RunDemoOptions, write: Write): Promise<RunDemoResult> {
  const started = new Date();
  const startedAt = performance.now();
  const environment = options.environment ?? process.env;
  if (environment === process.env) loadDotEnv();
  const stateDirectory = resolve(options.stateDirectory ?? defaultStateDirectory);
  const dataPath = resolve(options.dataPath ?? defaultDataPath);
  const target = crmTarget(options.crm);
  const decision = selectMode(options.mode ?? 'auto', options.spreadsheetId, environment, target.id);
  const metricsRegistry = new Registry();
  const results: PipelineResults = { sources: {} };
  const signal = options.signal;
  const progress = new StageProgress(write, decision.mode === 'offline' ? 6 : 5, signal);
  let failure: RunReport['error'];
  let sandbox: OfflineSandbox | undefined;
  let crmSandbox: CrmSandbox | undefined;

  write(`Churn pipeline: Excel -> AutoML -> Google Sheets -> ${target.name}\n`);
  write(`Mode: ${decision.mode} (${decision.reason})\n`);
  try {
    if (decision.mode === 'online' && decision.missing.length > 0) {
      throw new PipelineInputError(
        `Online mode needs ${decision.missing.join(', ')}`,
        'Set them (see the README), or run without --online to use the offline sandbox.',
      );
    }
    let settings: PipelineSettings;
    if (decision.mode === 'offline') {
      const ready = await progress.run(
        'sandbox',
        `Starting the offline sandbox (Google Sheets and ${target.name} emulators)`,
        () => startSandboxes(target, stateDirectory, options),
        ({ shared, crm }) =>
          `${shared.seededNow ? `new sheet seeded with ${shared.newCustomerRows} customers` : `sheet of ${shared.newCustomerRows} customers kept from an earlier run`}, ` +
          `${crm.recordsBefore} ${target.recordNoun} already in ${target.name}`,
      );
      sandbox = ready.shared;
      crmSandbox = ready.crm;
      options.onSandboxReady?.(ready.shared, ready.crm);
      progress.detail(`Google Sheets emulator ${ready.shared.googleSheets.baseUrl}, ${target.name} emulator ${ready.crm.baseUrl}`);
      progress.detail(`state kept in ${displayPath(stateDirectory)} between runs (--fresh resets it)`);
      settings = {
        excel: { filePath: dataPath },
        googleSheets: {
          spreadsheetId: options.spreadsheetId ?? ready.shared.googleSheets.spreadsheetId,
          baseUrl: ready.shared.googleSheets.baseUrl,
          credentialsJson: ready.shared.googleSheets.credentialsJson,
          ...(options.sheetName === undefined ? {} : { sheetName: options.sheetName }),
        },
        crm: { target, connection: ready.crm.connection },
      };
    } else {
      // Credentials come from the environment, read by the connectors themselves.
      settings = {
        excel: { filePath: dataPath },
        googleSheets: { spreadsheetId: decision.spreadsheetId!, ...(options.sheetName === undefined ? {} : { sheetName: options.sheetName }) },
        crm: { target, connection: { crmType: target.id, ...target.connectorSettings } },
      };
    }
    await runPipeline(
      { ...settings, ...(options.automl ? { automl: options.automl } : {}), connectorOptions: { metricsRegistry }, ...(signal ? { signal } : {}) },
      progress,
      results,
    );
  } catch (error) {
    failure = signal?.aborted ? describeInterruption(signal.reason, progress.current ?? 'setup', target) : describeFailure(error);
  } finally {
    try {
      await crmSandbox?.stop();
    } finally {
      await sandbox?.stop();
    }
  }

  const totalMs = Math.round(performance.now() - startedAt);
  const report: RunReport = {
    format: 'automl-pipeline-demo-report',
    version: 1,
    ok: failure === undefined,
    mode: decision.mode,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    ...results,
    requests: await requestsPerConnector(metricsRegistry),
    durationsMs: { ...progress.durationsMs, total: totalMs },
    ...(failure ? { error: failure } : {}),
    ...(signal?.aborted ? { interrupted: { signal: interruptionSignal(signal.reason), stage: failure?.stage ?? 'setup' } } : {}),
  };
  const reportPath = writeRunReport(report, options.reportPath ?? defaultReportPath(stateDirectory, started));

  if (report.interrupted) {
    const landed = report.crm
      ? ` ${target.name} holds ${report.crm.written} ${target.recordNoun} from this run; ${report.crm.notSent ?? 0} were not sent.`
      : '';
    write(`\nInterrupted during stage ${report.interrupted.stage}.${landed} The report records what landed.\n`);
  } else if (failure) {
    write(`\nError in stage ${failure.stage}: ${failure.message}\n`);
    if (failure.hint) write(`Hint: ${failure.hint}\n`);
  } else if (report.crm) {
    const { created, updated, unchanged, failed, received } = report.crm;
    write(
      `\nDone in ${formatDuration(totalMs)}: ${received} ${target.recordNoun} sent to ${target.name}, ${created} created, ${updated} updated, ` +
        `${unchanged > 0 ? `${unchanged} unchanged, ` : ''}${failed} failed.\n`,
    );
    if (crmSandbox) write(`What the pipeline wrote: ${displayPath(crmSandbox.statePath)} (${target.sandboxHolds})\n`);
  }
  write(`report: ${reportPath}\n`);
  // 130 = 128 + SIGINT, what a shell reports for a run stopped with Ctrl+C.
  return { exitCode: report.interrupted ? 130 : failure ? 1 : 0, reportPath, report };
}

/**
 * The shared sandbox (Google Sheets, and HubSpot's emulator, which @automl/pipeline always starts)
 * and the chosen CRM's emulator. `--fresh` resets the sheet and the chosen CRM only: a Pipedrive
 * run does not empty the HubSpot portal.
 */
async function startSandboxes(target: CrmTarget, stateDirectory: string, options: RunDemoOptions): Promise<{ shared: OfflineSandbox; crm: CrmSandbox }> {
  const fresh = options.fresh ?? false;
  if (fresh && target.id !== 'hubspot') rmSync(sandboxStatePaths(stateDirectory).googleSheets, { force: true });
  const shared = await startOfflineSandbox({
    stateDirectory,
    fresh: fresh && target.id === 'hubspot',
    ...(options.newCustomers ? { newCustomers: options.newCustomers } : {}),
  });
  try {
    return { shared, crm: await target.startSandbox({ stateDirectory, fresh, shared }) };
  } catch (error) {
    await shared.stop();
    throw error;
  }
}

function describeInterruption(reason: unknown, stage: StageName | 'setup', target: CrmTarget): NonNullable<RunReport['error']> {
  return {
    stage,
    name: 'PipelineInterrupted',
    message: `Interrupted by ${interruptionSignal(reason)} during stage ${stage}`,
    hint: `Run the demo again: upserts ${target.matchedBy} are safe to repeat, so ${target.recordNoun} already written are updated, not duplicated.`,
  };
}

function describeFailure(error: unknown): NonNullable<RunReport['error']> {
  const stage = error instanceof StageFailure ? error.stage : 'setup';
  const cause = (error instanceof StageFailure ? error.cause : error) as { name?: string; message?: string; hint?: unknown } | undefined;
  return {
    stage,
    name: cause?.name ?? 'Error',
    message: cause?.message ?? String(cause),
    ...(typeof cause?.hint === 'string' ? { hint: cause.hint } : {}),
  };
}

/** Requests per connector from core's `ml_connectors_requests_total`, every outcome counted. */
async function requestsPerConnector(registry: Registry): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    if (metric.name !== 'ml_connectors_requests_total') continue;
    for (const { labels, value } of metric.values) {
      const connector = String(labels.connector ?? 'unknown');
      counts[connector] = (counts[connector] ?? 0) + value;
    }
  }
  return counts;
}
