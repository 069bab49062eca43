import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBSQLClient } from '@databricks/sql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabricksEmulator, type DatabricksEndpoint } from './index.js';

const emulator = createDatabricksEmulator({ tokens: [{ token: 'dapi-test-token-0001' }, { token: 'dapi-reader-0002', readOnly: true }] });
let endpoint: DatabricksEndpoint;
const clients: DBSQLClient[] = [];

const silent = { log: () => undefined } as never;

/** A driver client on an emulator, `options` added to connect's; the caller closes it (clients of the shared emulator are closed after all tests). */
async function connectTo(on: DatabricksEndpoint, options: Record<string, unknown> = {}): Promise<DBSQLClient> {
  const client = new DBSQLClient({ logger: silent });
  await client.connect({
    host: on.host,
    port: on.port,
    path: on.httpPath,
    token: on.token,
    customCaCert: on.caCert,
    telemetryEnabled: false,
    ...options,
  } as never);
  return client;
}

async function session(options: { token?: string; catalog?: string; schema?: string } = {}) {
  const client = await connectTo(endpoint, { token: options.token ?? endpoint.token, retryMaxAttempts: 1 });
  clients.push(client);
  return client.openSession({ initialCatalog: options.catalog ?? 'main', initialSchema: options.schema ?? 'default' });
}

async function query(sql: string, options: { namedParameters?: Record<string, unknown>; token?: string } = {}) {
  const opened = await session({ token: options.token });
  const operation = await opened.executeStatement(sql, options.namedParameters ? { namedParameters: options.namedParameters as never } : {});
  try {
    return await operation.fetchAll();
  } finally {
    await operation.close().catch(() => undefined);
    await opened.close();
  }
}

beforeAll(async () => {
  endpoint = await emulator.start();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await emulator.reset();
});

afterAll(async () => {
  await emulator.stop();
});

describe('Databricks emulator with the real @databricks/sql driver', () => {
  it('answers a query over HTTPS with the test CA, typed from Arrow', async () => {
    await emulator.seed('main.default.people', [], {
      columns: { id: 'BIGINT', name: 'STRING', score: 'DOUBLE', amount: 'DECIMAL(20,4)', born: 'DATE', seen: 'TIMESTAMP', ok: 'BOOLEAN' },
    });
    await emulator.sql(
      `INSERT INTO uc_main."default".people VALUES (9007199254740993, 'Ada', 1.5, 12345678901234.5678, '1990-01-31', '2024-05-01 10:20:30.123', true), (2, NULL, NULL, NULL, NULL, NULL, NULL)`,
    );
    const rows = (await query('SELECT * FROM `people` ORDER BY id DESC')) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ name: 'Ada', score: 1.5, ok: true });
    expect(rows[0]?.born).toEqual(new Date('1990-01-31T00:00:00Z'));
    expect(rows[0]?.seen).toEqual(new Date('2024-05-01T10:20:30.123Z'));
    expect(rows[1]).toEqual({ id: 2, name: null, score: null, amount: null, born: null, seen: null, ok: null });
  });

  it('keeps BIGINT and DECIMAL exact with preserveBigNumericPrecision', async () => {
    await emulator.seed('big', [], { columns: { id: 'BIGINT', amount: 'DECIMAL(38,6)' } });
    await emulator.sql(`INSERT INTO uc_main."default".big VALUES (9007199254740993, 123456789012345678901234567890.123456), (-5, -0.000001)`);
    const client = await connectTo(endpoint, { preserveBigNumericPrecision: true });
    clients.push(client);
    const opened = await client.openSession({ initialCatalog: 'main', initialSchema: 'default' });
    const rows = (await (await opened.executeStatement('SELECT * FROM big ORDER BY id DESC')).fetchAll()) as Array<Record<string, unknown>>;
    expect(rows[0]?.id).toBe(9007199254740993n);
    expect(String(rows[0]?.amount)).toBe('123456789012345678901234567890.123456');
    expect(String(rows[1]?.amount)).toBe('-0.000001');
  });

  it('binds named parameters with their types', async () => {
    await emulator.seed('t', [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    const rows = await query('SELECT name FROM main.default.t WHERE id = :id AND name <> :other', { namedParameters: { id: 2, other: 'z' } });
    expect(rows).toEqual([{ name: 'b' }]);
  });

  it('pages a large result with fetchChunk in bounded chunks', async () => {
    await emulator.sql('CREATE TABLE uc_main."default".many AS SELECT range AS id, range::VARCHAR AS label FROM range(25000)');
    const opened = await session();
    const operation = await opened.executeStatement('SELECT * FROM many ORDER BY id', { maxRows: 10_000 });
    const sizes: number[] = [];
    let last = -1;
    do {
      const chunk = (await operation.fetchChunk({ maxRows: 10_000 })) as Array<{ id: number }>;
      if (chunk.length > 0) {
        sizes.push(chunk.length);
        expect(chunk[0]?.id).toBe(last + 1);
        last = chunk.at(-1)?.id ?? last;
      }
    } while (await operation.hasMoreRows());
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000);
    expect(emulator.requests.filter((request) => request.route === 'FetchResults').length).toBeGreaterThanOrEqual(2);
  });

  it('surfaces SQL errors late, as OperationStateError with the sqlState', async () => {
    const opened = await session();
    const operation = await opened.executeStatement('SELECT * FROM missing_table');
    const error = (await operation.fetchAll().catch((caught: unknown) => caught)) as {
      name: string;
      errorCode: string;
      message: string;
      response?: { sqlState?: string };
    };
    expect(error.errorCode).toBe('ERROR');
    expect(error.response?.sqlState).toBe('42P01');
    expect(error.message).toContain('[TABLE_OR_VIEW_NOT_FOUND]');
  });

  it('MERGE matches columns by name and fails when several source rows match one target row', async () => {
    await emulator.seed('target', [{ id: 1, a: 'a1', b: 'b1' }]);
    await emulator.seed('source', [
      { id: 1, b: 'NEW_B', a: 'NEW_A' },
      { id: 2, b: 'b2', a: 'a2' },
    ]);
    const merge = 'MERGE INTO target AS t USING source AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *';
    expect(await query(merge)).toEqual([{ num_affected_rows: 2, num_updated_rows: 1, num_deleted_rows: 0, num_inserted_rows: 1 }]);
    expect(await emulator.rows('target', 'id')).toEqual([
      { id: '1', a: 'NEW_A', b: 'NEW_B' },
      { id: '2', a: 'a2', b: 'b2' },
    ]);
    await emulator.seed('source', [{ id: 1, b: 'X', a: 'Y' }]);
    const error = (await query(merge).catch((caught: unknown) => caught)) as { message: string; response?: { sqlState?: string } };
    expect(error.message).toContain('DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE');
    expect((await emulator.rows('target', 'id'))[0]).toEqual({ id: '1', a: 'NEW_A', b: 'NEW_B' });
  });

  it('runs explicit transactions per session: rolled back work leaves nothing', async () => {
    await emulator.seed('tx', [], { columns: { id: 'BIGINT' } });
    const opened = await session();
    const run = async (sql: string) => (await opened.executeStatement(sql)).fetchAll();
    await run('BEGIN TRANSACTION');
    await run('INSERT INTO tx VALUES (1), (2)');
    await run('ROLLBACK');
    await run('BEGIN TRANSACTION');
    await run('INSERT INTO tx VALUES (3)');
    await run('COMMIT');
    expect(await emulator.count('tx')).toBe(1);
    await expect(run('COMMIT')).rejects.toMatchObject({ message: expect.stringContaining('NO_ACTIVE_TRANSACTION') });
  });

  it('answers 401 without a token, 403 for an unknown one, and never records the token', async () => {
    await expect(session({ token: 'dapi-wrong' })).rejects.toMatchObject({ statusCode: 403 });
    await query('SELECT 1 AS one');
    expect(JSON.stringify(emulator.requests)).not.toContain('dapi-test-token-0001');
    expect(emulator.requests.every((request) => request.principal !== 'dapi-test-token-0001')).toBe(true);
  });

  it('refuses writes to a read-only token with INSUFFICIENT_PERMISSIONS', async () => {
    await emulator.seed('ro', [{ id: 1 }]);
    const error = (await query('INSERT INTO ro VALUES (2)', { token: 'dapi-reader-0002' }).catch((caught: unknown) => caught)) as {
      response?: { sqlState?: string };
    };
    expect(error.response?.sqlState).toBe('42501');
    expect(await emulator.count('ro')).toBe(1);
  });

  it('injects HTTP faults per Thrift method and statement kind, with Retry-After', async () => {
    emulator.faults.inject({ route: 'ExecuteStatement:SELECT', times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 7 } });
    const opened = await session();
    const error = (await opened.executeStatement('SELECT 1').catch((caught: unknown) => caught)) as {
      statusCode?: number;
      response?: { headers: { get(name: string): string | null } };
    };
    expect(error.statusCode).toBe(429);
    expect(error.response?.headers.get('retry-after')).toBe('7');
    expect(await (await opened.executeStatement('SELECT 1 AS one')).fetchAll()).toEqual([{ one: 1 }]);
  });

  it('plays a warehouse that is starting: 503 TEMPORARILY_UNAVAILABLE, then answers', async () => {
    emulator.warmUp({ requests: 2, retryAfterSeconds: 1 });
    const client = await connectTo(endpoint);
    clients.push(client);
    const first = (await client.openSession().catch((caught: unknown) => caught)) as {
      statusCode?: number;
      response?: { headers: { get(name: string): string | null } };
    };
    expect(first.statusCode).toBe(503);
    expect(first.response?.headers.get('x-thriftserver-error-message')).toContain('TEMPORARILY_UNAVAILABLE');
    await expect(client.openSession()).rejects.toMatchObject({ statusCode: 503 });
    const opened = await client.openSession();
    expect(await (await opened.executeStatement('SELECT 2 AS two')).fetchAll()).toEqual([{ two: 2 }]);
  });

  it('lets a statement land even when its answer comes too late', async () => {
    await emulator.seed('late', [], { columns: { id: 'BIGINT' } });
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', times: 1, fault: { kind: 'latency', ms: 2500 } });
    const client = await connectTo(endpoint, { socketTimeout: 1000 });
    clients.push(client);
    const opened = await client.openSession();
    await expect(opened.executeStatement('INSERT INTO late VALUES (1)')).rejects.toBeDefined();
    await expect.poll(() => emulator.count('late')).toBe(1);
  });

  it('answers more than 256 parameters with HTTP 400, and lists tables and columns', async () => {
    const namedParameters = Object.fromEntries(Array.from({ length: 257 }, (_, index) => [`p${index}`, index]));
    const error = (await query(
      `SELECT ${Object.keys(namedParameters)
        .map((name) => `:${name}`)
        .join(', ')}`,
      { namedParameters },
    ).catch((caught: unknown) => caught)) as { statusCode?: number };
    expect(error.statusCode).toBe(400);

    await emulator.seed('listed', [{ id: 1, label: 'x' }]);
    const opened = await session();
    const tables = await (await opened.getTables({ catalogName: 'main', schemaName: 'default' })).fetchAll();
    expect(tables).toEqual([expect.objectContaining({ TABLE_CAT: 'main', TABLE_SCHEM: 'default', TABLE_NAME: 'listed', TABLE_TYPE: 'TABLE' })]);
    const columns = await (await opened.getColumns({ catalogName: 'main', schemaName: 'default', tableName: 'listed' })).fetchAll();
    expect(columns.map((column) => (column as { COLUMN_NAME: string; TYPE_NAME: string }).TYPE_NAME)).toEqual(['BIGINT', 'STRING']);
  });

  it('serves column-based rows to clients of runtimes without Arrow', async () => {
    await using columnar = createDatabricksEmulator({ columnBased: true });
    const own = await columnar.start();
    await columnar.seed('c', [], { columns: { id: 'BIGINT', ok: 'BOOLEAN', label: 'STRING', at: 'TIMESTAMP', day: 'DATE', amount: 'DECIMAL(10,2)' } });
    await columnar.sql(
      `INSERT INTO uc_main."default".c VALUES (42, true, 'x', '2024-05-01 10:20:30', '1990-01-31', 12.5), (NULL, NULL, NULL, NULL, NULL, NULL)`,
    );
    const client = await connectTo(own);
    const opened = await client.openSession();
    const rows = await (await opened.executeStatement('SELECT * FROM c ORDER BY id NULLS LAST')).fetchAll();
    await client.close();
    expect(rows).toEqual([
      { id: 42, ok: true, label: 'x', at: '2024-05-01 10:20:30', day: '1990-01-31', amount: 12.5 },
      { id: null, ok: null, label: null, at: null, day: null, amount: null },
    ]);
  });

  it('keeps a long statement running: RUNNING to status polls, its rows once it is done', async () => {
    await emulator.sql(`CREATE TABLE uc_main."default".slow AS SELECT range AS id FROM range(3)`);
    emulator.runStatementsFor(/FROM slow/, 400);
    emulator.clearLog();
    const opened = await session();
    const operation = await opened.executeStatement('SELECT * FROM slow ORDER BY id');
    expect((await operation.status()).operationState).toBe(1);
    expect(await operation.fetchAll()).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    expect(emulator.requests.filter((request) => request.route === 'GetOperationStatus').length).toBeGreaterThanOrEqual(2);
    await operation.close();
  });

  it('LZ4-compresses Arrow batches for a client that can decompress them, and only then', async () => {
    await emulator.sql(`CREATE TABLE uc_main."default".squeezed AS SELECT range AS id, 'row ' || range AS label FROM range(5000)`);
    const read = async (useLZ4Compression: boolean) => {
      const opened = await session();
      const operation = await opened.executeStatement('SELECT * FROM squeezed ORDER BY id', { useCloudFetch: false, useLZ4Compression } as never);
      const rows = (await operation.fetchAll()) as Array<{ id: number; label: string }>;
      const { lz4Compressed } = await operation.getResultMetadata();
      await operation.close();
      return { rows, lz4Compressed };
    };
    const compressed = await read(true);
    expect(compressed.lz4Compressed).toBe(true);
    expect(compressed.rows).toHaveLength(5000);
    expect(compressed.rows[4999]).toEqual({ id: 4999, label: 'row 4999' });
    const plain = await read(false);
    expect(plain.lz4Compressed).toBe(false);
    expect(plain.rows).toEqual(compressed.rows);
  });

  it('serves CloudFetch links to clients that can download results, as LZ4-framed Arrow files fetched once each', async () => {
    await using fetching = createDatabricksEmulator({ cloudFetch: true });
    const own = await fetching.start();
    await fetching.sql(`CREATE TABLE uc_main."default".big AS SELECT range AS id, 'row ' || range AS label FROM range(5000)`);
    const client = await connectTo(own);
    const opened = await client.openSession();
    const operation = await opened.executeStatement('SELECT * FROM big ORDER BY id', { maxRows: 2048 });
    const rows = (await operation.fetchAll()) as Array<{ id: number; label: string }>;
    const metadata = await operation.getResultMetadata();
    expect(metadata).toMatchObject({ resultFormat: 'URL_BASED', lz4Compressed: true });
    expect(rows).toHaveLength(5000);
    expect(rows[4999]).toEqual({ id: 4999, label: 'row 4999' });
    const downloads = fetching.requests.filter((request) => request.route === 'CloudFetch:GET');
    expect(downloads.length).toBeGreaterThanOrEqual(3);
    expect(downloads.every((request) => request.status === 200)).toBe(true);
    // Every file went once downloaded whole.
    expect(fetching.cloudFetch.size).toBe(0);
    await operation.close();
    await client.close();
  });

  it('stages a file to a volume through the presigned URL the driver PUTs to, and COPY INTO loads each file once', async () => {
    await emulator.seed('loaded', [], { columns: { id: 'BIGINT', label: 'STRING', amount: 'DECIMAL(20,2)' } });
    const directory = await mkdtemp(join(tmpdir(), 'databricks-staging-test-'));
    const local = join(directory, 'batch-0.json');
    await writeFile(local, '{"id":"1","label":"a","amount":"12345678901234567.25"}\n{"id":"2","label":null,"amount":"2"}\n');
    const opened = await session();
    const volume = '/Volumes/main/default/landing/automl';
    // Without the allow-list the driver does not treat the answer as a staging operation.
    await opened.executeStatement(`PUT '${local}' INTO '${volume}/batch-0.json' OVERWRITE`, { stagingAllowedLocalPath: [directory] });
    expect(emulator.volumes.allFiles()).toEqual([`${volume}/batch-0.json`]);
    expect(emulator.requests.find((request) => request.route === 'Volume:PUT')).toMatchObject({ status: 201 });
    // The driver refuses a local path outside its allow-list.
    await expect(opened.executeStatement(`PUT '/etc/hostname' INTO '${volume}/x.json' OVERWRITE`, { stagingAllowedLocalPath: [directory] })).rejects.toThrow(
      /allowed local paths/,
    );
    // Without OVERWRITE an existing file is an error, as documented.
    const again = await opened
      .executeStatement(`PUT '${local}' INTO '${volume}/batch-0.json'`, { stagingAllowedLocalPath: [directory] })
      .catch((error) => error);
    expect(String((again as Error).message)).toMatch(/FILE_ALREADY_EXISTS/);

    const copy = `COPY INTO loaded FROM (SELECT CAST(id AS BIGINT) AS id, label, CAST(amount AS DECIMAL(20,2)) AS amount FROM '${volume}') FILEFORMAT = JSON FILES = ('batch-0.json') FORMAT_OPTIONS ('primitivesAsString' = 'true')`;
    const first = await (await opened.executeStatement(copy)).fetchAll();
    expect(first).toEqual([{ num_affected_rows: 2, num_inserted_rows: 2, num_skipped_corrupt_files: 0 }]);
    // A retried COPY INTO (its first answer lost) skips the file it already loaded.
    const second = await (await opened.executeStatement(copy)).fetchAll();
    expect(second).toEqual([{ num_affected_rows: 0, num_inserted_rows: 0, num_skipped_corrupt_files: 0 }]);
    expect(await emulator.rows('loaded', 'id')).toEqual([
      { id: '1', label: 'a', amount: '12345678901234567.25' },
      { id: '2', label: null, amount: '2.00' },
    ]);
    const forced = await (await opened.executeStatement(`${copy} COPY_OPTIONS ('force' = 'true')`)).fetchAll();
    expect(forced).toEqual([expect.objectContaining({ num_inserted_rows: 2 })]);
    // A table dropped and created again has no load history.
    await (await opened.executeStatement('DROP TABLE `loaded`')).fetchAll();
    await (await opened.executeStatement('CREATE TABLE loaded (id BIGINT, label STRING, amount DECIMAL(20,2))')).fetchAll();
    expect(await (await opened.executeStatement(copy)).fetchAll()).toEqual([expect.objectContaining({ num_inserted_rows: 2 })]);

    await opened.executeStatement(`REMOVE '${volume}/batch-0.json'`, { stagingAllowedLocalPath: [directory] });
    expect(emulator.volumes.allFiles()).toEqual([]);
    await rm(directory, { recursive: true, force: true });
  });
});
