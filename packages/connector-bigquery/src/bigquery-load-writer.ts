import { createHash, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { BigQuery, Job, JobMetadata, Table } from '@google-cloud/bigquery';
import {
  type BatchEntry,
  type ConnectorContext,
  inferColumns,
  type ResolvedWriteRequest,
  type Row,
  type WriteSession,
} from '@automl/connector-core';
import { awaitJob, createOrAdopt } from './bigquery-jobs.js';
import { reasonOf } from './bigquery-errors.js';
import { type BigQueryField, bigQueryTypeOf, toLoadValue } from './convert-bigquery-row.js';
import { resolveTableName, sqlIdent, sqlPath, type TableName } from './bigquery-table-name.js';

/** The column that orders staged rows, so that the last input row of a key wins the MERGE. */
export const SEQUENCE_COLUMN = '_automl_seq';

export interface LoadWriterOptions {
  bigquery: BigQuery;
  projectId: string;
  datasetId?: string;
  location?: string;
}

/** A job id made of what the job does: the same load retried has the same id, so BigQuery refuses to run it twice. */
export function deterministicJobId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\u0000');
  return `${prefix}_${digest.digest('hex').slice(0, 40)}`;
}

/** A job's failure as the SDK would have thrown it, for the classifier (which reads the reason). */
function jobFailure(error: { reason?: string; message?: string }): Error {
  const status = error.reason === 'notFound' ? 404 : error.reason === 'duplicate' ? 409 : error.reason === 'backendError' ? 503 : error.reason === 'internalError' ? 500 : error.reason === 'quotaExceeded' || error.reason === 'accessDenied' || error.reason === 'rateLimitExceeded' ? 403 : 400;
  return Object.assign(new Error(error.message ?? 'BigQuery job failed'), { code: status, errors: [error] });
}

/**
 * Writes through load jobs (multipart uploads of NDJSON, one job per batch), each with an id
 * derived from its destination, mode and content. `append` loads into the table; `overwrite` and
 * `upsert` load into a staging table and finish with one statement (CREATE OR REPLACE ... AS
 * SELECT, or a MERGE on the key with the last input row per key), then drop the staging table.
 */
export async function beginLoadWrite(options: LoadWriterOptions, request: ResolvedWriteRequest, context: ConnectorContext): Promise<WriteSession<string>> {
  const { bigquery, location } = options;
  const destination = resolveTableName(request.table, options);
  const upsert = request.mode === 'upsert';
  const staged = request.mode !== 'append';
  const writeId = randomUUID().replaceAll('-', '').slice(0, 16);
  const target: TableName = staged ? { ...destination, tableId: `_automl_stage_${destination.tableId}_${writeId}` } : destination;
  const tableOf = (name: TableName): Table => bigquery.dataset(name.datasetId, { projectId: name.projectId, ...(location ? { location } : {}) }).table(name.tableId, location ? { location } : {});

  const existing = await context
    .call('write', async () => (await tableOf(destination).getMetadata())[0] as { schema?: { fields?: BigQueryField[] } }, { idempotent: true })
    .catch((error: unknown) => {
      if ((error as { kind?: string }).kind === 'not-found') return undefined;
      throw error;
    });
  const destinationFields = existing?.schema?.fields;
  let targetFields: BigQueryField[] | undefined = staged ? undefined : destinationFields;
  let targetReady: Promise<void> | undefined = staged ? undefined : destinationFields ? Promise.resolve() : undefined;

  /** Creates the load's table once (staging, or a destination that does not exist yet), from the table's schema or the first rows. */
  const ensureTarget = (rows: Row[]): Promise<void> => {
    targetReady ??= (async () => {
      const fields: BigQueryField[] = destinationFields
        ? destinationFields.filter((field) => field.name !== SEQUENCE_COLUMN)
        : inferColumns(rows).map((column) => ({ name: column.name, type: bigQueryTypeOf(column.type), mode: 'NULLABLE' }));
      if (upsert) fields.push({ name: SEQUENCE_COLUMN, type: 'INT64', mode: 'NULLABLE' });
      targetFields = fields;
      await context.call(
        'write',
        async () => {
          try {
            await bigquery.dataset(target.datasetId, { projectId: target.projectId }).createTable(target.tableId, { schema: { fields } } as never);
          } catch (error) {
            if (reasonOf(error) !== 'duplicate' && (error as { code?: number }).code !== 409) throw error;
          }
        },
        { idempotent: true },
      );
    })().catch((error: unknown) => {
      targetReady = undefined;
      throw error;
    });
    return targetReady;
  };

  const runStatement = async (jobId: string, query: string): Promise<JobMetadata> => {
    const job = await createOrAdopt(context, bigquery, jobId, location, 'write', async () => (await bigquery.createQueryJob({ query, jobId, location, useLegacySql: false } as never))[0]);
    const metadata = await awaitJob(context, job, 'write');
    if (metadata.status?.errorResult) throw jobFailure(metadata.status.errorResult);
    return metadata;
  };

  const dropStaging = async (): Promise<void> => {
    if (!staged || !targetReady) return;
    await context
      .call('write', async () => {
        try {
          await tableOf(target).delete();
        } catch (error) {
          if ((error as { code?: number }).code !== 404) throw error;
        }
      }, { idempotent: true })
      .catch(() => undefined);
  };

  return {
    destination: `${destination.projectId}.${destination.datasetId}.${destination.tableId}`,
    prepare: (row, index) => {
      if (upsert) {
        const key = row[request.keyColumn!];
        if (key === undefined || key === null || key === '') return { failure: { reason: `The key column ${request.keyColumn} is empty`, code: 'MISSING_KEY' } };
      }
      const record: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(row)) record[name] = toLoadValue(value);
      if (upsert) record[SEQUENCE_COLUMN] = index;
      const payload = JSON.stringify(record);
      return { payload, key: upsert ? String(row[request.keyColumn!]) : undefined, bytes: Buffer.byteLength(payload) + 1 };
    },

    writeBatch: async (batch: ReadonlyArray<BatchEntry<string>>, batchContext) => {
      await ensureTarget(batch.map((entry) => entry.row));
      // Byte offset of each line: a load job names a bad row by where it starts in the file.
      const byPosition = new Map<number, number>();
      let offset = 0;
      for (const entry of batch) {
        byPosition.set(offset, entry.index);
        offset += Buffer.byteLength(entry.payload) + 1;
      }
      const body = `${batch.map((entry) => entry.payload).join('\n')}\n`;
      const targetPath = `${target.projectId}.${target.datasetId}.${target.tableId}`;
      const jobId = deterministicJobId('automl_load', targetPath, request.mode, body);
      const table = tableOf(target);
      const job = await createOrAdopt(batchContext, bigquery, jobId, location, 'write', () => startLoad(table, body, jobId, batch.length));
      const metadata = await awaitJob(batchContext, job, 'write');
      batchContext.recordBytes('write', Buffer.byteLength(body));
      const failed: Array<{ index: number; reason: string; code?: string }> = [];
      const rowErrors = (metadata.status?.errors ?? []).filter((error) => /position (\d+)/.test(error.message ?? ''));
      for (const error of rowErrors) {
        const position = Number(/position (\d+)/.exec(error.message ?? '')![1]);
        const index = byPosition.get(position);
        if (index !== undefined) failed.push({ index, reason: (error.message ?? '').replace(/^Error while reading data, error message: /, ''), code: error.reason ?? 'invalid' });
      }
      if (metadata.status?.errorResult && failed.length === 0) throw jobFailure(metadata.status.errorResult);
      if (metadata.status?.errorResult) {
        // The job failed as a whole because of its bad rows: none of this batch was written.
        const bad = new Set(failed.map((entry) => entry.index));
        for (const entry of batch) if (!bad.has(entry.index)) failed.push({ index: entry.index, reason: 'Not loaded: the load job failed on other rows of its batch', code: 'BATCH_FAILED' });
      }
      return { failed };
    },

    commit: async (summary) => {
      if (!staged) return;
      if (summary.written === 0) {
        await dropStaging();
        return;
      }
      const stage = sqlPath(target);
      const dest = sqlPath(destination);
      const statementId = deterministicJobId('automl_commit', writeId, request.mode);
      if (!upsert) {
        await runStatement(statementId, `CREATE OR REPLACE TABLE ${dest} AS SELECT * FROM ${stage}`);
      } else {
        const key = sqlIdent(request.keyColumn!);
        const columns = (targetFields ?? []).map((field) => field.name).filter((name) => name !== SEQUENCE_COLUMN);
        const latest = `SELECT * EXCEPT (${SEQUENCE_COLUMN}) FROM ${stage} WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${SEQUENCE_COLUMN} DESC) = 1`;
        const statement = destinationFields
          ? `MERGE ${dest} T USING (${latest}) S ON T.${key} = S.${key} ` +
            `WHEN MATCHED THEN UPDATE SET ${columns.filter((name) => name !== request.keyColumn).map((name) => `${sqlIdent(name)} = S.${sqlIdent(name)}`).join(', ') || `${key} = S.${key}`} ` +
            `WHEN NOT MATCHED THEN INSERT (${columns.map(sqlIdent).join(', ')}) VALUES (${columns.map((name) => `S.${sqlIdent(name)}`).join(', ')})`
          : `CREATE TABLE ${dest} AS ${latest}`;
        await runStatement(statementId, statement);
      }
      await dropStaging();
    },

    abort: async () => {
      await dropStaging();
    },
  };
}

/**
 * Starts one load job: a multipart upload (the SDK never retries uploads, so core's policy is the
 * only retry). The SDK's internal writer is used because its public stream also starts its own
 * job polling; ours goes through the policy.
 */
function startLoad(table: Table, body: string, jobId: string, rows: number): Promise<Job> {
  const writer = (table as unknown as { createWriteStream_(metadata: Record<string, unknown>): Duplex }).createWriteStream_({
    sourceFormat: 'NEWLINE_DELIMITED_JSON',
    writeDisposition: 'WRITE_APPEND',
    createDisposition: 'CREATE_NEVER',
    // Bad rows are reported one by one (and mapped back to the input) instead of failing the batch.
    maxBadRecords: rows,
    jobId,
  });
  return new Promise<Job>((resolve, reject) => {
    writer.once('job', (job: Job) => resolve(job));
    writer.once('error', reject);
    writer.end(body);
  });
}
