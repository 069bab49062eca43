import { resolve } from 'node:path';
import type { AutoMLOptions } from '@automl/automl';
import { loadDotEnv } from '@automl/connector-core';
import { Registry } from 'prom-client';
import { defaultDataPath, defaultStateDirectory } from './app-paths.js';
import { displayPath } from './display-path.js';
import { startOfflineSandbox, type NewCustomersSeed, type OfflineSandbox } from './offline-sandbox.js';
import { PipelineInputError } from './pipeline-input-error.js';
import { interruptionSignal } from './pipeline-interrupted.js';
import { runPipeline, type PipelineResults, type PipelineSettings } from './pipeline.js';
import { selectMode, type RequestedMode } from './pipeline-mode.js';
import { formatDuration, StageFailure, StageProgress, type Write } from './progress.js';
import { defaultReportPath, writeRunReport, type RunReport, type StageName } from './run-report.js';

export interface RunDemoOptions {
  /** Reset the offline sandbox's state first. */
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
  onSandboxReady?: (sandbox: OfflineSandbox) => void;
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
  const decision = selectMode(options.mode ?? 'auto', options.spreadsheetId, environment);
  const metricsRegistry = new Registry();
  const results: PipelineResults = { sources: {} };
  const signal = options.signal;
  const progress = new StageProgress(write, decision.mode === 'offline' ? 6 : 5, signal);
  let failure: RunReport['error'];
  let sandbox: OfflineSandbox | undefined;

  write(`Churn pipeline: Excel -> AutoML -> Google Sheets -> HubSpot\n`);
  write(`Mode: ${decision.mode} (${decision.reason})\n`);
  try {
    if (decision.mode === 'online' && decision.missing.length > 0) {
      throw new PipelineInputError(`Online mode needs ${decision.missing.join(', ')}`, 'Set them (see the README), or run without --online to use the offline sandbox.');
    }
    let settings: PipelineSettings;
    if (decision.mode === 'offline') {
      const ready = await progress.run(
        'sandbox',
        'Starting the offline sandbox (Google Sheets and HubSpot emulators)',
        () => startOfflineSandbox({ stateDirectory, fresh: options.fresh ?? false, ...(options.newCustomers ? { newCustomers: options.newCustomers } : {}) }),
        (sandboxReady) =>
          `${sandboxReady.seededNow ? `new sheet seeded with ${sandboxReady.newCustomerRows} customers` : `sheet of ${sandboxReady.newCustomerRows} customers kept from an earlier run`}, ` +
          `${sandboxReady.contactsBefore} contacts already in HubSpot`,
      );
      sandbox = ready;
      options.onSandboxReady?.(ready);
      progress.detail(`Google Sheets emulator ${ready.googleSheets.baseUrl}, HubSpot emulator ${ready.hubspot.baseUrl}`);
      progress.detail(`state kept in ${displayPath(stateDirectory)} between runs (--fresh resets it)`);
      settings = {
        excel: { filePath: dataPath },
        googleSheets: {
          spreadsheetId: options.spreadsheetId ?? ready.googleSheets.spreadsheetId,
          baseUrl: ready.googleSheets.baseUrl,
          credentialsJson: ready.googleSheets.credentialsJson,
          ...(options.sheetName === undefined ? {} : { sheetName: options.sheetName }),
        },
        hubspot: { baseUrl: ready.hubspot.baseUrl, apiKey: ready.hubspot.apiKey },
      };
    } else {
      // Credentials come from the environment, read by the connectors themselves.
      settings = {
        excel: { filePath: dataPath },
        googleSheets: { spreadsheetId: decision.spreadsheetId!, ...(options.sheetName === undefined ? {} : { sheetName: options.sheetName }) },
        hubspot: {},
      };
    }
    await runPipeline(
      { ...settings, ...(options.automl ? { automl: options.automl } : {}), connectorOptions: { metricsRegistry }, ...(signal ? { signal } : {}) },
      progress,
      results,
    );
  } catch (error) {
    failure = signal?.aborted ? describeInterruption(signal.reason, progress.current ?? 'setup') : describeFailure(error);
  } finally {
    await sandbox?.stop();
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
    const landed = report.crm ? ` HubSpot holds ${report.crm.written} contacts from this run; ${report.crm.notSent ?? 0} were not sent.` : '';
    write(`\nInterrupted during stage ${report.interrupted.stage}.${landed} The report records what landed.\n`);
  } else if (failure) {
    write(`\nError in stage ${failure.stage}: ${failure.message}\n`);
    if (failure.hint) write(`Hint: ${failure.hint}\n`);
  } else if (report.crm) {
    const { created, updated, failed, received } = report.crm;
    write(`\nDone in ${formatDuration(totalMs)}: ${received} contacts sent to HubSpot, ${created} created, ${updated} updated, ${failed} failed.\n`);
    if (sandbox) write(`What the pipeline wrote: ${displayPath(sandbox.statePaths.hubspot)} (the sandbox's HubSpot portal)\n`);
  }
  write(`report: ${reportPath}\n`);
  // 130 = 128 + SIGINT, what a shell reports for a run stopped with Ctrl+C.
  return { exitCode: report.interrupted ? 130 : failure ? 1 : 0, reportPath, report };
}

function describeInterruption(reason: unknown, stage: StageName | 'setup'): NonNullable<RunReport['error']> {
  return {
    stage,
    name: 'PipelineInterrupted',
    message: `Interrupted by ${interruptionSignal(reason)} during stage ${stage}`,
    hint: 'Run the demo again: upserts by email are safe to repeat, so contacts already written are updated, not duplicated.',
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
