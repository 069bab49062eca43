import { createHash } from 'node:crypto';
import { type BatchOutcome, DataError } from '@automl/connector-core';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { type BulkJobInfo, waitForJob } from './salesforce-bulk-job.js';
import type { SalesforceWriteEntry } from './salesforce-collections-writer.js';
import type { SalesforceRemote } from './salesforce-remote.js';

type Failure = NonNullable<BatchOutcome['failed']>[number];

/**
 * Bulk ingest jobs this connector submitted and has not seen finish, by the content they carry: a
 * write of the same rows after a polling timeout (or a retry of the batch) waits for that job
 * instead of submitting the rows again.
 */
export class BulkIngestJobs {
  readonly #pending = new Map<string, string>();

  get(fingerprint: string): string | undefined {
    return this.#pending.get(fingerprint);
  }

  remember(fingerprint: string, jobId: string): void {
    this.#pending.set(fingerprint, jobId);
  }

  forget(fingerprint: string): void {
    this.#pending.delete(fingerprint);
  }

  /** Job ids still awaited, for the caller's records. */
  pending(): string[] {
    return [...this.#pending.values()];
  }
}

/** The rows as Bulk CSV: a header of every column, `#N/A` for a null (Bulk's way to clear a field), empty for absent. */
export function toBulkCsv(entries: ReadonlyArray<SalesforceWriteEntry>): { csv: string; columns: string[] } {
  const columns = [...new Set(entries.flatMap((entry) => Object.keys(entry.values)))];
  const rows = entries.map((entry) =>
    columns.map((name) => {
      const value = entry.values[name];
      if (value === undefined) return '';
      if (value === null) return '#N/A';
      return String(value);
    }),
  );
  return { csv: stringify([columns, ...rows], { record_delimiter: '\n' }), columns };
}

export interface BulkWriteOptions {
  jobs: BulkIngestJobs;
  pollTimeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Upsert by an External ID through one Bulk API 2.0 ingest job: create, upload the CSV, close,
 * wait, then map successfulResults / failedResults back to input rows by the key (Bulk does not keep
 * the upload's order); rows in neither are reported unprocessed. The job id is kept until its
 * results are read, so a polling timeout never leads to the rows being submitted twice.
 */
export async function upsertBulk(
  remote: SalesforceRemote,
  object: string,
  keyField: string,
  entries: ReadonlyArray<SalesforceWriteEntry>,
  options: BulkWriteOptions,
): Promise<BatchOutcome> {
  const { csv } = toBulkCsv(entries);
  const fingerprint = createHash('sha256').update(`${object}\n${keyField}\n${csv}`).digest('hex');
  let jobId = options.jobs.get(fingerprint);
  let info: BulkJobInfo | undefined;
  if (jobId) {
    info = (await remote.send<BulkJobInfo>('write.bulk', { method: 'GET', path: `/jobs/ingest/${jobId}` })).body;
  } else {
    const created = await remote.send<BulkJobInfo>(
      'write.bulk',
      { method: 'POST', path: '/jobs/ingest', body: { object, operation: 'upsert', externalIdFieldName: keyField, contentType: 'CSV', lineEnding: 'LF' } },
      { idempotent: false },
    );
    jobId = created.body.id;
    info = created.body;
    options.jobs.remember(fingerprint, jobId);
  }
  if (info.state === 'Open') {
    // One upload per job: a repeated PUT after a lost answer is refused by Salesforce, not applied twice.
    await remote.send('write.bulk', { method: 'PUT', path: `/jobs/ingest/${jobId}/batches`, body: csv, contentType: 'text/csv' }, { idempotent: false });
    await remote.send('write.bulk', { method: 'PATCH', path: `/jobs/ingest/${jobId}`, body: { state: 'UploadComplete' } }, { idempotent: false });
  }
  try {
    await waitForJob(remote, `/jobs/ingest/${jobId}`, options.pollTimeoutMs, 'write.bulk', options.signal);
  } catch (error) {
    // A job that failed or was aborted is not waited for again: the next write submits a new one.
    if (DataError.isInstance(error)) options.jobs.forget(fingerprint);
    throw error;
  }
  const outcome = await readResults(remote, jobId, keyField, entries);
  options.jobs.forget(fingerprint);
  return outcome;
}

async function readResults(remote: SalesforceRemote, jobId: string, keyField: string, entries: ReadonlyArray<SalesforceWriteEntry>): Promise<BatchOutcome> {
  const table = async (kind: string) => {
    const response = await remote.send<string>('write.bulk', { method: 'GET', path: `/jobs/ingest/${jobId}/${kind}`, responseType: 'text/plain' });
    return parse(response.body, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  };
  const [successful, failedRows] = [await table('successfulResults'), await table('failedResults')];
  const byKey = new Map(entries.map((entry) => [String(entry.values[keyField] ?? '').toLowerCase(), entry]));
  const seen = new Set<number>();
  const failed: Failure[] = [];
  let created = 0;
  let updated = 0;
  for (const row of successful) {
    const entry = byKey.get(String(row[keyField] ?? '').toLowerCase());
    if (!entry || seen.has(entry.index)) continue;
    seen.add(entry.index);
    if (row.sf__Created === 'true') created += 1;
    else updated += 1;
  }
  for (const row of failedRows) {
    const entry = byKey.get(String(row[keyField] ?? '').toLowerCase());
    if (!entry || seen.has(entry.index)) continue;
    seen.add(entry.index);
    const text = row.sf__Error ?? 'rejected by Salesforce';
    const code = /^([A-Z_]+):/.exec(text)?.[1] ?? 'BULK_RECORD_FAILED';
    failed.push({ index: entry.index, reason: text.replace(/\s*--\s*$/, ''), code });
  }
  for (const entry of entries) {
    if (!seen.has(entry.index)) failed.push({ index: entry.index, reason: `Bulk API job ${jobId} did not process this record`, code: 'UNPROCESSED' });
  }
  return { failed, created, updated };
}
