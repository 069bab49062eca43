import { randomUUID } from 'node:crypto';
import type { FaultInjector } from '../harness/faults.js';
import type { PageCache } from './bigquery-page-cache.js';
import type { EmulatorRequest, EmulatorResponse } from '../harness/types.js';
import { bigQueryError, decodeFaultMessage, type ErrorProto } from './bigquery-errors.js';
import type { TableFieldSchema } from './bigquery-schema.js';
import type { TimestampFormat } from './bigquery-values.js';
import { type BigQueryWarehouse, type QueryOutcome, type TableRef, WarehouseError } from './bigquery-warehouse.js';

/** One job as the emulator keeps it: its REST resource and, for a query, what it produced. */
export interface JobState {
  projectId: string;
  jobId: string;
  location: string;
  resource: Record<string, unknown>;
  outcome?: QueryOutcome;
  /** Status checks still to answer RUNNING / jobComplete: false before the job reports DONE. */
  pendingChecks: number;
  error?: ErrorProto;
}

/** What the route modules share. */
export interface BigQueryContext {
  warehouse: BigQueryWarehouse;
  jobs: Map<string, JobState>;
  /** Faults applied after a write was committed: the job exists, the client hears an error. */
  lateFaults: FaultInjector;
  /** Status checks every new job answers RUNNING before DONE (jobComplete: false on queries). */
  runningChecks(): number;
  location: string;
  /** The service account of a request (set by authentication). */
  callerOf(request: EmulatorRequest): string;
  /** Projects' bytes billed so far, by project (the data-volume counterpart of the billing report). */
  billedBytes: Map<string, number>;
  /** jobs.query requestIds seen, for its idempotency (15 minutes in BigQuery). */
  requestIds: Map<string, { jobKey: string; at: number }>;
  /** Encoded tabledata.list pages of unchanged tables. */
  pages: PageCache<string>;
  /** Resumable uploads in progress. */
  uploads: Map<string, { projectId: string; metadata: object; chunks: Buffer[]; received: number }>;
}

export const jobKey = (projectId: string, jobId: string) => `${projectId}:${jobId}`;

/** A job id as the service makes one when the client did not choose it. */
export function newJobId(): string {
  return `job_${randomUUID().replaceAll('-', '').slice(0, 28)}`;
}

/** The late fault (if any) for a route: the write already happened, the answer is an error. */
export function lateFault(context: BigQueryContext, route: string): EmulatorResponse | undefined {
  for (const fault of context.lateFaults.take(route)) {
    if (fault.kind === 'status') {
      const decoded = decodeFaultMessage(fault.status, fault.message ?? '');
      const response = bigQueryError(decoded.reason, decoded.message, {}, fault.status);
      if (fault.retryAfterSeconds !== undefined) response.headers = { 'retry-after': String(fault.retryAfterSeconds) };
      return response;
    }
  }
  return undefined;
}

/** A WarehouseError (or any error) as BigQuery's error response. */
export function errorResponse(error: unknown): EmulatorResponse {
  if (error instanceof WarehouseError) return bigQueryError(error.reason, error.message);
  return bigQueryError('internalError', error instanceof Error ? error.message : String(error));
}

/** An ErrorProto for a job's status. */
export function errorProto(error: unknown): ErrorProto {
  if (error instanceof WarehouseError) return { reason: error.reason, message: error.message };
  return { reason: 'internalError', message: error instanceof Error ? error.message : String(error) };
}

/** How a request asks for TIMESTAMP cells (query parameter or jobs.query body `formatOptions`). */
export function timestampFormat(options: { useInt64Timestamp?: unknown; timestampOutputFormat?: unknown } | undefined): TimestampFormat {
  if (options?.timestampOutputFormat === 'ISO8601_STRING') return 'iso';
  if (options?.useInt64Timestamp === true || options?.useInt64Timestamp === 'true' || options?.timestampOutputFormat === 'INT64') return 'int64';
  return 'float';
}

/** Opaque page tokens: the offset of the next row. */
export function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodePageToken(token: string | null): number | undefined {
  if (!token) return undefined;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

export function tableRefFrom(params: Record<string, string>): TableRef {
  return { projectId: params.projectId!, datasetId: params.datasetId!, tableId: params.tableId! };
}

export function tableResourceRef(ref: TableRef): Record<string, string> {
  return { projectId: ref.projectId, datasetId: ref.datasetId, tableId: ref.tableId };
}

export type { TableFieldSchema };

/** The emulator's own origin as the client reached it (for selfLink and resumable session URLs). */
export function originOf(request: EmulatorRequest): string {
  return `http://${request.headers.host ?? '127.0.0.1'}`;
}
