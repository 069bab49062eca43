import { createHash, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { BigQuery, Job, JobMetadata, Table } from '@google-cloud/bigquery';
import { type BatchEntry, type ConnectorContext, inferColumns, type ResolvedWriteRequest, type Row, type WriteSession } from '@automl/connector-core';
import { awaitJob, createOrAdopt } from './bigquery-jobs.js';
import { reasonOf } from './bigquery-errors.js';
import { parquetFile } from './bigquery-parquet.js';
import { type BigQueryField, bigQueryTypeOf, toLoadValue } from './convert-bigquery-row.js';
import { resolveTableName, sqlIdent, sqlPath, type TableName } from './bigquery-table-name.js';

/** The column that orders staged rows, so that the last input row of a key wins the MERGE. */
export const SEQUENCE_COLUMN = '_automl_seq';

export interface LoadWriterOptions {
  bigquery: BigQuery;
  projectId: string;
  datasetId?: string;
  location?: string;
  /** The file format of the load jobs. Default NDJSON. */
  loadFormat?: 'NDJSON' | 'PARQUET';
  /** How long a job still running is waited for (jobTimeoutSeconds). */
  jobBudgetMs: number;
  /** Called with every finished query job (MERGE): its bytes processed and billed are metered. */
  onQueryJob?: (metadata: JobMetadata) => void;
}

/** A job id made of what the job does: the same load retried has the same id, so BigQuery refuses to run it twice. */
export function deterministicJobId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\u0000');
  return `${prefix}_${digest.digest('hex').slice(0, 40)}`;
}

/** A job's failure as the SDK would have thrown it, for the classifier (which reads the reason). */
function jobFailure(error: { reason?: string; message?: string }): Error {
  const status =
    error.reason === 'notFound'
      ? 404
      : error.reason === 'duplicate'
        ? 409
        : error.reason === 'backendError'
          ? 503
          : error.reason === 'internalError'
            ? 500
            : error.reason === 'quotaExceeded' || error.reason === 'accessDenied' || error.reason === 'rateLimitExceeded'
              ? 403
              : 400;
  return Object.assign(new Error(error.message ?? 'BigQuery job failed'), { code: status, errors: [error] });
}

/**
 * Writes through load jobs (multipart uploads of NDJSON, one job per batch). Every job id is
 * derived from the write (a random id per `write()` call), the destination, the mode and the
 * batch's content: a retried batch has the same id, so BigQuery refuses to run it twice (409) and
 * the connector waits for the first job instead. Each batch is complete when it returns, so what
 * a stopped write reports as written is in the table:
 * - `append`: a WRITE_APPEND load into the table (created from the rows' inferred schema if missing);
 * - `overwrite`: the first batch that loads truncates (WRITE_TRUNCATE), batches wait for it, then append;
 * - `upsert`: each batch loads into its own staging table, then one MERGE on the key (the source keeps
 *   the last input row per key) brings it into the table, and the staging table is dropped.
 */
export async function beginLoadWrite(options: LoadWriterOptions, request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<string>> {
  const { bigquery, location } = options;
  const destination = resolveTableName(request.table, options);
  const upsert = request.mode === 'upsert';
  const parquet = options.loadFormat === 'PARQUET';
  const writeId = randomUUID().replaceAll('-', '').slice(0, 16);
  const destinationPath = `${destination.projectId}.${destination.datasetId}.${destination.tableId}`;
  const tableOf = (name: TableName): Table =>
    bigquery.dataset(name.datasetId, { projectId: name.projectId, ...(location ? { location } : {}) }).table(name.tableId, location ? { location } : {});

  const existing = await context
    .call('write', async () => (await tableOf(destination).getMetadata())[0] as { schema?: { fields?: BigQueryField[] } }, { idempotent: true })
    .catch((error: unknown) => {
      if ((error as { kind?: string }).kind === 'not-found') return undefined;
      throw error;
    });
  let destinationFields = existing?.schema?.fields;
  let destinationReady: Promise<void> | undefined = destinationFields ? Promise.resolve() : undefined;

  const createTable = (name: TableName, fields: BigQueryField[], batchContext: ConnectorContext) =>
    batchContext.call(
      'write',
      async () => {
        try {
          await bigquery.dataset(name.datasetId, { projectId: name.projectId }).createTable(name.tableId, { schema: { fields } } as never);
        } catch (error) {
          if (reasonOf(error) !== 'duplicate' && (error as { code?: number }).code !== 409) throw error;
        }
      },
      { idempotent: true },
    );

  /** Creates a missing destination once, from the first batch's rows. */
  const ensureDestination = (rows: Row[], batchContext: ConnectorContext): Promise<void> => {
    destinationReady ??= (async () => {
      const fields = inferColumns(rows).map((column) => ({ name: column.name, type: bigQueryTypeOf(column.type), mode: 'NULLABLE' }));
      await createTable(destination, fields, batchContext);
      destinationFields = fields;
    })().catch((error: unknown) => {
      destinationReady = undefined;
      throw error;
    });
    return destinationReady;
  };

  /** Runs one load job (or adopts the one an earlier attempt created) and maps its row errors to input indexes. */
  const load = async (
    target: TableName,
    fields: readonly BigQueryField[],
    disposition: string,
    batch: ReadonlyArray<BatchEntry<string>>,
    batchContext: ConnectorContext,
  ) => {
    const ndjson = `${batch.map((entry) => entry.payload).join('\n')}\n`;
    const failed: Array<{ index: number; reason: string; code?: string }> = [];
    let sent = batch;
    let data: string | Uint8Array = ndjson;
    if (parquet) {
      // Rows whose values do not fit their columns fail here, with their index; the others go as one Parquet file.
      const file = await parquetFile(
        fields,
        batch.map((entry) => (upsert ? { ...entry.row, [SEQUENCE_COLUMN]: entry.index } : entry.row)),
      );
      for (const failure of file.failed) failed.push({ index: batch[failure.position]!.index, reason: failure.reason, code: 'invalid' });
      sent = file.kept.map((position) => batch[position]!);
      data = file.data;
      if (sent.length === 0) return { failed, body: ndjson, loaded: false };
    }
    const byPosition = new Map<number, number>();
    let offset = 0;
    for (const entry of batch) {
      byPosition.set(offset, entry.index);
      offset += Buffer.byteLength(entry.payload) + 1;
    }
    const jobId = deterministicJobId(
      'automl_load',
      writeId,
      `${target.projectId}.${target.datasetId}.${target.tableId}`,
      disposition,
      parquet ? 'PARQUET' : 'NDJSON',
      parquet ? sent.map((entry) => entry.payload).join('\n') : ndjson,
    );
    const job = await createOrAdopt(batchContext, bigquery, jobId, location, 'write', () =>
      startLoad(tableOf(target), data, jobId, parquet ? 0 : batch.length, disposition, parquet ? 'PARQUET' : 'NEWLINE_DELIMITED_JSON'),
    );
    const metadata = await awaitJob(batchContext, job, 'write', options.jobBudgetMs);
    batchContext.recordBytes('write', typeof data === 'string' ? Buffer.byteLength(data) : data.length);
    for (const error of parquet ? [] : (metadata.status?.errors ?? [])) {
      const position = /position (\d+)/.exec(error.message ?? '');
      const index = position ? byPosition.get(Number(position[1])) : undefined;
      if (index !== undefined)
        failed.push({ index, reason: (error.message ?? '').replace(/^Error while reading data, error message: /, ''), code: error.reason ?? 'invalid' });
    }
    if (metadata.status?.errorResult && failed.length === 0) throw jobFailure(metadata.status.errorResult);
    if (metadata.status?.errorResult) {
      // The job failed as a whole because of its bad rows: none of this batch was written.
      const bad = new Set(failed.map((entry) => entry.index));
      for (const entry of batch)
        if (!bad.has(entry.index))
          failed.push({ index: entry.index, reason: 'Not loaded: the load job failed on other rows of its batch', code: 'BATCH_FAILED' });
    }
    return { failed, body: ndjson, loaded: !metadata.status?.errorResult };
  };

  const runStatement = async (jobId: string, query: string, batchContext: ConnectorContext): Promise<JobMetadata> => {
    const job = await createOrAdopt(
      batchContext,
      bigquery,
      jobId,
      location,
      'write',
      async () => (await bigquery.createQueryJob({ query, jobId, location, useLegacySql: false } as never))[0],
    );
    const metadata = await awaitJob(batchContext, job, 'write', options.jobBudgetMs);
    if (metadata.status?.errorResult) throw jobFailure(metadata.status.errorResult);
    options.onQueryJob?.(metadata);
    return metadata;
  };

  // Overwrite: batches pass one at a time until one has truncated the table, then run freely.
  let truncated = false;
  let truncateTurn: Promise<void> = Promise.resolve();

  const writeOverwrite = async (batch: ReadonlyArray<BatchEntry<string>>, batchContext: ConnectorContext) => {
    if (truncated) return (await load(destination, destinationFields ?? [], 'WRITE_APPEND', batch, batchContext)).failed;
    let release: () => void = () => undefined;
    const previous = truncateTurn;
    truncateTurn = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      const disposition = truncated ? 'WRITE_APPEND' : 'WRITE_TRUNCATE';
      const outcome = await load(destination, destinationFields ?? [], disposition, batch, batchContext);
      if (outcome.loaded) truncated = true;
      return outcome.failed;
    } finally {
      release();
    }
  };

  const writeUpsert = async (batch: ReadonlyArray<BatchEntry<string>>, batchContext: ConnectorContext) => {
    const batchId = deterministicJobId('b', writeId, batch.map((entry) => entry.payload).join('\n')).slice(2, 18);
    const stage: TableName = { ...destination, tableId: `_automl_stage_${destination.tableId}_${writeId}_${batchId}` };
    const columns = (destinationFields ?? []).map((field) => field.name).filter((name) => name !== SEQUENCE_COLUMN);
    const stageFields = [
      ...(destinationFields ?? []).filter((field) => field.name !== SEQUENCE_COLUMN),
      { name: SEQUENCE_COLUMN, type: 'INT64', mode: 'NULLABLE' },
    ];
    await createTable(stage, stageFields, batchContext);
    try {
      const outcome = await load(stage, stageFields, 'WRITE_APPEND', batch, batchContext);
      if (outcome.loaded && outcome.failed.length < batch.length) {
        const key = sqlIdent(request.keyColumn!);
        const latest = `SELECT * EXCEPT (${SEQUENCE_COLUMN}) FROM ${sqlPath(stage)} WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${SEQUENCE_COLUMN} DESC) = 1`;
        const updates = columns.filter((name) => name !== request.keyColumn).map((name) => `${sqlIdent(name)} = S.${sqlIdent(name)}`);
        const merge =
          `MERGE ${sqlPath(destination)} T USING (${latest}) S ON T.${key} = S.${key} ` +
          `WHEN MATCHED THEN UPDATE SET ${updates.join(', ') || `${key} = S.${key}`} ` +
          `WHEN NOT MATCHED THEN INSERT (${columns.map(sqlIdent).join(', ')}) VALUES (${columns.map((name) => `S.${sqlIdent(name)}`).join(', ')})`;
        await runStatement(deterministicJobId('automl_merge', writeId, destinationPath, outcome.body), merge, batchContext);
      }
      return outcome.failed;
    } finally {
      await dropTable(stage, batchContext);
    }
  };

  const dropTable = (name: TableName, batchContext: ConnectorContext) =>
    batchContext
      .call(
        'write',
        async () => {
          try {
            await tableOf(name).delete();
          } catch (error) {
            if ((error as { code?: number }).code !== 404) throw error;
          }
        },
        { idempotent: true },
      )
      .catch(() => undefined);

  return {
    destination: destinationPath,
    prepare: (row, index) => {
      if (upsert) {
        const key = row[request.keyColumn!];
        if (key === undefined || key === null || key === '')
          return { failure: { reason: `The key column ${request.keyColumn} is empty`, code: 'MISSING_KEY' } };
      }
      const record: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(row)) record[name] = toLoadValue(value);
      if (upsert) record[SEQUENCE_COLUMN] = index;
      const payload = JSON.stringify(record);
      return { payload, key: upsert ? String(row[request.keyColumn!]) : undefined, bytes: Buffer.byteLength(payload) + 1 };
    },

    writeBatch: async (batch: ReadonlyArray<BatchEntry<string>>, batchContext) => {
      await ensureDestination(
        batch.map((entry) => entry.row),
        batchContext,
      );
      if (request.mode === 'overwrite') return { failed: await writeOverwrite(batch, batchContext) };
      if (upsert) return { failed: await writeUpsert(batch, batchContext) };
      return { failed: (await load(destination, destinationFields ?? [], 'WRITE_APPEND', batch, batchContext)).failed };
    },
  };
}

/**
 * Starts one load job: a multipart upload (the SDK never retries uploads, so core's policy is the
 * only retry). The SDK's internal writer is used because its public stream also starts its own
 * job polling; ours goes through the policy.
 */
function startLoad(
  table: Table,
  body: string | Uint8Array,
  jobId: string,
  maxBadRecords: number,
  writeDisposition: string,
  sourceFormat: string,
): Promise<Job> {
  const writer = (table as unknown as { createWriteStream_(metadata: Record<string, unknown>): Duplex }).createWriteStream_({
    sourceFormat,
    writeDisposition,
    createDisposition: 'CREATE_NEVER',
    // NDJSON: bad rows are reported one by one by byte position (and mapped back to the input)
    // instead of failing the batch. Parquet rows have no position: the connector checks every
    // value against its column first, and the job loads all of the file or nothing.
    maxBadRecords,
    // Parquet LIST columns load as ARRAYs (not as a record of `list.element`).
    ...(sourceFormat === 'PARQUET' ? { parquetOptions: { enableListInference: true } } : {}),
    jobId,
  });
  return new Promise<Job>((resolve, reject) => {
    writer.once('job', (job: Job) => resolve(job));
    writer.once('error', reject);
    writer.end(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
}
