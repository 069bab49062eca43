import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import { type BigQueryContext, errorResponse, type JobState, jobKey, lateFault, newJobId, originOf } from './bigquery-context.js';
import { bigQueryError, type ErrorProto } from './bigquery-errors.js';
import { normalizeSchema, type TableFieldSchema } from './bigquery-schema.js';
import { readParquetRows } from './bigquery-parquet.js';
import { coerceRecord, parseTimestampMicros } from './bigquery-values.js';
import type { TableRef } from './bigquery-warehouse.js';
import { jobResource } from './bigquery-job-routes.js';

interface LoadConfiguration {
  destinationTable?: TableRef;
  sourceFormat?: string;
  writeDisposition?: string;
  createDisposition?: string;
  schema?: { fields?: TableFieldSchema[] };
  autodetect?: boolean;
  ignoreUnknownValues?: boolean;
  maxBadRecords?: number;
  skipLeadingRows?: number;
  fieldDelimiter?: string;
}

interface JobMetadata {
  jobReference?: { jobId?: string; projectId?: string; location?: string };
  configuration?: { load?: LoadConfiguration };
}

/** One row of the uploaded file, with the byte offset where it starts (what BigQuery's errors cite). */
interface SourceRow {
  position: number;
  value?: Record<string, unknown>;
  error?: string;
}

/** Splits a `multipart/related` body into its parts (metadata JSON, then the data), as the upload protocol defines. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Buffer[] | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const end = body.indexOf(delimiter, afterDelimiter);
    if (end === -1) break;
    const part = body.subarray(afterDelimiter, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    let content = headerEnd === -1 ? part : part.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    parts.push(content);
    start = end;
  }
  return parts;
}

/** Rows of newline-delimited JSON, each with its starting byte offset. */
function readNdjson(data: Buffer): SourceRow[] {
  const rows: SourceRow[] = [];
  let position = 0;
  while (position < data.length) {
    let end = data.indexOf(0x0a, position);
    if (end === -1) end = data.length;
    const line = data.subarray(position, end).toString('utf8').trim();
    if (line !== '') {
      try {
        const value = JSON.parse(line) as unknown;
        rows.push(
          value && typeof value === 'object' && !Array.isArray(value)
            ? { position, value: value as Record<string, unknown> }
            : { position, error: 'Row is not a JSON object.' },
        );
      } catch (error) {
        rows.push({ position, error: `Parser terminated before end of string: ${(error as Error).message}` });
      }
    }
    position = end + 1;
  }
  return rows;
}

/** Rows of CSV (RFC 4180 quoting), by column position against the schema. */
function readCsv(data: Buffer, fields: TableFieldSchema[], options: { skipLeadingRows: number; delimiter: string }): SourceRow[] {
  const text = data.toString('utf8');
  const rows: SourceRow[] = [];
  let index = 0;
  let lineNumber = 0;
  while (index < text.length) {
    const position = Buffer.byteLength(text.slice(0, index));
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (; index < text.length; index += 1) {
      const char = text[index]!;
      if (quoted) {
        if (char === '"' && text[index + 1] === '"') {
          cell += '"';
          index += 1;
        } else if (char === '"') quoted = false;
        else cell += char;
      } else if (char === '"') quoted = true;
      else if (char === options.delimiter) {
        cells.push(cell);
        cell = '';
      } else if (char === '\n' || char === '\r') {
        if (char === '\r' && text[index + 1] === '\n') index += 1;
        index += 1;
        break;
      } else cell += char;
    }
    cells.push(cell);
    lineNumber += 1;
    if (lineNumber <= options.skipLeadingRows || (cells.length === 1 && cells[0] === '')) continue;
    if (cells.length > fields.length) {
      rows.push({
        position,
        error: `Too many values in row starting at position: ${position}. Found ${cells.length} column(s) while expected ${fields.length}.`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    fields.forEach((field, column) => {
      const raw = cells[column];
      value[field.name] = raw === undefined || raw === '' ? null : raw;
    });
    rows.push({ position, value });
  }
  return rows;
}

/** A schema guessed from JSON rows, as `autodetect` does (numbers, booleans, timestamps, dates, records, arrays). */
export function detectSchema(rows: Array<Record<string, unknown>>): TableFieldSchema[] {
  const fields = new Map<string, TableFieldSchema>();
  for (const row of rows.slice(0, 500)) {
    for (const [name, value] of Object.entries(row)) {
      if (value === null || value === undefined) continue;
      const guess = guessField(name, value);
      const known = fields.get(name);
      if (!known) fields.set(name, guess);
      else if (known.type === 'INTEGER' && guess.type === 'FLOAT') known.type = 'FLOAT';
      else if (known.type !== guess.type && known.type !== 'FLOAT') known.type = 'STRING';
    }
  }
  return [...fields.values()];
}

function guessField(name: string, value: unknown): TableFieldSchema {
  if (Array.isArray(value)) {
    const first = value.find((item) => item !== null);
    return { ...guessField(name, first ?? ''), mode: 'REPEATED' };
  }
  if (typeof value === 'boolean') return { name, type: 'BOOLEAN', mode: 'NULLABLE' };
  if (typeof value === 'number') return { name, type: Number.isInteger(value) ? 'INTEGER' : 'FLOAT', mode: 'NULLABLE' };
  if (typeof value === 'object' && value !== null) return { name, type: 'RECORD', mode: 'NULLABLE', fields: detectSchema([value as Record<string, unknown>]) };
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return { name, type: 'DATE', mode: 'NULLABLE' };
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) && parseTimestampMicros(text) !== undefined) return { name, type: 'TIMESTAMP', mode: 'NULLABLE' };
  return { name, type: 'STRING', mode: 'NULLABLE' };
}

/**
 * Runs a load job from uploaded bytes: every row is checked against the table's schema; more bad
 * rows than `maxBadRecords` fail the job with nothing written, otherwise the good rows are written
 * in one atomic step (append or truncate) and the bad ones listed in `status.errors` with their
 * byte position in the file.
 */
async function runLoadJob(context: BigQueryContext, request: EmulatorRequest, projectId: string, metadata: JobMetadata, data: Buffer): Promise<JobState> {
  const jobId = metadata.jobReference?.jobId ?? newJobId();
  const location = metadata.jobReference?.location ?? context.location;
  const load = metadata.configuration?.load ?? {};
  const created = Date.now();
  const job: JobState = { projectId, jobId, location, resource: {}, pendingChecks: context.runningChecks() };
  const sourceFormat = (load.sourceFormat ?? 'CSV').toUpperCase();
  const writeDisposition = load.writeDisposition ?? 'WRITE_APPEND';
  const createDisposition = load.createDisposition ?? 'CREATE_IF_NEEDED';
  let error: ErrorProto | undefined;
  const errors: ErrorProto[] = [];
  let outputRows = 0;
  let badRecords = 0;
  try {
    const destination = load.destinationTable;
    if (!destination?.tableId || !destination.datasetId)
      throw Object.assign(new Error('Required parameter is missing: destinationTable'), { reason: 'invalid' });
    const ref: TableRef = { projectId: destination.projectId ?? projectId, datasetId: destination.datasetId, tableId: destination.tableId };
    const { warehouse } = context;
    if (!warehouse.getDataset(ref.projectId, ref.datasetId))
      throw Object.assign(new Error(`Not found: Dataset ${ref.projectId}:${ref.datasetId}`), { reason: 'notFound' });
    const exists = await warehouse.tableExists(ref);
    if (!exists && createDisposition === 'CREATE_NEVER')
      throw Object.assign(new Error(`Not found: Table ${ref.projectId}:${ref.datasetId}.${ref.tableId}`), { reason: 'notFound' });
    if (exists && writeDisposition === 'WRITE_EMPTY' && (await warehouse.countRows(ref)) > 0) {
      throw Object.assign(new Error(`Already Exists: Table ${ref.projectId}:${ref.datasetId}.${ref.tableId}`), { reason: 'duplicate' });
    }
    if (!['NEWLINE_DELIMITED_JSON', 'CSV', 'PARQUET'].includes(sourceFormat))
      throw Object.assign(new Error(`Source format ${sourceFormat} is not supported by the emulator (NEWLINE_DELIMITED_JSON, CSV, PARQUET).`), {
        reason: 'invalid',
      });
    const declared = load.schema?.fields?.length ? normalizeSchema(load.schema.fields) : undefined;
    let schema = declared ?? (exists ? await warehouse.schemaOf(ref) : undefined);
    // A truncating load with a schema replaces the table's schema, as WRITE_TRUNCATE does.
    const replaceSchema = exists && writeDisposition.startsWith('WRITE_TRUNCATE') && declared !== undefined;
    if (exists && !replaceSchema && declared === undefined) schema = await warehouse.schemaOf(ref);
    if (exists && !replaceSchema && declared !== undefined) schema = await warehouse.schemaOf(ref);
    let source: SourceRow[];
    if (sourceFormat === 'CSV') {
      if (!schema) throw Object.assign(new Error('No schema specified on job or table.'), { reason: 'invalid' });
      source = readCsv(data, schema, { skipLeadingRows: load.skipLeadingRows ?? 0, delimiter: load.fieldDelimiter ?? ',' });
    } else if (sourceFormat === 'PARQUET') {
      // Parquet rows have no byte position: errors cite the row number.
      source = (await readParquetRows(warehouse, data)).map((value, index) => ({ position: index, value }));
    } else {
      source = readNdjson(data);
    }
    if (!schema) {
      if (!load.autodetect) throw Object.assign(new Error('No schema specified on job or table.'), { reason: 'invalid' });
      schema = detectSchema(source.flatMap((row) => (row.value ? [row.value] : [])));
    }
    if (sourceFormat === 'PARQUET') {
      // A Parquet STRING loaded into a JSON column is parsed as JSON (NDJSON carries the value itself).
      const jsonColumns = schema.filter((field) => field.type.toUpperCase() === 'JSON' && field.mode !== 'REPEATED').map((field) => field.name);
      for (const row of source)
        for (const name of jsonColumns) {
          const value = row.value?.[name];
          if (typeof value !== 'string') continue;
          try {
            row.value![name] = JSON.parse(value);
          } catch {
            row.error = `Invalid JSON in column ${name}`;
          }
        }
    }
    const format = sourceFormat === 'CSV' ? 'CSV' : sourceFormat === 'PARQUET' ? 'Parquet' : 'JSON';
    const good: Array<Record<string, unknown>> = [];
    source.forEach((row, index) => {
      const injected = request.partialFailure?.(row.value, index);
      const coerced = row.error || injected ? undefined : coerceRecord(schema!, row.value!, '', load.ignoreUnknownValues === true);
      const message = row.error ?? injected ?? (coerced && !coerced.ok ? coerced.message : undefined);
      if (message !== undefined) {
        badRecords += 1;
        errors.push({
          reason: 'invalid',
          location: 'file-00000000',
          message:
            sourceFormat === 'PARQUET'
              ? `Error while reading data, error message: ${format} parsing error in row ${row.position}: ${message}`
              : `Error while reading data, error message: ${format} parsing error in row starting at position ${row.position}: ${message}`,
        });
        return;
      }
      if (coerced?.ok) good.push(coerced.value as Record<string, unknown>);
    });
    if (badRecords > (load.maxBadRecords ?? 0)) {
      error = {
        reason: 'invalid',
        location: 'file-00000000',
        message: `Error while reading data, error message: ${format} table encountered too many errors, giving up. Rows: ${source.length}; errors: ${badRecords}. Please look into the errors[] collection for more details.`,
      };
      errors.unshift(error);
    } else {
      if (replaceSchema) await warehouse.deleteTable(ref);
      await warehouse.writeRows(ref, schema, good, { truncate: writeDisposition.startsWith('WRITE_TRUNCATE'), create: !exists || replaceSchema });
      outputRows = good.length;
    }
  } catch (caught) {
    const reason = (caught as { reason?: string }).reason;
    error = reason ? { reason, message: (caught as Error).message } : { reason: 'internalError', message: (caught as Error).message };
    errors.unshift(error);
  }
  job.error = error;
  job.resource = {
    kind: 'bigquery#job',
    etag: `"${jobId}"`,
    id: `${projectId}:${location}.${jobId}`,
    selfLink: `${originOf(request)}/bigquery/v2/projects/${projectId}/jobs/${jobId}?location=${location}`,
    user_email: context.callerOf(request),
    jobReference: { projectId, jobId, location },
    configuration: { jobType: 'LOAD', load: { ...load, sourceFormat, writeDisposition, createDisposition } },
    status: error ? { state: 'DONE', errorResult: error, errors } : errors.length > 0 ? { state: 'DONE', errors } : { state: 'DONE' },
    statistics: {
      creationTime: String(created),
      startTime: String(created),
      endTime: String(Date.now()),
      load: {
        inputFiles: '1',
        inputFileBytes: String(data.length),
        outputRows: String(outputRows),
        outputBytes: String(error ? 0 : data.length),
        badRecords: String(badRecords),
      },
    },
  };
  context.jobs.set(jobKey(projectId, jobId), job);
  return job;
}

/** Refuses a job id already used in the project (409 duplicate), the check that makes client-chosen ids idempotent. */
function duplicate(context: BigQueryContext, projectId: string, metadata: JobMetadata): EmulatorResponse | undefined {
  const jobId = metadata.jobReference?.jobId;
  if (!jobId) return undefined;
  if (!/^[\w-]{1,1024}$/.test(jobId)) return bigQueryError('invalid', `Invalid job ID "${jobId}".`);
  if (!context.jobs.has(jobKey(projectId, jobId))) return undefined;
  return bigQueryError('duplicate', `Already Exists: Job ${projectId}:${metadata.jobReference?.location ?? context.location}.${jobId}`);
}

/** Load jobs with data: `uploadType=multipart` (one request) and `uploadType=resumable` (session, then the bytes). */
export function loadRoutes(context: BigQueryContext, maxUploadBytes: number): Route[] {
  const finish = async (request: EmulatorRequest, projectId: string, metadata: JobMetadata, data: Buffer): Promise<EmulatorResponse> => {
    if (data.length > maxUploadBytes) return bigQueryError('invalid', `Request payload size exceeds the limit: ${maxUploadBytes} bytes.`, {}, 413);
    const refused = duplicate(context, projectId, metadata);
    if (refused) return refused;
    const job = await runLoadJob(context, request, projectId, metadata, data);
    const late = lateFault(context, 'jobs.upload');
    if (late) return late;
    return { status: 200, body: jobResource(job) };
  };
  return [
    {
      method: 'POST',
      path: '/upload/bigquery/v2/projects/:projectId/jobs',
      name: 'jobs.upload',
      handler: async (request) => {
        try {
          const projectId = request.params.projectId!;
          const uploadType = request.url.searchParams.get('uploadType');
          if (uploadType === 'multipart') {
            const parts = parseMultipart(request.rawBody, request.headers['content-type']);
            if (parts?.length !== 2) return bigQueryError('badRequest', 'Multipart upload must have exactly two parts: metadata and media.');
            const metadata = JSON.parse(parts[0]!.toString('utf8')) as JobMetadata;
            return await finish(request, projectId, metadata, parts[1]!);
          }
          if (uploadType === 'resumable') {
            const metadata = (request.body ?? {}) as JobMetadata;
            const refused = duplicate(context, projectId, metadata);
            if (refused) return refused;
            const uploadId = randomUUID().replaceAll('-', '');
            context.uploads.set(uploadId, { projectId, metadata, chunks: [], received: 0 });
            return {
              status: 200,
              headers: { location: `${originOf(request)}/upload/bigquery/v2/projects/${projectId}/jobs?uploadType=resumable&upload_id=${uploadId}` },
            };
          }
          if (uploadType === 'media') return bigQueryError('badRequest', 'uploadType=media carries no job configuration: use multipart or resumable.');
          return bigQueryError('badRequest', `Invalid upload type: ${uploadType ?? '(none)'}`);
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
    {
      method: 'PUT',
      path: '/upload/bigquery/v2/projects/:projectId/jobs',
      name: 'jobs.upload',
      handler: async (request) => {
        try {
          const uploadId = request.url.searchParams.get('upload_id') ?? '';
          const upload = context.uploads.get(uploadId);
          if (!upload) return bigQueryError('notFound', 'No such upload session.');
          // Content-Range: bytes <first>-<last>/<total|*>, or bytes */<total> to finish without data.
          const range = /bytes (\d+)-(\d+)\/(\d+|\*)|bytes \*\/(\d+)/.exec(String(request.headers['content-range'] ?? ''));
          upload.chunks.push(request.rawBody);
          upload.received += request.rawBody.length;
          const total = range ? Number(range[3] ?? range[4]) : upload.received;
          if (range && Number.isFinite(total) && upload.received < total) {
            return { status: 308, headers: { range: `bytes=0-${upload.received - 1}` } };
          }
          if (range && range[3] === '*') return { status: 308, headers: { range: `bytes=0-${upload.received - 1}` } };
          context.uploads.delete(uploadId);
          return await finish(request, upload.projectId, upload.metadata as JobMetadata, Buffer.concat(upload.chunks));
        } catch (error) {
          return errorResponse(error);
        }
      },
    },
  ];
}
