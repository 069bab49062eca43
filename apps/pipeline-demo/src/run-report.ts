import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CrmId } from './crm-target.js';
import type { Segment } from './segment.js';

export type PipelineMode = 'offline' | 'online';

/** The stages of the pipeline, in order, as named in `durationsMs`. */
export type StageName = 'sandbox' | 'readExcel' | 'train' | 'readGoogleSheets' | 'predict' | 'writeHubSpot' | 'writePipedrive' | 'writeSalesforce';

/** One candidate model's cross-validated scores, best ROC AUC first. */
export interface LeaderboardRow {
  model: string;
  rocAuc: number;
  accuracy: number;
  logLoss: number;
  fitTimeMs: number;
}

export interface CrmFailure {
  /** Position of the row among the new customers (0-based). */
  index: number;
  email: string | null;
  /** The row's key when the CRM matches on another field than email (Salesforce: External_Id__c). */
  key?: string | null;
  reason: string;
  code?: string;
}

/** The machine-readable record of one run, written as JSON (`report: <path>` ends the output). */
export interface RunReport {
  format: 'automl-pipeline-demo-report';
  version: 1;
  ok: boolean;
  mode: PipelineMode;
  startedAt: string;
  finishedAt: string;
  sources: {
    excel?: { path: string; sheet: string; rows: number; columns: number; unlabeledRowsSkipped: number };
    googlesheets?: { spreadsheetId: string; sheet: string | null; rows: number };
  };
  model?: {
    best: string;
    classes: Array<string | number | boolean>;
    trainingRows: number;
    droppedColumns: Array<{ name: string; reason: string }>;
    leaderboard: LeaderboardRow[];
  };
  predictions?: {
    rows: number;
    segments: Record<Segment, number>;
    meanChurnRisk: number;
    /** Columns of the new customers that no longer look like training's (imputed): absent when none. */
    schemaDrift?: Array<{ column: string; expected: string; kind: 'unparseable' | 'absent'; rows: number; total: number }>;
  };
  crm?: {
    system: CrmId;
    /** `contacts` (HubSpot, Salesforce), `persons` (Pipedrive). */
    destination: string;
    /** `email` (HubSpot, Pipedrive), `External_Id__c` (Salesforce). */
    idProperty: string;
    received: number;
    written: number;
    created: number;
    updated: number;
    /** Written rows whose record already held the values, so nothing was sent (Pipedrive's connector skips them). */
    unchanged: number;
    /** How many rows failed; `failures` holds each one's reason. */
    failed: number;
    failures: CrmFailure[];
    /** Contacts never sent because the run was interrupted (absent when all were sent). */
    notSent?: number;
  };
  /** Requests each connector sent (prom-client's ml_connectors_requests_total, all outcomes). */
  requests: Record<string, number>;
  /** Wall time of each stage that ran, plus `total`. */
  durationsMs: Partial<Record<StageName, number>> & { total: number };
  /** Set when a stage failed: which one and the typed error's message and hint. */
  error?: { stage: StageName | 'setup'; name: string; message: string; hint?: string };
  /**
   * Set when the run was interrupted (Ctrl+C / SIGINT, SIGTERM): in which stage. Everything above
   * is what landed before it: the sources read, the model trained, and in `crm` the records
   * the CRM holds from this run (`written`) and those never sent (`notSent`).
   */
  interrupted?: { signal: string; stage: StageName | 'setup' };
}

/** `reports/run-2025-01-31T10-15-02-123Z.json` under the state directory. */
export function defaultReportPath(stateDirectory: string, startedAt: Date): string {
  return join(stateDirectory, 'reports', `run-${startedAt.toISOString().replaceAll(':', '-').replace('.', '-')}.json`);
}

/** Writes the report atomically (temp file + rename) and returns its absolute path. */
export function writeRunReport(report: RunReport, path: string): string {
  const absolute = resolve(path);
  mkdirSync(dirname(absolute), { recursive: true });
  const temporary = `${absolute}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temporary, absolute);
  return absolute;
}
