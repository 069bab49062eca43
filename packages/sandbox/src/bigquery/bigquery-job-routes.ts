import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import {
  type BigQueryContext,
  decodePageToken,
  encodePageToken,
  errorProto,
  errorResponse,
  type JobState,
  jobKey,
  lateFault,
  newJobId,
  originOf,
  timestampFormat,
} from './bigquery-context.js';
import { bigQueryError, type ErrorProto } from './bigquery-errors.js';
import type { QueryParameter } from './bigquery-sql.js';
import { encodeRows } from './bigquery-table-routes.js';
import type { TimestampFormat } from './bigquery-values.js';
import { type TableRef, WarehouseError } from './bigquery-warehouse.js';

const V2 = '/bigquery/v2/projects/:projectId';
const MIB = 1024 * 1024;
/** On-demand pricing bills at least 10 MB per table a query references, rounded up to the MB. */
const MIN_BILLED_PER_TABLE = 10 * MIB;

interface QueryConfiguration {
  query?: string;
  useLegacySql?: boolean;
  queryParameters?: QueryParameter[];
  defaultDataset?: { projectId?: string; datasetId: string };
  destinationTable?: TableRef;
  writeDisposition?: string;
  maximumBytesBilled?: string | number;
  priority?: string;
}

/** Bytes billed for bytes processed: rounded up to the MB, with the 10 MB minimum per referenced table. */
export function bytesBilled(processed: number, tables: number): number {
  if (processed <= 0 && tables === 0) return 0;
  return Math.max(Math.ceil(processed / MIB) * MIB, MIN_BILLED_PER_TABLE * Math.max(1, tables));
}

/** The job resource of a job in its current state, as jobs.get returns it. */
export function jobResource(job: JobState): Record<string, unknown> {
  const running = job.pendingChecks > 0;
  const status = running ? { state: 'RUNNING' } : (job.resource.status as Record<string, unknown>);
  return { ...job.resource, status };
}

/** Counts one status check against a job still reported as running. */
function check(job: JobState): boolean {
  if (job.pendingChecks > 0) {
    job.pendingChecks -= 1;
    return false;
  }
  return true;
}

function statusOf(error: ErrorProto | undefined, errors: ErrorProto[] = error ? [error] : []) {
  return error ? { state: 'DONE', errorResult: error, errors } : { state: 'DONE' };
}

/**
 * Plans and runs a query for a job: the cost cap is checked on the plan, before anything runs,
 * as BigQuery refuses a query whose bytes billed would pass `maximumBytesBilled`.
 */
async function runQueryJob(
  context: BigQueryContext,
  request: EmulatorRequest,
  projectId: string,
  jobId: string,
  config: QueryConfiguration,
  location: string,
): Promise<JobState> {
  const created = Date.now();
  const job: JobState = { projectId, jobId, location, resource: {}, pendingChecks: context.runningChecks() };
  const base = {
    kind: 'bigquery#job',
    etag: `"${jobId}"`,
    id: `${projectId}:${location}.${jobId}`,
    selfLink: `${originOf(request)}/bigquery/v2/projects/${projectId}/jobs/${jobId}?location=${location}`,
    user_email: context.callerOf(request),
    jobReference: { projectId, jobId, location },
  };
  let error: ErrorProto | undefined;
  let statistics: Record<string, unknown> = { creationTime: String(created) };
  const configuration: Record<string, unknown> = { jobType: 'QUERY', query: { ...config, useLegacySql: false, priority: config.priority ?? 'INTERACTIVE' } };
  try {
    if (config.useLegacySql !== false)
      throw new WarehouseError('invalidQuery', 'This emulator runs GoogleSQL only: send useLegacySql: false (the REST API defaults to legacy SQL).');
    const plan = await context.warehouse.plan(config.query ?? '', config.queryParameters ?? [], { projectId, defaultDataset: config.defaultDataset });
    const billed = bytesBilled(plan.totalBytesProcessed, plan.referencedTables.length);
    const cap = config.maximumBytesBilled === undefined ? undefined : Number(config.maximumBytesBilled);
    if (cap !== undefined && billed > cap) {
      error = { reason: 'bytesBilledLimitExceeded', message: `Query exceeded limit for bytes billed: ${cap}. ${billed} or higher required.` };
    } else {
      const outcome = await context.warehouse.runQuery(config.query ?? '', config.queryParameters ?? [], {
        projectId,
        jobId,
        defaultDataset: config.defaultDataset,
        destinationTable: config.destinationTable,
        writeDisposition: config.writeDisposition,
      });
      job.outcome = outcome;
      context.billedBytes.set(projectId, (context.billedBytes.get(projectId) ?? 0) + billed);
      (configuration.query as Record<string, unknown>).destinationTable = outcome.destination;
      statistics = {
        ...statistics,
        startTime: String(created),
        endTime: String(Date.now()),
        totalBytesProcessed: String(outcome.totalBytesProcessed),
        query: {
          totalBytesProcessed: String(outcome.totalBytesProcessed),
          totalBytesBilled: String(billed),
          totalBytesProcessedAccuracy: 'PRECISE',
          cacheHit: false,
          statementType: outcome.statementType,
          ...(outcome.numDmlAffectedRows !== undefined
            ? { numDmlAffectedRows: String(outcome.numDmlAffectedRows), dmlStats: { affectedRowCount: String(outcome.numDmlAffectedRows) } }
            : {}),
          ...(outcome.statementType === 'SELECT' ? { schema: { fields: outcome.schema } } : {}),
          referencedTables: outcome.referencedTables,
        },
      };
    }
  } catch (caught) {
    error = errorProto(caught);
  }
  job.error = error;
  job.resource = { ...base, configuration, status: statusOf(error), statistics };
  context.jobs.set(jobKey(projectId, jobId), job);
  return job;
}

/** A dry run: the plan's schema and bytes, no job kept (BigQuery returns a job resource that is not stored). */
async function dryRun(context: BigQueryContext, projectId: string, config: QueryConfiguration) {
  if (config.useLegacySql !== false) throw new WarehouseError('invalidQuery', 'This emulator runs GoogleSQL only: send useLegacySql: false.');
  const plan = await context.warehouse.plan(config.query ?? '', config.queryParameters ?? [], { projectId, defaultDataset: config.defaultDataset });
  return plan;
}

/** The first or next page of a finished query job, in the getQueryResults / jobs.query shape. */
async function resultsPage(
  context: BigQueryContext,
  job: JobState,
  options: { startIndex: number; maxResults?: number; timestamps: TimestampFormat },
  kind: string,
) {
  const outcome = job.outcome!;
  const base: Record<string, unknown> = {
    kind,
    etag: `"${job.jobId}"`,
    jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
    jobComplete: true,
    cacheHit: false,
    totalBytesProcessed: String(outcome.totalBytesProcessed),
  };
  if (outcome.numDmlAffectedRows !== undefined) base.numDmlAffectedRows = String(outcome.numDmlAffectedRows);
  if (!outcome.destination) return { ...base, totalRows: '0', schema: { fields: [] } };
  const maxResults = Math.min(options.maxResults ?? 100_000, 100_000);
  const { rows } = await context.warehouse.readRows(outcome.destination, { startIndex: options.startIndex, maxResults });
  const page = encodeRows(outcome.schema, rows, options.timestamps);
  const next = options.startIndex + page.rows.length;
  return {
    ...base,
    schema: { fields: outcome.schema },
    totalRows: String(outcome.totalRows),
    rows: page.rows,
    ...(next < outcome.totalRows ? { pageToken: encodePageToken(next) } : {}),
  };
}

/** The error a failed query job answers getQueryResults (and jobs.query) with. */
function jobFailure(job: JobState): EmulatorResponse {
  const error = job.error!;
  return bigQueryError(error.reason, error.message);
}

/** jobs.insert (query jobs; load jobs come through the upload routes), jobs.get, jobs.cancel, jobs.query, jobs.getQueryResults. */
export function jobRoutes(context: BigQueryContext): Route[] {
  const guard = async (work: () => Promise<EmulatorResponse>): Promise<EmulatorResponse> => {
    try {
      return await work();
    } catch (error) {
      return errorResponse(error);
    }
  };
  const findJob = (projectId: string, jobId: string): JobState | EmulatorResponse => {
    const job = context.jobs.get(jobKey(projectId, jobId));
    return job ?? bigQueryError('notFound', `Not found: Job ${projectId}:${context.location}.${jobId}`);
  };
  return [
    {
      method: 'POST',
      path: `${V2}/jobs`,
      name: 'jobs.insert',
      handler: (request) =>
        guard(async () => {
          const projectId = request.params.projectId!;
          const body = (request.body ?? {}) as {
            jobReference?: { jobId?: string; location?: string };
            configuration?: { query?: QueryConfiguration; dryRun?: boolean; load?: unknown };
          };
          const config = body.configuration ?? {};
          const location = body.jobReference?.location ?? context.location;
          if (!config.query) {
            if (config.load)
              return bigQueryError(
                'invalid',
                'Load jobs from Cloud Storage URIs are not supported by the emulator: upload the data (uploadType=multipart or resumable).',
              );
            return bigQueryError('invalid', 'Required parameter is missing: configuration must set query (copy and extract jobs are not emulated).');
          }
          if (config.dryRun) {
            const plan = await dryRun(context, projectId, config.query);
            return {
              status: 200,
              body: {
                kind: 'bigquery#job',
                jobReference: { projectId, location },
                configuration: { jobType: 'QUERY', dryRun: true, query: config.query },
                status: { state: 'DONE' },
                statistics: {
                  creationTime: String(Date.now()),
                  totalBytesProcessed: String(plan.totalBytesProcessed),
                  query: {
                    totalBytesProcessed: String(plan.totalBytesProcessed),
                    totalBytesProcessedAccuracy: 'PRECISE',
                    statementType: plan.statementType,
                    schema: { fields: plan.schema },
                    referencedTables: plan.referencedTables,
                  },
                },
              },
            };
          }
          const jobId = body.jobReference?.jobId ?? newJobId();
          if (!/^[\w-]{1,1024}$/.test(jobId))
            return bigQueryError(
              'invalid',
              `Invalid job ID "${jobId}". Job IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long.`,
            );
          if (context.jobs.has(jobKey(projectId, jobId))) return bigQueryError('duplicate', `Already Exists: Job ${projectId}:${location}.${jobId}`);
          const job = await runQueryJob(context, request, projectId, jobId, config.query, location);
          const late = lateFault(context, 'jobs.insert');
          if (late) return late;
          return { status: 200, body: jobResource(job) };
        }),
    },
    {
      method: 'GET',
      path: `${V2}/jobs`,
      name: 'jobs.list',
      // Newest first, as BigQuery lists them; `projection=full` keeps the configuration (the default, minimal, drops it).
      handler: ({ params, url }) => {
        const query = url.searchParams;
        const start = decodePageToken(query.get('pageToken')) ?? 0;
        const size = Math.min(Number(query.get('maxResults') ?? 1000) || 1000, 1000);
        const full = query.get('projection') === 'full';
        const jobs = [...context.jobs.values()].filter((job) => job.projectId === params.projectId).reverse();
        const page = jobs.slice(start, start + size).map((job) => {
          const resource = jobResource(job);
          const shown = full ? resource : Object.fromEntries(Object.entries(resource).filter(([key]) => key !== 'configuration'));
          return { ...shown, state: (resource.status as { state?: string } | undefined)?.state };
        });
        return {
          status: 200,
          body: {
            kind: 'bigquery#jobList',
            etag: '"jobs"',
            jobs: page,
            ...(start + size < jobs.length ? { nextPageToken: encodePageToken(start + size) } : {}),
          },
        };
      },
    },
    {
      method: 'GET',
      path: `${V2}/jobs/:jobId`,
      name: 'jobs.get',
      handler: ({ params }) => {
        const job = findJob(params.projectId!, params.jobId!);
        if ('status' in job) return job;
        check(job);
        return { status: 200, body: jobResource(job) };
      },
    },
    {
      method: 'POST',
      path: `${V2}/jobs/:jobId/cancel`,
      name: 'jobs.cancel',
      handler: ({ params }) => {
        const job = findJob(params.projectId!, params.jobId!);
        if ('status' in job) return job;
        return { status: 200, body: { kind: 'bigquery#jobCancelResponse', job: jobResource(job) } };
      },
    },
    {
      method: 'POST',
      path: `${V2}/queries`,
      name: 'jobs.query',
      handler: (request) =>
        guard(async () => {
          const projectId = request.params.projectId!;
          const body = (request.body ?? {}) as QueryConfiguration & {
            dryRun?: boolean;
            maxResults?: number;
            requestId?: string;
            location?: string;
            formatOptions?: { useInt64Timestamp?: boolean; timestampOutputFormat?: string };
          };
          const location = body.location ?? context.location;
          const timestamps = timestampFormat(body.formatOptions);
          if (body.dryRun) {
            const plan = await dryRun(context, projectId, body);
            return {
              status: 200,
              body: {
                kind: 'bigquery#queryResponse',
                jobReference: { projectId, location },
                schema: { fields: plan.schema },
                totalBytesProcessed: String(plan.totalBytesProcessed),
                jobComplete: true,
                cacheHit: false,
              },
            };
          }
          // requestId makes a retried jobs.query return the first run's job instead of running again.
          const previous = body.requestId ? context.requestIds.get(body.requestId) : undefined;
          let job = previous && Date.now() - previous.at < 15 * 60_000 ? context.jobs.get(previous.jobKey) : undefined;
          if (!job) {
            job = await runQueryJob(context, request, projectId, newJobId(), body, location);
            if (body.requestId) context.requestIds.set(body.requestId, { jobKey: jobKey(projectId, job.jobId), at: Date.now() });
          }
          const late = lateFault(context, 'jobs.query');
          if (late) return late;
          if (!check(job))
            return { status: 200, body: { kind: 'bigquery#queryResponse', jobReference: { projectId, jobId: job.jobId, location }, jobComplete: false } };
          if (job.error) return jobFailure(job);
          return { status: 200, body: await resultsPage(context, job, { startIndex: 0, maxResults: body.maxResults, timestamps }, 'bigquery#queryResponse') };
        }),
    },
    {
      method: 'GET',
      path: `${V2}/queries/:jobId`,
      name: 'jobs.getQueryResults',
      handler: ({ params, url }) =>
        guard(async () => {
          const job = findJob(params.projectId!, params.jobId!);
          if ('status' in job) return job;
          const query = url.searchParams;
          if (!check(job))
            return {
              status: 200,
              body: {
                kind: 'bigquery#getQueryResultsResponse',
                jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
                jobComplete: false,
              },
            };
          if (job.error) return jobFailure(job);
          if (!job.outcome) return bigQueryError('invalid', `Job ${job.projectId}:${job.location}.${job.jobId} is not a query job.`);
          const token = decodePageToken(query.get('pageToken'));
          if (Number.isNaN(token)) return bigQueryError('invalid', 'Invalid page token.');
          const startIndex = token ?? Number(query.get('startIndex') ?? 0);
          const maxResults = query.get('maxResults') ? Number(query.get('maxResults')) : undefined;
          const timestamps = timestampFormat({
            useInt64Timestamp: query.get('formatOptions.useInt64Timestamp') ?? undefined,
            timestampOutputFormat: query.get('formatOptions.timestampOutputFormat') ?? undefined,
          });
          return { status: 200, body: await resultsPage(context, job, { startIndex, maxResults, timestamps }, 'bigquery#getQueryResultsResponse') };
        }),
    },
  ];
}
