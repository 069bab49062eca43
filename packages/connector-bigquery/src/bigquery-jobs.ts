import type { BigQuery, Job, JobMetadata } from '@google-cloud/bigquery';
import type { ConnectorContext } from '@automl/connector-core';
import { JobStillRunningError, reasonOf } from './bigquery-errors.js';

/**
 * Waits for a job through core's policy: each poll is one call, and a job not yet DONE is a
 * retryable failure, so the policy's backoff spaces the polls (no sleep of the connector's own).
 */
export async function awaitJob(context: ConnectorContext, job: Job, operation: string): Promise<JobMetadata> {
  return context.call(
    operation,
    async () => {
      const [metadata] = await job.getMetadata();
      if (metadata.status?.state !== 'DONE') throw new JobStillRunningError(job.id ?? '');
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
