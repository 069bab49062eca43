import { setTimeout as delay } from 'node:timers/promises';
import { DataError, TransientError } from '@automl/connector-core';
import type { SalesforceRemote } from './salesforce-remote.js';

export interface BulkJobInfo {
  id: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  errorMessage?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
}

/** The job is still running when the connector stops waiting: its id lets a later write wait for it. */
export class BulkJobPendingError extends TransientError {
  constructor(
    readonly jobId: string,
    operation: string,
    waitedMs: number,
  ) {
    super({
      message: `Bulk API job ${jobId} is still running after ${Math.round(waitedMs / 1000)} s`,
      connector: 'salesforce',
      operation,
      code: 'BULK_JOB_PENDING',
      retryable: false,
      hint: 'Large jobs can take minutes: raise bulkPollTimeoutSeconds, or write the same rows again with this connector: it waits for this job instead of submitting another.',
    });
  }
}

/** Poll intervals: quick at first, then every 10 s (each poll is an API request of the daily allocation). */
const intervalsMs = [0, 250, 500, 1000, 2000, 5000];
const longestIntervalMs = 10_000;

/**
 * Polls a Bulk API 2.0 job until it completes, fails or `timeoutMs` passes. These pauses pace a
 * job's status requests; they are not retries (each poll goes through core's policy like any call).
 */
export async function waitForJob(remote: SalesforceRemote, path: string, timeoutMs: number, operation: string, signal?: AbortSignal): Promise<BulkJobInfo> {
  const started = Date.now();
  for (let poll = 0; ; poll += 1) {
    const pause = intervalsMs[poll] ?? longestIntervalMs;
    if (pause > 0) await delay(pause, undefined, signal ? { signal } : undefined);
    const info = (await remote.send<BulkJobInfo>(operation, { method: 'GET', path })).body;
    if (info.state === 'JobComplete') return info;
    if (info.state === 'Failed' || info.state === 'Aborted') {
      throw new DataError({
        message: `Bulk API job ${info.id} ended ${info.state}${info.errorMessage ? `: ${info.errorMessage}` : ''}`,
        connector: 'salesforce',
        operation,
        code: `BULK_JOB_${info.state.toUpperCase()}`,
      });
    }
    if (Date.now() - started >= timeoutMs) throw new BulkJobPendingError(info.id, operation, Date.now() - started);
  }
}
