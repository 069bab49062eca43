import { BigQuery } from '@google-cloud/bigquery';
import { JWT } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBigQueryEmulator, type BigQueryEmulator } from './bigquery-emulator.js';
import { bigQueryFault } from './bigquery-errors.js';
import type { ServiceAccountKey } from '../google/google-service-accounts.js';

process.env.METADATA_SERVER_DETECTION = 'none';

/** The real client, authenticated as the connector does: a self-signed JWT with the BigQuery scope. */
function client(emulator: BigQueryEmulator, key: ServiceAccountKey): BigQuery {
  const jwt = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: ['https://www.googleapis.com/auth/bigquery'] });
  jwt.useJWTAccessWithScope = true;
  return new BigQuery({ projectId: key.project_id, apiEndpoint: emulator.url, authClient: jwt, autoRetry: false });
}

describe('BigQuery emulator with @google-cloud/bigquery', () => {
  let emulator: BigQueryEmulator;
  let key: ServiceAccountKey;
  let bigquery: BigQuery;

  beforeAll(async () => {
    emulator = createBigQueryEmulator();
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    await emulator.reset();
    key = emulator.createServiceAccount({ projectId: 'automl-tests' });
    bigquery = client(emulator, key);
    await emulator.seed(
      'shop.customers',
      [
        { id: 1, name: 'Ada', score: 12.5, active: true, joined: '2024-01-02T03:04:05.123456Z', day: '2024-01-02' },
        { id: 2, name: 'Bob', score: null, active: false, joined: '2024-02-03T00:00:00Z', day: '2024-02-03' },
        { id: 3, name: 'Cy', score: 3, active: true, joined: null, day: null },
      ],
      [
        { name: 'id', type: 'INT64', mode: 'REQUIRED' },
        { name: 'name', type: 'STRING' },
        { name: 'score', type: 'FLOAT64' },
        { name: 'active', type: 'BOOL' },
        { name: 'joined', type: 'TIMESTAMP' },
        { name: 'day', type: 'DATE' },
      ],
    );
  });

  it('lists datasets and tables and describes a table with legacy type names, rows and bytes', async () => {
    const [datasets] = await bigquery.getDatasets();
    expect(datasets.map((dataset) => dataset.id)).toEqual(['shop']);
    const [tables] = await bigquery.dataset('shop').getTables();
    expect(tables.map((table) => table.id)).toEqual(['customers']);
    const [metadata] = await bigquery.dataset('shop').table('customers').getMetadata();
    expect(metadata.schema.fields.map((field: { type: string }) => field.type)).toEqual(['INTEGER', 'STRING', 'FLOAT', 'BOOLEAN', 'TIMESTAMP', 'DATE']);
    expect(metadata.numRows).toBe('3');
    // 3 ids (8) + names (2+3, 2+3, 2+2) + 2 scores (8) + 3 bools + 2 timestamps (8) + 2 dates (8)
    expect(Number(metadata.numBytes)).toBe(24 + 14 + 16 + 3 + 16 + 16);
  });

  it('pages tabledata.list and types rows through the SDK (int64 timestamps honoured)', async () => {
    const table = bigquery.dataset('shop').table('customers');
    const [rows] = await table.getRows();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ id: 1, name: 'Ada', score: 12.5, active: true });
    expect(rows[0]!.joined.value).toBe('2024-01-02T03:04:05.123456000Z');
    expect(rows[0]!.day.value).toBe('2024-01-02');
    const [page, next] = await table.getRows({ maxResults: 2, autoPaginate: false });
    expect(page).toHaveLength(2);
    expect(next).toMatchObject({ pageToken: expect.any(String) });
    const [rest] = await table.getRows({ ...next, autoPaginate: false });
    expect(rest.map((row) => row.id)).toEqual([3]);
  });

  it('runs a GoogleSQL query with named parameters through jobs.query and pages getQueryResults', async () => {
    const [rows] = await bigquery.query({
      query: 'SELECT id, UPPER(name) AS shout FROM `automl-tests.shop.customers` WHERE id >= @min AND name != "Zed" ORDER BY id',
      params: { min: 2 },
    });
    expect(rows).toEqual([
      { id: 2, shout: 'BOB' },
      { id: 3, shout: 'CY' },
    ]);
    const [job] = await bigquery.createQueryJob({ query: 'SELECT * EXCEPT (score) FROM shop.customers ORDER BY id', jobId: 'fixed-query-1' });
    const [first, nextQuery] = await job.getQueryResults({ maxResults: 2, autoPaginate: false });
    expect(first.map((row) => row.id)).toEqual([1, 2]);
    expect(Object.keys(first[0]!)).not.toContain('score');
    const [second] = await job.getQueryResults({ ...nextQuery, autoPaginate: false });
    expect(second.map((row) => row.id)).toEqual([3]);
  });

  it('answers a repeated client job id with 409 duplicate, as BigQuery does', async () => {
    await bigquery.createQueryJob({ query: 'SELECT 1 AS x', jobId: 'same-id' });
    await expect(bigquery.createQueryJob({ query: 'SELECT 1 AS x', jobId: 'same-id' })).rejects.toMatchObject({
      code: 409,
      message: expect.stringContaining('Already Exists: Job automl-tests:US.same-id'),
    });
    expect(emulator.jobsIn('automl-tests')).toHaveLength(1);
  });

  it('lists jobs newest first, with their configuration under projection=full only', async () => {
    await bigquery.createQueryJob({ query: 'SELECT 1 AS x', jobId: 'first' });
    await bigquery.createQueryJob({ query: 'SELECT 2 AS x', jobId: 'second' });
    const [minimal] = await bigquery.getJobs();
    expect(minimal.map((job) => job.id)).toEqual(['second', 'first']);
    expect(minimal[0]!.metadata.configuration).toBeUndefined();
    const [full] = await bigquery.getJobs({ projection: 'full', maxResults: 1, autoPaginate: false });
    expect(full.map((job) => job.metadata.configuration?.query?.query)).toEqual(['SELECT 2 AS x']);
  });

  it('reports jobComplete: false while a job runs, then the rows', async () => {
    emulator.setRunningChecks(2);
    const [job] = await bigquery.createQueryJob({ query: 'SELECT COUNT(*) AS n FROM shop.customers' });
    const [rows] = await job.getQueryResults();
    expect(rows).toEqual([{ n: 3 }]);
    const polls = emulator.requestsTo('jobs.getQueryResults').length + emulator.requestsTo('jobs.get').length;
    expect(polls).toBeGreaterThanOrEqual(2);
  });

  it('dry-runs a query with totalBytesProcessed of the columns it names, and refuses one over maximumBytesBilled before it runs', async () => {
    const [dry] = await bigquery.createQueryJob({ query: 'SELECT id, name FROM shop.customers', dryRun: true });
    expect(Number(dry.metadata.statistics.totalBytesProcessed)).toBe(24 + 14);
    const before = emulator.jobsIn().length;
    await expect(bigquery.query({ query: 'SELECT name FROM shop.customers', maximumBytesBilled: '1000' })).rejects.toMatchObject({
      message: 'Query exceeded limit for bytes billed: 1000. 10485760 or higher required.',
      errors: [expect.objectContaining({ reason: 'bytesBilledLimitExceeded' })],
    });
    expect(emulator.billedBytes.get('automl-tests') ?? 0).toBe(0);
    expect(emulator.jobsIn().length).toBe(before + 1);
    const [ok] = await bigquery.query({ query: 'SELECT name FROM shop.customers ORDER BY id', maximumBytesBilled: String(10 * 1024 * 1024) });
    expect(ok.map((row) => row.name)).toEqual(['Ada', 'Bob', 'Cy']);
  });

  it('loads NDJSON through a multipart upload with a client job id; a repeat of the id gets 409 and loads nothing', async () => {
    const table = bigquery.dataset('shop').table('customers');
    const data = `${JSON.stringify({ id: 4, name: 'Dee', active: true })}\n${JSON.stringify({ id: 5, name: 'Eve' })}\n`;
    const load = (jobId: string) =>
      new Promise<unknown>((resolve, reject) => {
        const stream = table.createWriteStream({ sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_APPEND', jobId } as never);
        stream.on('error', reject).on('complete', resolve);
        stream.end(data);
      });
    await load('load-abc');
    expect(await emulator.countRows('shop.customers')).toBe(5);
    await expect(load('load-abc')).rejects.toMatchObject({ code: 409 });
    expect(await emulator.countRows('shop.customers')).toBe(5);
    const upload = emulator.requestsTo('jobs.upload')[0]!;
    expect(upload.query).toContain('uploadType=multipart');
  });

  it('loads a Parquet file (read by DuckDB; a decimal(76, 38) column decoded exactly), JSON text parsed into a JSON column', async () => {
    const { Table: WasmTable, writeParquet } = await import('parquet-wasm');
    const { Decimal, Int64, Table, TimestampMicrosecond, Utf8, tableToIPC, vectorFromArray } = await import('apache-arrow');
    await emulator.seed(
      'shop.wide',
      [],
      [
        { name: 'id', type: 'INT64' },
        { name: 'bn', type: 'BIGNUMERIC' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'doc', type: 'JSON' },
      ],
    );
    // 123456789012345678901234567890.123456789 scaled by 10^38, in little-endian 32-bit words.
    let scaled = 123456789012345678901234567890123456789n * 10n ** 29n;
    const words = new Uint32Array(8);
    for (let index = 0; index < 8; index += 1) {
      words[index] = Number(scaled & 0xffffffffn);
      scaled >>= 32n;
    }
    const arrow = new Table({
      id: vectorFromArray([7n, 8n], new Int64()),
      bn: vectorFromArray([words, null], new Decimal(38, 76, 256)),
      ts: vectorFromArray([1_704_164_645_123, null], new TimestampMicrosecond('UTC')),
      doc: vectorFromArray(['{"k":[1,2]}', null], new Utf8()),
    });
    const file = writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream')));
    await new Promise<unknown>((resolve, reject) => {
      const stream = bigquery
        .dataset('shop')
        .table('wide')
        .createWriteStream({ sourceFormat: 'PARQUET', jobId: 'parquet-1' } as never);
      stream.on('error', reject).on('complete', resolve);
      stream.end(Buffer.from(file));
    });
    const rows = (await emulator.rows('shop.wide')).sort((a, b) => Number(a.id) - Number(b.id));
    expect(rows).toEqual([
      // The JSON column holds the parsed document, not a JSON string of its text.
      { id: '7', bn: '123456789012345678901234567890.123456789', ts: '2024-01-02 03:04:05.123+00', doc: '{"k":[1,2]}' },
      { id: '8', bn: null, ts: null, doc: null },
    ]);
  });

  it('fails a load with bad rows atomically, citing each row by its byte position', async () => {
    const table = bigquery.dataset('shop').table('customers');
    const good = `${JSON.stringify({ id: 6, name: 'Fay' })}\n`;
    const bad = `${JSON.stringify({ id: 'seven', name: 'Gus' })}\n`;
    const failure = await new Promise<{ errors?: Array<{ message: string }> }>((resolve) => {
      const stream = table.createWriteStream({ sourceFormat: 'NEWLINE_DELIMITED_JSON', jobId: 'bad-load' } as never);
      stream.on('error', (error) => resolve(error as never)).on('complete', () => resolve({}));
      stream.end(good + bad);
    });
    expect(failure.errors?.map((error) => error.message)).toEqual([
      'Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: 2; errors: 1. Please look into the errors[] collection for more details.',
      `Error while reading data, error message: JSON parsing error in row starting at position ${good.length}: Could not convert value to integer. Field: id; Value: seven`,
    ]);
    expect(await emulator.countRows('shop.customers')).toBe(3);
  });

  it('runs MERGE on a staging table (last row per key wins when the source is deduplicated)', async () => {
    await emulator.seed(
      'shop.staging',
      [
        { id: 2, name: 'Bobby', _seq: 1 },
        { id: 2, name: 'Robert', _seq: 2 },
        { id: 9, name: 'Ida', _seq: 3 },
      ],
      [
        { name: 'id', type: 'INTEGER' },
        { name: 'name', type: 'STRING' },
        { name: '_seq', type: 'INTEGER' },
      ],
    );
    const sql = `MERGE \`automl-tests.shop.customers\` T
      USING (SELECT * EXCEPT (_seq) FROM shop.staging QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _seq DESC) = 1) S
      ON T.id = S.id
      WHEN MATCHED THEN UPDATE SET name = S.name
      WHEN NOT MATCHED THEN INSERT (id, name) VALUES (S.id, S.name)`;
    const [job] = await bigquery.createQueryJob({ query: sql });
    await job.getQueryResults();
    const [metadata] = await job.getMetadata();
    expect(metadata.statistics.query.numDmlAffectedRows).toBe('2');
    const rows = await emulator.rows('shop.customers');
    expect(rows.map((row) => `${row.id}:${row.name}`)).toEqual(['1:Ada', '2:Robert', '3:Cy', '9:Ida']);
  });

  it('answers injected reasons with BigQuery bodies: 403 rateLimitExceeded, 503 backendError', async () => {
    emulator.faults.inject({ route: 'tables.get', times: 1, fault: bigQueryFault('rateLimitExceeded') });
    await expect(bigquery.dataset('shop').table('customers').getMetadata()).rejects.toMatchObject({
      code: 403,
      errors: [expect.objectContaining({ reason: 'rateLimitExceeded' })],
    });
    emulator.faults.inject({ route: 'tables.get', times: 1, fault: { kind: 'status', status: 503 } });
    await expect(bigquery.dataset('shop').table('customers').getMetadata()).rejects.toMatchObject({
      code: 503,
      errors: [expect.objectContaining({ reason: 'backendError' })],
    });
    await expect(bigquery.dataset('shop').table('customers').getMetadata()).resolves.toBeDefined();
  });

  it('refuses a JWT from a revoked key with 401, and a denied account with 403 accessDenied', async () => {
    emulator.denyAccess(key.client_email);
    await expect(bigquery.getDatasets()).rejects.toMatchObject({ code: 403, errors: [expect.objectContaining({ reason: 'accessDenied' })] });
    emulator.allowAccess(key.client_email);
    emulator.revokeKey(key.private_key_id);
    await expect(bigquery.getDatasets()).rejects.toMatchObject({ code: 401 });
  });

  it('streams rows with insertAll: insertIds de-duplicate, a bad row stops the request unless skipInvalidRows', async () => {
    const table = bigquery.dataset('shop').table('customers');
    const rows = [
      { insertId: 'r-4', json: { id: 4, name: 'Dee' } },
      { insertId: 'r-5', json: { id: 'five', name: 'Eve' } },
    ];
    const refused = await table.insert(rows, { raw: true }).catch((error: { errors?: Array<{ errors: Array<{ reason: string }> }> }) => error);
    expect((refused as { errors?: Array<{ errors: Array<{ reason: string }> }> }).errors?.map((entry) => entry.errors[0]!.reason)).toEqual([
      'stopped',
      'invalid',
    ]);
    expect(await emulator.countRows('shop.customers')).toBe(3);
    await table.insert(rows, { raw: true, skipInvalidRows: true }).catch(() => undefined);
    await table.insert([rows[0]!], { raw: true });
    expect(await emulator.countRows('shop.customers')).toBe(4);
  });

  it('takes a resumable upload in chunks', async () => {
    const start = await fetch(`${emulator.url}/upload/bigquery/v2/projects/automl-tests/jobs?uploadType=resumable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer(key)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        jobReference: { jobId: 'resumable-1' },
        configuration: {
          load: { destinationTable: { projectId: 'automl-tests', datasetId: 'shop', tableId: 'customers' }, sourceFormat: 'NEWLINE_DELIMITED_JSON' },
        },
      }),
    });
    const session = start.headers.get('location')!;
    const body = Buffer.from('{"id":10}\n{"id":11}\n');
    const first = await fetch(session, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await bearer(key)}`, 'content-range': `bytes 0-9/${body.length}` },
      body: body.subarray(0, 10),
    });
    expect(first.status).toBe(308);
    const last = await fetch(session, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await bearer(key)}`, 'content-range': `bytes 10-${body.length - 1}/${body.length}` },
      body: body.subarray(10),
    });
    expect(last.status).toBe(200);
    expect(((await last.json()) as { status: { state: string } }).status.state).toBe('DONE');
    expect(await emulator.countRows('shop.customers')).toBe(5);
  });
});

async function bearer(key: ServiceAccountKey): Promise<string> {
  const jwt = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: ['https://www.googleapis.com/auth/bigquery'] });
  jwt.useJWTAccessWithScope = true;
  const headers = await jwt.getRequestHeaders();
  return (headers.get('authorization') ?? '').replace(/^Bearer /, '');
}
