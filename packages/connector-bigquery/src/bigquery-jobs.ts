import type { BigQuery, Job, JobMetadata } from '@google-cloud/bigquery';
import { type ConnectorContext, NotReadyError } from '@automl/connector-core';
import { reasonOf } from './bigquery-errors.js';

/** How long a job still running is waited for when the config says nothing: BigQuery's own 6-hour limit on a job. */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 6 * 60 * 60;

/**
 * "Still running" as core's NotReadyError: the policy asks again after its backoff (capped at
 * maxBackoffSeconds), without spending maxRetries or counting toward the breaker, until `budgetMs`
 * from the first such answer; then the call fails with a non-retryable NotReadyError.
 */
export function jobStillRunning(jobId: string, operation: string, budgetMs: number): NotReadyError {
  return new NotReadyError({
    message: `BigQuery job ${jobId} still running`,
    connector: 'bigquery',
    operation,
    code: 'jobRunning',
    readyWithinMs: budgetMs,
    hint: 'The job outlived jobTimeoutSeconds; it may still finish in BigQuery (see its id in the console): raise jobTimeoutSeconds for very large jobs.',
  });
}

/**
 * Waits for a job through core's policy: each poll is one call; a job not yet DONE answers
 * NotReadyError, so the policy's backoff spaces the polls (no sleep of the connector's own) within
 * the job budget rather than maxRetries.
 */
export async function awaitJob(context: ConnectorContext, job: Job, operation: string, budgetMs: number): Promise<JobMetadata> {
  return context.call(
    operation,
    async () => {
      const [metadata] = await job.getMetadata();
      if (metadata.status?.state !== 'DONE') throw jobStillRunning(job.id ?? '', operation, budgetMs);
      return metadata;
    },
    { idempotent: true },
  );
}

/**
 * Creates a job with a client-chosen id; when the id is taken (409 duplicate: an earlier attempt
 * whose answer was lost did create it), the existing job is the one to wait for. That is what makes
 * a retried insert safe: the work is never done twice.
 */
export async function createOrAdopt(
  context: ConnectorContext,
  bigquery: BigQuery,
  jobId: string,
  location: string | undefined,
  operation: string,
  create: () => Promise<Job>,
): Promise<Job> {
  return context.call(
    operation,
    async () => {
      try {
        return await create();
      } catch (error) {
        if (reasonOf(error) === 'duplicate' || (error as { code?: number }).code === 409) return bigquery.job(jobId, location ? { location } : {});
        throw error;
      }
    },
    { idempotent: true },
  );
}
