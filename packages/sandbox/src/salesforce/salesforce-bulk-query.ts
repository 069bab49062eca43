import type { EmulatorRequest, Route } from '../harness/types.js';
import { columnDelimiters, writeJobCsv } from './bulk-csv.js';
import { restError } from './salesforce-error-bodies.js';
import { opaqueToken, recordId } from './salesforce-ids.js';
import { OrgRequestError, type SalesforceRecord } from './salesforce-org.js';
import { jsonObject, restHandler, type RestContext } from './salesforce-rest-context.js';
import type { SalesforceField } from './salesforce-schema.js';
import { csvText, salesforceDateTime } from './salesforce-values.js';
import type { BulkJobState, BulkProcessing } from './salesforce-bulk-ingest.js';
import { runSoql } from './soql-evaluate.js';

const base = '/services/data/:version/jobs/query';

export interface BulkQueryOptions {
  /** Records per results page when the client sends no `maxRecords` (an emulator choice). */
  defaultPageSize: number;
}

interface QueryJob {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  soql: string;
  state: BulkJobState;
  apiVersion: number;
  lineEnding: string;
  columnDelimiter: string;
  createdDate: string;
  systemModstamp: string;
  polls: number;
  fields: SalesforceField[];
  records?: SalesforceRecord[];
  /** Locator -> offset of the page it opens. */
  locators: Map<string, number>;
}

/**
 * Bulk API 2.0 query jobs: create (the SOQL is checked at once), poll to JobComplete, then read the
 * results in CSV pages, each with its header row, the `Sforce-Locator` of the next page (the string
 * `null` after the last) and `Sforce-NumberOfRecords`. Results must be read with the job's API version (409 otherwise).
 */
export function salesforceBulkQueryRoutes(context: RestContext, processing: BulkProcessing, options: BulkQueryOptions): { routes: Route[]; clear(): void } {
  const { org } = context;
  const jobs = new Map<string, QueryJob>();
  let counter = 0;

  const info = (job: QueryJob) => ({
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: org.userId,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    jobType: 'V2Query',
    numberRecordsProcessed: job.records?.length ?? 0,
    retries: 0,
    totalProcessingTime: 0,
  });

  const jobOf = (request: EmulatorRequest): QueryJob => {
    const job = jobs.get(request.params.jobId ?? '');
    if (!job) throw new OrgRequestError('NOT_FOUND', 'The requested resource does not exist', 404);
    return job;
  };

  const touch = (job: QueryJob, state: BulkJobState) => {
    job.state = state;
    job.systemModstamp = salesforceDateTime(new Date());
  };

  const advance = (job: QueryJob) => {
    if (job.state === 'UploadComplete') return touch(job, 'InProgress');
    if (job.state !== 'InProgress' || processing.hold) return;
    job.polls += 1;
    if (job.polls < processing.pollsToComplete) return;
    job.records = runSoql(org, job.soql, { includeDeleted: job.operation === 'queryAll', bulk: true }).records;
    touch(job, 'JobComplete');
  };

  const routes: Route[] = [
    {
      method: 'POST',
      path: base,
      name: 'bulk.query.create',
      handler: restHandler(context, (request, version) => {
        const body = jsonObject(request);
        const operation = body.operation ?? 'query';
        if (operation !== 'query' && operation !== 'queryAll') throw new OrgRequestError('INVALIDJOB', `InvalidJob : Invalid operation: ${String(operation)}`);
        const soql = String(body.query ?? '');
        const plan = runSoql(org, soql, { bulk: true });
        if (plan.query.count) throw new OrgRequestError('INVALIDJOB', 'InvalidJob : COUNT() is not supported by Bulk API queries');
        const columnDelimiter = String(body.columnDelimiter ?? 'COMMA');
        if (!columnDelimiters[columnDelimiter]) throw new OrgRequestError('INVALIDJOB', `InvalidJob : Invalid column delimiter: ${columnDelimiter}`);
        counter += 1;
        const now = salesforceDateTime(new Date());
        const job: QueryJob = {
          id: recordId('750', 1_000_000 + counter),
          operation,
          object: plan.object,
          soql,
          // Query jobs need no upload: they start as UploadComplete.
          state: 'UploadComplete',
          apiVersion: Number(version.slice(1)),
          lineEnding: String(body.lineEnding ?? 'LF'),
          columnDelimiter,
          createdDate: now,
          systemModstamp: now,
          polls: 0,
          fields: plan.fields,
          locators: new Map(),
        };
        jobs.set(job.id, job);
        return { status: 200, body: info(job) };
      }),
    },
    {
      method: 'GET',
      path: `${base}/:jobId`,
      name: 'bulk.query.info',
      handler: restHandler(context, (request) => {
        const job = jobOf(request);
        advance(job);
        return { status: 200, body: info(job) };
      }),
    },
    {
      method: 'GET',
      path: `${base}/:jobId/results`,
      name: 'bulk.query.results',
      handler: restHandler(context, (request, version) => {
        const job = jobOf(request);
        if (Number(version.slice(1)) !== job.apiVersion) {
          return restError(
            409,
            'API_VERSION_MISMATCH',
            `Job ${job.id} was created with API version ${job.apiVersion.toFixed(1)}; read its results with the same version`,
          );
        }
        if (job.state !== 'JobComplete' || !job.records) return restError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete; its state is ${job.state}`);
        const locator = request.url.searchParams.get('locator');
        const offset = locator ? job.locators.get(locator) : 0;
        if (offset === undefined) return restError(400, 'INVALID_LOCATOR', `Invalid locator: ${locator}`);
        const asked = Number(request.url.searchParams.get('maxRecords'));
        const size = Number.isInteger(asked) && asked > 0 ? asked : options.defaultPageSize;
        const slice = job.records.slice(offset, offset + size);
        const end = offset + slice.length;
        let next = 'null';
        if (end < job.records.length) {
          next = opaqueToken(12);
          job.locators.set(next, end);
        }
        const csv = writeJobCsv(
          job.fields.map((field) => field.name),
          slice.map((record) => job.fields.map((field) => csvText(record[field.name]))),
          columnDelimiters[job.columnDelimiter] ?? ',',
          job.lineEnding,
        );
        return { status: 200, headers: { 'content-type': 'text/csv', 'sforce-locator': next, 'sforce-numberofrecords': String(slice.length) }, body: csv };
      }),
    },
    {
      method: 'PATCH',
      path: `${base}/:jobId`,
      name: 'bulk.query.state',
      handler: restHandler(context, (request) => {
        const job = jobOf(request);
        if (jsonObject(request).state !== 'Aborted') return restError(400, 'INVALIDJOBSTATE', 'Only Aborted can be set on a query job');
        if (job.state === 'JobComplete' || job.state === 'Failed') return restError(409, 'INVALIDJOBSTATE', `Job ${job.id} is in state ${job.state}`);
        touch(job, 'Aborted');
        return { status: 200, body: info(job) };
      }),
    },
    {
      method: 'DELETE',
      path: `${base}/:jobId`,
      name: 'bulk.query.delete',
      handler: restHandler(context, (request) => {
        jobs.delete(jobOf(request).id);
        return { status: 204 };
      }),
    },
  ];
  return {
    routes,
    clear: () => {
      jobs.clear();
      counter = 0;
    },
  };
}
