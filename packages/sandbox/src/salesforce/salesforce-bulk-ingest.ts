import type { EmulatorRequest, Route } from '../harness/types.js';
import { columnDelimiters, parseJobCsv, writeJobCsv } from './bulk-csv.js';
import { restError } from './salesforce-error-bodies.js';
import { recordId } from './salesforce-ids.js';
import { OrgRequestError, type WriteOutcome } from './salesforce-org.js';
import { injectedError, jsonObject, restHandler, type RestContext } from './salesforce-rest-context.js';
import { salesforceDateTime, type SalesforceRecordError } from './salesforce-values.js';

const base = '/services/data/:version/jobs/ingest';

export type BulkJobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** How Bulk jobs progress: they move one state per status poll, and complete after `pollsToComplete` polls in progress. */
export interface BulkProcessing {
  pollsToComplete: number;
  /** While true, jobs stay InProgress (a long job; lets a test's polling time out). */
  hold: boolean;
  /** Most bytes one upload may carry (Salesforce: 150 MB once base64-encoded, so about 100 MB of CSV). */
  maxUploadBytes: number;
}

interface IngestJob {
  id: string;
  object: string;
  operation: 'insert' | 'update' | 'upsert' | 'delete';
  externalIdFieldName?: string;
  state: BulkJobState;
  apiVersion: number;
  lineEnding: string;
  columnDelimiter: string;
  createdDate: string;
  systemModstamp: string;
  polls: number;
  data?: string;
  partialFailure?: EmulatorRequest['partialFailure'];
  errorMessage?: string;
  header: string[];
  successful: string[][];
  failed: string[][];
  unprocessed: string[][];
}

const errorText = (errors: SalesforceRecordError[]) => errors.map((error) => `${error.statusCode}:${error.message}:${error.fields.join(',')} --`).join(' ');

/**
 * Bulk API 2.0 ingest jobs: create, upload CSV (`PUT .../batches`, one upload per job), close
 * (`UploadComplete`) or abort, job info polled through Open, UploadComplete, InProgress and
 * JobComplete (or Failed), and the successfulResults (`sf__Id`, `sf__Created`), failedResults
 * (`sf__Id`, `sf__Error`) and unprocessedrecords CSVs. Empty cells leave a field unchanged and
 * `#N/A` nulls it, as the Bulk API documents. Records are written through the same org rules as REST.
 */
export function salesforceBulkIngestRoutes(context: RestContext, processing: BulkProcessing): { routes: Route[]; jobs: Map<string, IngestJob>; clear(): void } {
  const { org } = context;
  const jobs = new Map<string, IngestJob>();
  let counter = 0;

  const info = (job: IngestJob) => ({
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: org.userId,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
    contentUrl: `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    jobType: 'V2Ingest',
    numberRecordsProcessed: job.successful.length + job.failed.length,
    numberRecordsFailed: job.failed.length,
    retries: 0,
    totalProcessingTime: 0,
    apiActiveProcessingTime: 0,
    apexProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  });

  const jobOf = (request: EmulatorRequest): IngestJob => {
    const job = jobs.get(request.params.jobId ?? '');
    if (!job) throw new OrgRequestError('NOT_FOUND', 'The requested resource does not exist', 404);
    return job;
  };

  const touch = (job: IngestJob, state: BulkJobState) => {
    job.state = state;
    job.systemModstamp = salesforceDateTime(new Date());
  };

  /** Writes every uploaded row through the org, in file order. */
  const run = (job: IngestJob) => {
    const delimiter = columnDelimiters[job.columnDelimiter] ?? ',';
    const { header, rows } = parseJobCsv(job.data ?? '', delimiter);
    job.header = header;
    const unknown = header.find((name) => !org.field(job.object, name));
    if (unknown) {
      job.errorMessage = `InvalidBatch : Field name not found : ${unknown}`;
      job.unprocessed = rows;
      return touch(job, 'Failed');
    }
    for (const [index, row] of rows.entries()) {
      const values: Record<string, unknown> = {};
      header.forEach((name, column) => {
        const cell = row[column] ?? '';
        if (cell === '#N/A') values[name] = null;
        else if (cell !== '') values[name] = cell;
      });
      const injected = job.partialFailure?.(values, index);
      let outcome: WriteOutcome;
      if (injected) outcome = { errors: [injectedError(injected)] };
      else if (job.operation === 'insert') outcome = org.create(job.object, values);
      else if (job.operation === 'update') outcome = org.update(job.object, values.Id, values);
      else if (job.operation === 'delete') outcome = org.delete(job.object, String(values.Id ?? ''));
      else outcome = org.upsert(job.object, job.externalIdFieldName!, values);
      if ('errors' in outcome) job.failed.push(['', errorText(outcome.errors), ...row]);
      else job.successful.push([outcome.id, String(outcome.created), ...row]);
    }
    job.data = undefined;
    touch(job, 'JobComplete');
  };

  const advance = (job: IngestJob) => {
    if (job.state === 'UploadComplete') return touch(job, 'InProgress');
    if (job.state !== 'InProgress' || processing.hold) return;
    job.polls += 1;
    if (job.polls >= processing.pollsToComplete) run(job);
  };

  const results = (kind: 'successful' | 'failed' | 'unprocessed') =>
    restHandler(context, (request) => {
      const job = jobOf(request);
      const delimiter = columnDelimiters[job.columnDelimiter] ?? ',';
      if (kind === 'unprocessed') {
        return {
          status: 200,
          headers: { 'content-type': 'text/csv' },
          body: job.header.length > 0 ? writeJobCsv(job.header, job.unprocessed, delimiter, job.lineEnding) : '',
        };
      }
      if (job.state !== 'JobComplete' && job.state !== 'Failed' && job.state !== 'Aborted') {
        return restError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete; its state is ${job.state}`);
      }
      const prefix = kind === 'successful' ? ['sf__Id', 'sf__Created'] : ['sf__Id', 'sf__Error'];
      const rows = kind === 'successful' ? job.successful : job.failed;
      return { status: 200, headers: { 'content-type': 'text/csv' }, body: writeJobCsv([...prefix, ...job.header], rows, delimiter, job.lineEnding) };
    });

  const routes: Route[] = [
    {
      method: 'POST',
      path: base,
      name: 'bulk.ingest.create',
      handler: restHandler(context, (request, version) => {
        const body = jsonObject(request);
        const definition = org.object(String(body.object ?? ''));
        if (!definition) throw new OrgRequestError('NOT_FOUND', `sObject type '${String(body.object)}' is not supported.`);
        const operation = String(body.operation ?? '');
        if (!['insert', 'update', 'upsert', 'delete'].includes(operation))
          throw new OrgRequestError('INVALIDJOB', `InvalidJob : Invalid operation: ${operation}`);
        if (operation === 'upsert') {
          if (typeof body.externalIdFieldName !== 'string') throw new OrgRequestError('INVALIDJOB', 'InvalidJob : External ID was blank for upsert');
          org.upsertKeyField(definition.name, body.externalIdFieldName, true);
        }
        if (body.contentType !== undefined && body.contentType !== 'CSV')
          throw new OrgRequestError('INVALIDJOB', `InvalidJob : Invalid content type: ${String(body.contentType)}`);
        const columnDelimiter = String(body.columnDelimiter ?? 'COMMA');
        if (!columnDelimiters[columnDelimiter]) throw new OrgRequestError('INVALIDJOB', `InvalidJob : Invalid column delimiter: ${columnDelimiter}`);
        counter += 1;
        const now = salesforceDateTime(new Date());
        const job: IngestJob = {
          id: recordId('750', counter),
          object: definition.name,
          operation: operation as IngestJob['operation'],
          ...(operation === 'upsert' ? { externalIdFieldName: org.field(definition.name, String(body.externalIdFieldName))!.name } : {}),
          state: 'Open',
          apiVersion: Number(version.slice(1)),
          lineEnding: String(body.lineEnding ?? 'LF'),
          columnDelimiter,
          createdDate: now,
          systemModstamp: now,
          polls: 0,
          header: [],
          successful: [],
          failed: [],
          unprocessed: [],
        };
        jobs.set(job.id, job);
        return { status: 200, body: info(job) };
      }),
    },
    {
      method: 'GET',
      path: base,
      name: 'bulk.ingest.list',
      handler: restHandler(context, () => ({ status: 200, body: { done: true, records: [...jobs.values()].map(info), nextRecordsUrl: null } })),
    },
    {
      method: 'PUT',
      path: `${base}/:jobId/batches`,
      name: 'bulk.ingest.upload',
      handler: restHandler(context, (request) => {
        const job = jobOf(request);
        if (job.state !== 'Open' || job.data !== undefined) {
          return restError(
            409,
            'INVALIDJOBSTATE',
            `Job ${job.id} does not accept data in state ${job.state}${job.data !== undefined ? ' (data was already uploaded)' : ''}`,
          );
        }
        if (request.rawBody.length > processing.maxUploadBytes) {
          return restError(400, 'INVALIDBATCH', `The upload is ${request.rawBody.length} bytes; the limit is ${processing.maxUploadBytes}`);
        }
        job.data = request.rawBody.toString('utf8');
        if (request.partialFailure) job.partialFailure = request.partialFailure;
        return { status: 201 };
      }),
    },
    {
      method: 'PATCH',
      path: `${base}/:jobId`,
      name: 'bulk.ingest.state',
      handler: restHandler(context, (request) => {
        const job = jobOf(request);
        const state = jsonObject(request).state;
        if (state === 'UploadComplete') {
          if (job.state !== 'Open') return restError(409, 'INVALIDJOBSTATE', `Job ${job.id} is in state ${job.state}`);
          touch(job, 'UploadComplete');
        } else if (state === 'Aborted') {
          if (job.state === 'JobComplete' || job.state === 'Failed') return restError(409, 'INVALIDJOBSTATE', `Job ${job.id} is in state ${job.state}`);
          if (job.data !== undefined) {
            const parsed = parseJobCsv(job.data, columnDelimiters[job.columnDelimiter] ?? ',');
            job.header = parsed.header;
            job.unprocessed = parsed.rows;
          }
          touch(job, 'Aborted');
        } else {
          return restError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(state)}`);
        }
        return { status: 200, body: info(job) };
      }),
    },
    {
      method: 'GET',
      path: `${base}/:jobId`,
      name: 'bulk.ingest.info',
      handler: restHandler(context, (request) => {
        const job = jobOf(request);
        advance(job);
        return { status: 200, body: info(job) };
      }),
    },
    { method: 'GET', path: `${base}/:jobId/successfulResults`, name: 'bulk.ingest.successfulResults', handler: results('successful') },
    { method: 'GET', path: `${base}/:jobId/failedResults`, name: 'bulk.ingest.failedResults', handler: results('failed') },
    { method: 'GET', path: `${base}/:jobId/unprocessedrecords`, name: 'bulk.ingest.unprocessedRecords', handler: results('unprocessed') },
    {
      method: 'DELETE',
      path: `${base}/:jobId`,
      name: 'bulk.ingest.delete',
      handler: restHandler(context, (request) => {
        const job = jobOf(request);
        jobs.delete(job.id);
        return { status: 204 };
      }),
    },
  ];
  return {
    routes,
    jobs,
    clear: () => {
      jobs.clear();
      counter = 0;
    },
  };
}
