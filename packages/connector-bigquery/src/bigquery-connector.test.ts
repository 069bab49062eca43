import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConnectorError, createConnector, type Row, writeResultOf } from '@automl/connector-core';
import { LeakProbe, runConnectorConformance } from '@automl/connector-core/testing';
import { conformanceFaults } from '@automl/sandbox';
import { bigQueryFault, type BigQueryEmulator, createBigQueryEmulator, type ServiceAccountKey } from '@automl/sandbox/bigquery';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BigQueryConnector } from './bigquery-connector.js';

process.env.METADATA_SERVER_DETECTION = 'none';

const PROJECT = 'automl-tests';
const emulator: BigQueryEmulator = createBigQueryEmulator();
let key: ServiceAccountKey;

/** A connector on the emulator with a fast test policy (tiny backoff, no client-side rate limit). */
function connector(overrides: Record<string, unknown> = {}, options: ConstructorParameters<typeof BigQueryConnector>[1] = {}): BigQueryConnector {
  return new BigQueryConnector(
    {
      connectionType: 'bigquery',
      projectId: PROJECT,
      datasetId: 'shop',
      credentialsJson: key,
      baseUrl: emulator.url,
      maxRetries: 3,
      retryBackoffSeconds: 0.001,
      maxBackoffSeconds: 0.01,
      requestsPerMinute: 0,
      ...overrides,
    },
    { environment: {}, ...options },
  );
}

const customerFields = [
  { name: 'id', type: 'INT64', mode: 'REQUIRED' as const },
  { name: 'name', type: 'STRING' },
  { name: 'score', type: 'FLOAT64' },
];
const customers = [
  { id: 1, name: 'Ada', score: 12.5 },
  { id: 2, name: 'Bob', score: null },
  { id: 3, name: 'Cy', score: 3 },
];

/** Every BigQuery type, one row of values and one of NULLs. */
const allTypeFields = [
  { name: 'i', type: 'INT64' },
  { name: 'big', type: 'INT64' },
  { name: 'n', type: 'NUMERIC' },
  { name: 'bn', type: 'BIGNUMERIC' },
  { name: 'f', type: 'FLOAT64' },
  { name: 'b', type: 'BOOL' },
  { name: 's', type: 'STRING' },
  { name: 'by', type: 'BYTES' },
  { name: 'd', type: 'DATE' },
  { name: 'dt', type: 'DATETIME' },
  { name: 't', type: 'TIME' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'g', type: 'GEOGRAPHY' },
  { name: 'j', type: 'JSON' },
  {
    name: 'st',
    type: 'STRUCT',
    fields: [
      { name: 'a', type: 'INT64' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' as const },
    ],
  },
  { name: 'arr', type: 'INT64', mode: 'REPEATED' as const },
];
const typeRow = {
  i: 42,
  big: '9007199254740993',
  n: '12.5',
  bn: '123456789012345678901234567890.123456789',
  f: 0.25,
  b: true,
  s: 'héllo',
  by: 'AQID',
  d: '2024-01-02',
  dt: '2024-01-02T03:04:05.5',
  t: '12:30:00',
  ts: '2024-01-02T03:04:05.123456Z',
  g: 'POINT(1 2)',
  j: { k: [1, 2] },
  st: { a: 5, tags: ['x', 'y'] },
  arr: [1, 2, 3],
};
const expectedAllTypes: Row = {
  i: 42,
  big: '9007199254740993',
  n: 12.5,
  bn: '123456789012345678901234567890.123456789',
  f: 0.25,
  b: true,
  s: 'héllo',
  by: 'AQID',
  d: new Date('2024-01-02T00:00:00Z'),
  dt: new Date('2024-01-02T03:04:05.500Z'),
  t: '12:30:00',
  ts: new Date('2024-01-02T03:04:05.123Z'),
  g: 'POINT(1 2)',
  j: { k: [1, 2] },
  st: { a: 5, tags: ['x', 'y'] },
  arr: [1, 2, 3],
};
const expectedNulls: Row = {
  i: null,
  big: null,
  n: null,
  bn: null,
  f: null,
  b: null,
  s: null,
  by: null,
  d: null,
  dt: null,
  t: null,
  ts: null,
  g: null,
  j: null,
  st: null,
  arr: [],
};

beforeAll(async () => {
  await emulator.start();
});
afterAll(async () => {
  await emulator.stop();
});

/** An empty project and a new service-account key. */
async function resetProject(): Promise<void> {
  await emulator.reset();
  key = emulator.createServiceAccount({ projectId: PROJECT });
}

async function freshProject(): Promise<void> {
  await resetProject();
  await emulator.seed('shop.customers', customers, customerFields);
}

describe('BigQueryConnector', () => {
  beforeEach(freshProject);

  it('tests the connection: the service account, the project and the dataset location', async () => {
    const bigquery = connector();
    const result = await bigquery.testConnection();
    expect(result).toMatchObject({ ok: true, identity: key.client_email, details: { projectId: PROJECT, datasetId: 'shop', location: 'US' } });
    await bigquery.close();
  });

  it('is what core createConnector() builds for connectionType bigquery, with the key from GOOGLE_BIGQUERY_CREDENTIALS_JSON', async () => {
    const made = await createConnector(
      { connectionType: 'bigquery', projectId: PROJECT, datasetId: 'shop', baseUrl: emulator.url, requestsPerMinute: 0 },
      { environment: { GOOGLE_BIGQUERY_CREDENTIALS_JSON: JSON.stringify(key) } },
    );
    expect(made).toBeInstanceOf(BigQueryConnector);
    expect(await made.readAll({ table: 'customers' })).toEqual(customers);
    await made.close();
  });

  it('reads the key file named by GOOGLE_APPLICATION_CREDENTIALS, and names what is wrong with a bad key without echoing it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bq-key-')), 'key.json');
    writeFileSync(path, JSON.stringify(key));
    const fromFile = connector({ credentialsJson: undefined }, { environment: { GOOGLE_APPLICATION_CREDENTIALS: path } });
    expect((await fromFile.testConnection()).identity).toBe(key.client_email);
    await fromFile.close();
    const broken = `{"type":"service_account","client_email":"${key.client_email}","private_key":"${key.private_key.slice(0, 40)}`;
    const result = await connector({ credentialsJson: broken }).testConnection();
    expect(result.error).toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringMatching(/^Invalid credentials from credentialsJson: not valid JSON/),
    });
    expect(JSON.stringify(result)).not.toContain(key.private_key.slice(30, 40));
  });

  it('names the email to grant roles to when access is denied, and the API to enable when it is off', async () => {
    emulator.denyAccess(key.client_email);
    const denied = await connector().testConnection();
    expect(denied.ok).toBe(false);
    expect(denied.error).toMatchObject({ name: 'PermissionError' });
    expect(denied.error?.hint).toContain(key.client_email);
    expect(denied.error?.hint).toContain('roles/bigquery.jobUser');
    emulator.allowAccess(key.client_email);
    emulator.disableApi(PROJECT);
    const disabled = await connector().testConnection();
    expect(disabled.error?.hint).toContain('Enable the BigQuery API');
    emulator.enableApi(PROJECT);
    const missing = await connector({ datasetId: 'nope' }).testConnection();
    expect(missing.error).toMatchObject({ name: 'NotFoundError' });
  });

  it('reads every BigQuery type the same through a table and through a query', async () => {
    await emulator.seed('shop.types', [typeRow, {}], allTypeFields);
    const bigquery = connector();
    const fromTable = await bigquery.readAll({ table: 'types' });
    const fromQuery = await bigquery.readAll({ query: 'SELECT * FROM `automl-tests.shop.types`' });
    expect(fromTable).toEqual([expectedAllTypes, expectedNulls]);
    expect(fromQuery).toEqual([expectedAllTypes, expectedNulls]);
    const schema = await bigquery.describe('types');
    expect(schema.columns.map((column) => `${column.name}:${column.type}:${column.sourceType}`)).toEqual([
      'i:integer:INTEGER',
      'big:integer:INTEGER',
      'n:number:NUMERIC',
      'bn:number:BIGNUMERIC',
      'f:number:FLOAT',
      'b:boolean:BOOLEAN',
      's:string:STRING',
      'by:string:BYTES',
      'd:date:DATE',
      'dt:datetime:DATETIME',
      't:string:TIME',
      'ts:datetime:TIMESTAMP',
      'g:string:GEOGRAPHY',
      'j:json:JSON',
      'st:json:RECORD',
      'arr:json:ARRAY<INTEGER>',
    ]);
    expect(schema.rowCount).toBe(2);
    expect(schema.sizeBytes).toBeGreaterThan(0);
    await bigquery.close();
  });

  it('reads every type identically through the Storage Read API (Arrow) as through REST, for a table and a query result', async () => {
    await emulator.seed('shop.types', [typeRow, {}], allTypeFields);
    const { host, port } = emulator.storageEndpoint;
    const bigquery = connector({ storageApiEndpoint: `http://${host}:${port}`, storageReadMinRows: 0 });
    expect(await bigquery.readAll({ table: 'types' })).toEqual([expectedAllTypes, expectedNulls]);
    expect(await bigquery.readAll({ query: 'SELECT * FROM shop.types' })).toEqual([expectedAllTypes, expectedNulls]);
    expect(emulator.storageRequests.filter((request) => request.method === 'CreateReadSession')).toHaveLength(2);
    expect(emulator.requestsTo('tabledata.list')).toHaveLength(0);
    await bigquery.close();
  });

  describe('since (incremental reads on incrementalColumn)', () => {
    const eventFields = [
      { name: 'id', type: 'INT64' },
      { name: 'updated', type: 'TIMESTAMP' },
      { name: 'local', type: 'DATETIME' },
      { name: 'day', type: 'DATE' },
    ];
    const events = [
      { id: 1, updated: '2024-03-01T09:59:59.999Z', local: '2024-03-01T09:59:59.999', day: '2024-02-29' },
      { id: 2, updated: '2024-03-01T10:00:00Z', local: '2024-03-01T10:00:00', day: '2024-03-01' },
      { id: 3, updated: '2024-03-02T00:00:00Z', local: '2024-03-02T00:00:00', day: '2024-03-02' },
      { id: 4, updated: null, local: null, day: null },
    ];
    const since = new Date('2024-03-01T10:00:00Z');
    const ids = (rows: Row[]) => rows.map((row) => row.id as number).sort((a, b) => a - b);
    const storage = () => ({ storageApiEndpoint: `http://${emulator.storageEndpoint.host}:${emulator.storageEndpoint.port}`, storageReadMinRows: 0 });

    beforeEach(async () => {
      await emulator.seed('shop.events', events, eventFields);
    });

    for (const [column, expected] of [
      ['updated', [2, 3]],
      ['local', [2, 3]],
      // DATE: from the day of `since`, that whole day included.
      ['day', [2, 3]],
    ] as const) {
      it(`REST path: a query job with a WHERE on the @automl_since parameter (${column})`, async () => {
        const bigquery = connector({ incrementalColumn: column });
        expect(ids(await bigquery.readAll({ table: 'events', since, columns: ['id', column] }))).toEqual(expected);
        const queries = emulator
          .jobsIn(PROJECT)
          .map((job) => (job.resource.configuration as { query?: { query?: string; queryParameters?: unknown[] } }).query);
        expect(queries).toHaveLength(1);
        expect(queries[0]!.query).toContain(`\`${column}\` >= `);
        expect(queries[0]!.queryParameters).toEqual([
          { name: 'automl_since', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: expect.stringMatching(/^2024-03-01[T ]10:00:00/) } },
        ]);
        expect(emulator.requestsTo('tabledata.list')).toHaveLength(0);
        await bigquery.close();
      });

      it(`Storage path: the row filter of the read session (${column})`, async () => {
        const bigquery = connector({ incrementalColumn: column, ...storage() });
        expect(ids(await bigquery.readAll({ table: 'events', since }))).toEqual(expected);
        expect(emulator.storageRequests.filter((request) => request.method === 'CreateReadSession')).toHaveLength(1);
        expect(emulator.jobsIn(PROJECT)).toHaveLength(0);
        await bigquery.close();
      });
    }

    it("combines since with readTable's own row filter", async () => {
      const bigquery = connector({ incrementalColumn: 'updated', ...storage() });
      const rows: Row[] = [];
      for await (const page of bigquery.readTable('events', { rowRestriction: 'id < 3' })) rows.push(...page);
      expect(ids(rows)).toEqual([1, 2]);
      const since: Row[] = [];
      for await (const page of bigquery.read({ table: 'events', since: new Date('2024-03-01T10:00:00Z') })) since.push(...page);
      expect(ids(since)).toEqual([2, 3]);
      await bigquery.close();
    });

    it('refuses since without incrementalColumn, on a query, or on a column that is not a time', async () => {
      const without = connector();
      await expect(without.readAll({ table: 'events', since })).rejects.toMatchObject({ name: 'UnsupportedOperationError' });
      const bigquery = connector({ incrementalColumn: 'updated' });
      await expect(bigquery.readAll({ query: 'SELECT * FROM shop.events', since })).rejects.toMatchObject({ name: 'UnsupportedOperationError' });
      const wrong = connector({ incrementalColumn: 'id' });
      await expect(wrong.readAll({ table: 'events', since })).rejects.toMatchObject({
        name: 'ConfigError',
        message: 'incrementalColumn id is INTEGER: a since read needs a TIMESTAMP, DATETIME or DATE column',
      });
      expect(emulator.requestsTo('tables.get')).toHaveLength(1);
      await Promise.all([without.close(), bigquery.close(), wrong.close()]);
    });
  });

  it('pushes columns and a row filter down to a Storage read session and reads its streams in parallel', async () => {
    const rows = Array.from({ length: 30 }, (_, index) => ({ id: 10 + index, name: `n${index}`, score: index }));
    await emulator.seed('shop.customers', rows);
    const { host, port } = emulator.storageEndpoint;
    const bigquery = connector({ storageApiEndpoint: `http://${host}:${port}` });
    const read = await bigquery.readAll({ table: 'customers' });
    expect(read).toHaveLength(33);
    // 33 rows are below storageReadMinRows (10,000): plain REST pages.
    expect(emulator.storageRequests).toHaveLength(0);
    const pages: Row[][] = [];
    for await (const page of bigquery.readTable('customers', { columns: ['id', 'score'], rowRestriction: 'score >= 10 AND id < 100', maxStreams: 3 }))
      pages.push(page);
    const ids = pages
      .flat()
      .map((row) => row.id as number)
      .sort((a, b) => a - b);
    // Ada (id 1, score 12.5) passes the filter too.
    expect(ids).toEqual([1, ...Array.from({ length: 20 }, (_, index) => 20 + index)]);
    expect(Object.keys(pages[0]![0]!)).toEqual(['id', 'score']);
    expect(emulator.storageRequests.filter((request) => request.method === 'ReadRows').map((request) => request.rows)).toEqual([7, 7, 7]);
    await bigquery.close();
  });

  it('retries a Storage stream that fails UNAVAILABLE through the policy', async () => {
    const { host, port } = emulator.storageEndpoint;
    emulator.faults.inject({ route: 'storage.readRows', times: 1, fault: { kind: 'status', status: 503 } });
    const bigquery = connector({ storageApiEndpoint: `http://${host}:${port}`, storageReadMinRows: 0, maxStreams: 1 });
    expect(await bigquery.readAll({ table: 'customers' })).toEqual(customers);
    expect(emulator.storageRequests.map((request) => `${request.method}:${request.code}`)).toEqual(['CreateReadSession:0', 'ReadRows:14', 'ReadRows:0']);
    await bigquery.close();
  });

  it('runs a query with named parameters and pages its results', async () => {
    const bigquery = connector();
    const pages: number[] = [];
    for await (const page of bigquery.read({ query: 'SELECT id, name FROM customers WHERE id >= @min ORDER BY id', parameters: { min: 2 }, pageSize: 1 }))
      pages.push(page.length);
    expect(pages).toEqual([1, 1]);
    expect(await bigquery.readAll({ query: 'SELECT name FROM shop.customers WHERE name = @name', parameters: { name: 'Cy' } })).toEqual([{ name: 'Cy' }]);
    await bigquery.close();
  });

  it('refuses a query over maximumBytesBilled before it runs, with the estimate and the cap', async () => {
    const bigquery = connector({ maximumBytesBilled: 10 });
    const error = await bigquery.readAll({ query: 'SELECT name FROM shop.customers' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'QuotaError', message: 'The query would process 14 bytes, over maximumBytesBilled (10 bytes): not run' });
    expect(emulator.jobsIn(PROJECT)).toHaveLength(0);
    expect(emulator.billedBytes.get(PROJECT) ?? 0).toBe(0);
    await bigquery.close();
  });

  it('meters what each finished query job processed and billed (never the dry run) to ml_connectors_data_volume_bytes', async () => {
    const registry = new Registry();
    const bigquery = connector({}, { metricsRegistry: registry });
    await bigquery.readAll({ query: 'SELECT id, score FROM shop.customers' });
    await bigquery.write([{ id: 2, name: 'Bob B.', score: 4 }], { table: 'customers', mode: 'upsert', keyColumn: 'id' });
    const volume = async () => {
      const values = (await registry.getSingleMetric('ml_connectors_data_volume_bytes')?.get())?.values ?? [];
      return Object.fromEntries(values.map((value) => [String(value.labels.operation), value.value]));
    };
    const jobs = emulator
      .jobsIn(PROJECT)
      .map((job) => job.resource.statistics as { query?: { totalBytesProcessed?: string; totalBytesBilled?: string } })
      .filter((statistics) => statistics.query);
    // The SELECT and the MERGE: two query jobs, their own figures (the dry run keeps no job and is not counted).
    expect(jobs).toHaveLength(2);
    const processed = jobs.reduce((sum, statistics) => sum + Number(statistics.query!.totalBytesProcessed), 0);
    const billed = jobs.reduce((sum, statistics) => sum + Number(statistics.query!.totalBytesBilled), 0);
    expect(processed).toBeGreaterThan(0);
    expect(billed).toBe(emulator.billedBytes.get(PROJECT));
    expect(await volume()).toMatchObject({ 'query.processed': processed, 'query.billed': billed });
    await bigquery.close();
  });

  it('polls a running query job through the policy until it is complete, without spending retries', async () => {
    emulator.setRunningChecks(6);
    const registry = new Registry();
    const bigquery = connector({ maxRetries: 1 }, { metricsRegistry: registry });
    expect(await bigquery.readAll({ query: 'SELECT COUNT(*) AS n FROM shop.customers' })).toEqual([{ n: 3 }]);
    // 6 "jobComplete: false" answers, then the result: more polls than maxRetries would allow.
    expect(emulator.requestsTo('jobs.getQueryResults').length).toBeGreaterThanOrEqual(7);
    expect((await registry.getSingleMetric('ml_connectors_retries_total')?.get())?.values ?? []).toEqual([]);
    await bigquery.close();
  });

  it('waits for a running load job and MERGE beyond maxRetries', async () => {
    emulator.setRunningChecks(5);
    const bigquery = connector({ maxRetries: 0 });
    const result = await bigquery.write(
      [
        { id: 1, name: 'Ada L.', score: 1 },
        { id: 9, name: 'Ida', score: 9 },
      ],
      { table: 'customers', mode: 'upsert', keyColumn: 'id' },
    );
    expect(result).toMatchObject({ written: 2, failed: [] });
    expect(await emulator.rows('shop.customers')).toHaveLength(4);
    // The load job and the MERGE answered RUNNING several times each, with no retry allowed.
    expect(emulator.requestsTo('jobs.get').length).toBeGreaterThanOrEqual(10);
    await bigquery.close();
  });

  it('gives up on a job still running after jobTimeoutSeconds with a NotReadyError', async () => {
    emulator.setRunningChecks(1_000_000);
    const bigquery = connector({ jobTimeoutSeconds: 0.05 });
    const error = await bigquery.readAll({ query: 'SELECT COUNT(*) AS n FROM shop.customers' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'NotReadyError',
      retryable: false,
      message: expect.stringMatching(/^BigQuery job \S+ still running; still not ready after/),
    });
    await bigquery.close();
  });

  it('retries a 403 rateLimitExceeded (the SDK would not: it retries on status only)', async () => {
    emulator.faults.inject({ route: 'tabledata.list', times: 2, fault: bigQueryFault('rateLimitExceeded') });
    const bigquery = connector();
    expect(await bigquery.readAll({ table: 'customers' })).toHaveLength(3);
    expect(emulator.requestsTo('tabledata.list', 403)).toHaveLength(2);
    await bigquery.close();
  });

  it('does not retry a 403 quotaExceeded', async () => {
    emulator.faults.inject({ route: 'tabledata.list', fault: bigQueryFault('quotaExceeded') });
    const bigquery = connector();
    await expect(bigquery.readAll({ table: 'customers' })).rejects.toMatchObject({ name: 'QuotaError' });
    expect(emulator.requestsTo('tabledata.list', 403)).toHaveLength(1);
    await bigquery.close();
  });

  describe('Parquet loads (loadFormat: PARQUET)', () => {
    it('round-trips every type: rows read from one table, loaded as Parquet into another, read back the same', async () => {
      await emulator.seed('shop.types', [typeRow, {}], allTypeFields);
      await emulator.seed('shop.copy', [], allTypeFields);
      const bigquery = connector({ loadFormat: 'PARQUET' });
      const rows = await bigquery.readAll({ table: 'types' });
      expect(rows).toEqual([expectedAllTypes, expectedNulls]);
      expect(await bigquery.write(rows, { table: 'copy', mode: 'append' })).toMatchObject({ written: 2, failed: [] });
      expect(await bigquery.readAll({ query: 'SELECT * FROM shop.copy ORDER BY i NULLS LAST' })).toEqual([expectedAllTypes, expectedNulls]);
      const loads = emulator.jobsIn(PROJECT).filter((job) => (job.resource.configuration as { jobType?: string }).jobType === 'LOAD');
      expect(loads.map((job) => (job.resource.configuration as { load: { sourceFormat: string } }).load.sourceFormat)).toEqual(['PARQUET']);
      await bigquery.close();
    });

    it('upserts through a Parquet-loaded staging table (last row per key wins) and fails a row that does not fit with its index', async () => {
      const bigquery = connector({ loadFormat: 'PARQUET' });
      const result = await bigquery.write(
        [
          { id: 2, name: 'Bob v1', score: 1 },
          { id: 7, name: 'Gil', score: 'not a number' },
          { id: 2, name: 'Bob v2', score: 2.5 },
          { id: 8, name: 'Hal', score: 8 },
        ],
        { table: 'customers', mode: 'upsert', keyColumn: 'id' },
      );
      expect(result.written).toBe(3);
      expect(result.failed).toEqual([expect.objectContaining({ index: 1, reason: 'score: "not a number" is not a FLOAT64', code: 'invalid' })]);
      const rows = (await emulator.rows('shop.customers')).sort((a, b) => Number(a.id) - Number(b.id));
      expect(rows.map((row) => [Number(row.id), row.name])).toEqual([
        [1, 'Ada'],
        [2, 'Bob v2'],
        [3, 'Cy'],
        [8, 'Hal'],
      ]);
      await bigquery.close();
    });
  });

  it('appends with a load job whose id is derived from the content', async () => {
    const bigquery = connector();
    const result = await bigquery.write(
      [
        { id: 4, name: 'Dee', score: 1 },
        { id: 5, name: 'Eve', score: 2 },
      ],
      { table: 'customers', mode: 'append' },
    );
    expect(result).toMatchObject({ received: 2, written: 2, failed: [] });
    expect(await emulator.countRows('shop.customers')).toBe(5);
    const jobs = emulator.jobsIn(PROJECT);
    expect(jobs.map((job) => job.jobId)).toEqual([expect.stringMatching(/^automl_load_[0-9a-f]{40}$/)]);
    await bigquery.close();
  });

  it('keeps exactly one copy when a load job is answered 503 after it was stored: the retry meets 409 and waits for that job', async () => {
    emulator.lateFaults.inject({ route: 'jobs.upload', times: 1, fault: { kind: 'status', status: 503 } });
    const bigquery = connector();
    const result = await bigquery.write([{ id: 6, name: 'Fay' }], { table: 'customers', mode: 'append' });
    expect(result).toMatchObject({ written: 1, failed: [] });
    expect(emulator.requestsTo('jobs.upload').map((request) => request.status)).toEqual([503, 409]);
    expect(await emulator.countRows('shop.customers')).toBe(4);
    await bigquery.close();
  });

  it('splits a write above the load size bound, each part its own job', async () => {
    const bigquery = connector({}, { maxLoadRows: 2 });
    const rows = Array.from({ length: 5 }, (_, index) => ({ id: 100 + index, name: `n${index}`, score: index }));
    expect(await bigquery.write(rows, { table: 'customers', mode: 'append' })).toMatchObject({ written: 5 });
    expect(emulator.jobsIn(PROJECT)).toHaveLength(3);
    expect(await emulator.countRows('shop.customers')).toBe(8);
    await bigquery.close();
  });

  it('reports rows a load job rejects by their input index, and writes the others', async () => {
    const bigquery = connector();
    const rows = [
      { id: 7, name: 'Gus' },
      { id: 'eight', name: 'Hal' },
      { id: 9, name: 'Ivy', extra: true },
    ];
    const result = await bigquery.write(rows, { table: 'customers', mode: 'append' });
    expect(result.written).toBe(1);
    // The file's lines are the rows as JSON: the second starts after the first and its newline.
    const second = JSON.stringify(rows[0]).length + 1;
    const third = second + JSON.stringify(rows[1]).length + 1;
    expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual([
      [1, `JSON parsing error in row starting at position ${second}: Could not convert value to integer. Field: id; Value: eight`],
      [2, `JSON parsing error in row starting at position ${third}: No such field: extra.`],
    ]);
    expect(await emulator.countRows('shop.customers')).toBe(4);
    await bigquery.close();
  });

  it('overwrites: the first batch truncates, the others append', async () => {
    const bigquery = connector();
    expect(await bigquery.write([{ id: 10, name: 'Jo', score: 1 }], { table: 'customers', mode: 'overwrite' })).toMatchObject({ written: 1 });
    expect(await emulator.rows('shop.customers')).toEqual([{ id: '10', name: 'Jo', score: 1 }]);
    expect(await emulator.warehouse.listTables(PROJECT, 'shop')).toEqual(['customers']);
    await bigquery.close();
  });

  it('upserts on a key with one MERGE: last value per key wins, others untouched', async () => {
    const bigquery = connector({}, { maxLoadRows: 2 });
    const result = await bigquery.write(
      [
        { id: 2, name: 'Bobby', score: 1 },
        { id: 11, name: 'Kim', score: 2 },
        { id: 2, name: 'Robert', score: 3 },
      ],
      { table: 'customers', mode: 'upsert', keyColumn: 'id' },
    );
    expect(result).toMatchObject({ received: 3, written: 3, failed: [] });
    const rows = await emulator.rows('shop.customers');
    expect(rows.map((row) => `${row.id}:${row.name}`)).toEqual(['1:Ada', '2:Robert', '3:Cy', '11:Kim']);
    expect(await emulator.warehouse.listTables(PROJECT, 'shop')).toEqual(['customers']);
    await bigquery.close();
  });

  it('creates a missing table from the rows on append', async () => {
    const bigquery = connector();
    await bigquery.write([{ sku: 'a', qty: 2, at: new Date('2024-05-01T00:00:00Z') }], { table: 'orders', mode: 'append' });
    expect(await bigquery.readAll({ table: 'orders' })).toEqual([{ sku: 'a', qty: 2, at: new Date('2024-05-01T00:00:00Z') }]);
    await bigquery.close();
  });

  it('stops a write on a revoked key with an AuthenticationError and accounts for every row', async () => {
    const bigquery = connector();
    emulator.revokeKey(key.private_key_id);
    const error = await bigquery.write([{ id: 12 }, { id: 13 }], { table: 'customers', mode: 'append' }).catch((caught: unknown) => caught);
    expect(ConnectorError.isInstance(error) && error.kind).toBe('authentication');
    const partial = writeResultOf(error);
    expect(partial ? partial.written + partial.failed.length : 2).toBe(2);
    expect(await emulator.countRows('shop.customers')).toBe(3);
    await bigquery.close();
  });

  it('never shows the private key: not in JSON, inspect, errors or logs', async () => {
    const probe = new LeakProbe();
    const bigquery = connector({}, { logger: probe.logger });
    await probe.run(() => bigquery.readAll({ table: 'customers' }));
    probe.capture(bigquery);
    probe.capture(JSON.stringify(bigquery));
    probe.capture(inspect(bigquery, { depth: 8 }));
    emulator.revokeKey(key.private_key_id);
    await probe.run(() => bigquery.readAll({ table: 'customers' }));
    await probe.run(() => connector({ credentialsJson: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----x"' }).testConnection());
    const secrets = [key.private_key, key.private_key.split('\n')[1]!];
    expect(probe.leaks(secrets)).toEqual([]);
    await bigquery.close();
  });
});

runConnectorConformance(
  'bigquery',
  {
    table: 'customers',
    rows: customers,
    keyColumn: 'id',
    makeRow: (index, version) => ({ id: index, name: `name-${index}-v${version}`, score: version * 1.5 }),
    invalidRow: (index) => ({ id: `not-a-number-${index}`, name: 'bad' }),
    create: (overrides = {}) => connector(overrides),
    reset: resetProject,
    seed: (table, rows) => emulator.seed(`shop.${table}`, rows, customerFields),
    records: async (table) => (await emulator.rows(`shop.${table}`)) as Row[],
    faults: conformanceFaults(emulator.faults, { read: ['tabledata.list', 'tables.get', 'jobs.getQueryResults'], write: 'jobs.upload' }),
    arrivals: () => emulator.requests.map((request) => request.at),
    get secrets() {
      return [key.private_key, key.private_key.split('\n')[1]!];
    },
  },
  { capabilities: { write: true, writeModes: ['append', 'overwrite', 'upsert'] } },
);
