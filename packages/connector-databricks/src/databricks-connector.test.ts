import { AuthenticationError, DataError, NotFoundError, NotReadyError, TransientError, UnsupportedOperationError, writeResultOf } from '@automl/connector-core';
import { LeakProbe } from '@automl/connector-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databricksFixture, testToken } from './test-support/databricks-fixture.js';

const fixture = databricksFixture();
const { emulator } = fixture;

beforeAll(async () => {
  await fixture.start();
});
afterEach(async () => {
  await emulator.reset();
});
afterAll(async () => {
  await emulator.stop();
});

const scoreColumns = { id: 'BIGINT', name: 'STRING', score: 'DOUBLE', amount: 'DECIMAL(18,2)', updated: 'TIMESTAMP' };

describe('DatabricksConnector reads', () => {
  it('tests the connection with the warehouse identity, and lists and describes tables', async () => {
    await emulator.seed('scores', [], { columns: scoreColumns });
    await using connector = fixture.create();
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: true, connector: 'databricks', identity: 'user-1@sandbox.test', details: { catalog: 'main', schema: 'default' } });
    expect(await connector.listTables()).toEqual(['scores']);
    const schema = await connector.describe('scores');
    expect(schema.columns).toEqual([
      { name: 'id', type: 'integer', sourceType: 'BIGINT', nullable: true },
      { name: 'name', type: 'string', sourceType: 'STRING', nullable: true },
      { name: 'score', type: 'number', sourceType: 'DOUBLE', nullable: true },
      { name: 'amount', type: 'number', sourceType: 'DECIMAL(18,2)', nullable: true },
      { name: 'updated', type: 'datetime', sourceType: 'TIMESTAMP', nullable: true },
    ]);
    await expect(connector.describe('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads a table page by page with typed values, maxRows as a SQL LIMIT', async () => {
    await emulator.sql(
      `CREATE TABLE uc_main."default".big AS SELECT range AS id, 'row ' || range AS label, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (range) SECOND AS at FROM range(2500)`,
    );
    await using connector = fixture.create({ pageSize: 1000 });
    const pages: number[] = [];
    emulator.clearLog();
    for await (const page of connector.read({ table: 'big' })) pages.push(page.length);
    // One page per Arrow batch the warehouse sent (never more than pageSize rows), so the driver
    // holds one batch at a time; the warehouse is asked for pageSize rows per fetch, the first
    // ones inlined in the statement's answer.
    expect(pages.reduce((sum, rows) => sum + rows, 0)).toBe(2500);
    expect(Math.max(...pages)).toBeLessThanOrEqual(1000);
    expect(emulator.requests.filter((request) => request.route === 'FetchResults')).toHaveLength(2);
    const limited = await connector.readAll({ table: 'big', maxRows: 3 });
    expect(limited).toEqual([
      { id: 0, label: 'row 0', at: new Date('2024-01-01T00:00:00Z') },
      { id: 1, label: 'row 1', at: new Date('2024-01-01T00:00:01Z') },
      { id: 2, label: 'row 2', at: new Date('2024-01-01T00:00:02Z') },
    ]);
    expect(emulator.statements.map((statement) => statement.sql)).toContain('SELECT * FROM `main`.`default`.`big` LIMIT 3');
  });

  it('runs a query with named parameters', async () => {
    await emulator.seed('people', [
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Grace' },
      { id: 3, name: 'Alan' },
    ]);
    await using connector = fixture.create();
    const rows = await connector.readAll({
      query: 'SELECT name FROM people WHERE id >= :low AND name LIKE :prefix ORDER BY id',
      parameters: { low: 2, prefix: 'A%' },
    });
    expect(rows).toEqual([{ name: 'Alan' }]);
  });

  it('reads incrementally on the configured column, and refuses `since` without one before any I/O', async () => {
    await emulator.seed(
      'events',
      [
        { id: 1, changed: new Date('2024-01-01T00:00:00Z') },
        { id: 2, changed: new Date('2024-06-01T00:00:00Z') },
        { id: 3, changed: new Date('2025-01-01T00:00:00Z') },
      ],
      { columns: { id: 'BIGINT', changed: 'TIMESTAMP' } },
    );
    await using incremental = fixture.create({ incrementalColumn: 'changed' });
    const rows = await incremental.readAll({ table: 'events', since: new Date('2024-06-01T00:00:00Z') });
    expect(rows.map((row) => row.id)).toEqual([2, 3]);
    await using plain = fixture.create();
    emulator.clearLog();
    await expect(plain.readAll({ table: 'events', since: new Date() })).rejects.toBeInstanceOf(UnsupportedOperationError);
    expect(emulator.requests).toHaveLength(0);
  });

  it('gives exact BIGINT and DECIMAL values as strings with exactNumerics', async () => {
    await emulator.seed('money', [], { columns: { id: 'BIGINT', amount: 'DECIMAL(38,6)' } });
    await emulator.sql(`INSERT INTO uc_main."default".money VALUES (9007199254740993, 12345678901234567890123.000001)`);
    await using exact = fixture.create({ exactNumerics: true });
    expect(await exact.readAll({ table: 'money' })).toEqual([{ id: '9007199254740993', amount: '12345678901234567890123.000001' }]);
    await using lossy = fixture.create();
    const [row] = await lossy.readAll({ table: 'money' });
    expect(row?.id).toBe(9007199254740992);
  });

  it('surfaces a failed statement as a typed error even though the driver reports it late', async () => {
    await using connector = fixture.create();
    await expect(connector.readAll({ table: 'missing' })).rejects.toBeInstanceOf(NotFoundError);
    const syntax = await connector.readAll({ query: 'SELEC 1' }).catch((error: unknown) => error);
    expect(syntax).toBeInstanceOf(DataError);
    expect((syntax as DataError).code).toBe('PARSE_SYNTAX_ERROR');
  });

  it('waits out a starting warehouse: more 503 TEMPORARILY_UNAVAILABLE than maxRetries, no retry spent, breaker closed, progress logged', async () => {
    await emulator.seed('warm', [{ id: 1 }]);
    // maxRetries is 4 and the breaker opens after 5 failures: 12 refusals would exhaust both if they counted.
    emulator.warmUp({ requests: 12, retryAfterSeconds: 0 });
    const logged: Array<{ level: string; message?: string; fields: Record<string, unknown> }> = [];
    const record = (level: string) => (fields: Record<string, unknown>, message?: string) => logged.push({ level, message, fields });
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    await using connector = fixture.create({}, { logger });
    expect(await connector.readAll({ table: 'warm' })).toEqual([{ id: 1 }]);
    expect(emulator.requests.filter((request) => request.status === 503)).toHaveLength(12);
    const progress = logged.filter((entry) => entry.level === 'info' && /warehouse starting, waited/.test(entry.message ?? ''));
    expect(progress).toHaveLength(12);
    expect(progress[0]?.message).toMatch(/^Databricks SQL warehouse starting, waited [\d.]+ (ms|s|min) of 10 min$/);
    // Asking a warehouse that was starting again is no retry.
    expect(logged.filter((entry) => entry.message === 'retrying after a retryable failure')).toHaveLength(0);
    // The breaker stayed closed: five server errors in a row still get their retries, then an answer.
    emulator.faults.inject({ route: 'ExecuteStatement:SELECT', times: 4, fault: { kind: 'status', status: 500 } });
    expect(await connector.readAll({ table: 'warm' })).toEqual([{ id: 1 }]);
  });

  it('gives up on a warehouse that does not start within warehouseStartupTimeoutSeconds, with a clear error', async () => {
    emulator.warmUp({ ms: 60_000 });
    await using connector = fixture.create({ warehouseStartupTimeoutSeconds: 0.2 });
    const error = await connector.readAll({ table: 'warm' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error).toMatchObject({ retryable: false, code: 'WAREHOUSE_STARTING', hint: expect.stringContaining('warehouseStartupTimeoutSeconds') });
    expect((error as Error).message).toMatch(/^Databricks SQL warehouse starting; still not ready after [\d.]+ (ms|s) \(budget 0\.2 s\)$/);
  });

  it('reopens a session the starting warehouse never initialized (ERROR_STATUS in HTTP 200), for reads and writes', async () => {
    await emulator.seed('warm', [{ id: 1, name: 'a' }], { columns: { id: 'BIGINT', name: 'STRING' } });
    emulator.warmUp({ requests: 7, mode: 'session' });
    await using connector = fixture.create();
    expect(await connector.readAll({ table: 'warm' })).toEqual([{ id: 1, name: 'a' }]);
    const result = await connector.write([{ id: 2, name: 'b' }], { table: 'warm', mode: 'upsert', keyColumn: 'id' });
    expect(result).toMatchObject({ written: 1, failed: [] });
    expect(await emulator.rows('warm', 'id')).toEqual([
      { id: '1', name: 'a' },
      { id: '2', name: 'b' },
    ]);
    expect(emulator.warmUpState).toBeUndefined();
  });

  it('waits for a long query by polling its status, beyond one request timeout, and gives up after statementTimeoutSeconds', async () => {
    await emulator.sql('CREATE TABLE uc_main."default".slow AS SELECT range AS id FROM range(3)');
    emulator.runStatementsFor(/FROM `main`.`default`.`slow`/, 1500);
    const logged: string[] = [];
    const record = (_fields: Record<string, unknown>, message?: string) => logged.push(message ?? '');
    const logger = { debug: record, info: record, warn: record, error: record };
    // Each call may take half a second; the query runs three times as long.
    await using patient = fixture.create({ requestTimeoutSeconds: 0.5, retryBackoffSeconds: 0.05, maxBackoffSeconds: 0.1 }, { logger });
    expect(await patient.readAll({ table: 'slow' })).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    expect(emulator.requests.filter((request) => request.route === 'GetOperationStatus').length).toBeGreaterThan(2);
    expect(logged.some((message) => /^Databricks SQL statement running, waited [\d.]+ (ms|s) of 6 h$/.test(message))).toBe(true);

    emulator.clearLog();
    emulator.runStatementsFor(/FROM `main`.`default`.`slow`/, 60_000);
    await using hasty = fixture.create({ statementTimeoutSeconds: 0.2 });
    const error = await hasty.readAll({ table: 'slow' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error).toMatchObject({ retryable: false, code: 'STATEMENT_RUNNING', hint: expect.stringContaining('statementTimeoutSeconds') });
    // The statement given up on is closed, which cancels it on the warehouse.
    expect(emulator.requests.filter((request) => request.route === 'CloseOperation').length).toBeGreaterThan(0);
  });

  it('waits for a long MERGE and COPY INTO by polling, beyond one request timeout, without sending them again', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'old', score: 0, amount: null, updated: null }], { columns: scoreColumns });
    // Each statement runs three times as long as a call may take.
    emulator.runStatementsFor(/^MERGE INTO/, 1500).runStatementsFor(/^COPY INTO/, 1500);
    await using patient = fixture.create({
      requestTimeoutSeconds: 0.5,
      retryBackoffSeconds: 0.05,
      maxBackoffSeconds: 0.1,
      stagingVolume: '/Volumes/main/default/landing',
      volumeThresholdRows: 100,
    });
    const rows = Array.from({ length: 150 }, (_, index) => ({ id: index % 100, name: `v${index}` }));
    const result = await patient.write(rows, { table: 'scores', mode: 'upsert', keyColumn: 'id' });
    expect(result).toMatchObject({ received: 150, written: 150, failed: [] });
    const stored = await emulator.rows('scores', 'id');
    expect(stored).toHaveLength(100);
    // The last row per key won: keys 0 to 49 twice (the second time at index + 100), 50 to 99 once.
    for (const row of stored) expect(row.name).toBe(`v${Number(row.id) < 50 ? Number(row.id) + 100 : row.id}`);
    // Each was sent once and polled until it finished: never cut short by the request timeout and sent again.
    const verbs = emulator.statements.map((statement) => statement.sql.split(/\s/)[0]);
    expect(verbs.filter((verb) => verb === 'MERGE')).toHaveLength(1);
    expect(verbs.filter((verb) => verb === 'COPY')).toHaveLength(1);
    expect(verbs.filter((verb) => verb === 'ROLLBACK')).toHaveLength(0);
    expect(emulator.requests.filter((request) => request.route === 'GetOperationStatus').length).toBeGreaterThan(4);
  });

  it('gives up on a MERGE still running after statementTimeoutSeconds: cancelled, rolled back, the target untouched', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'old', score: 0, amount: null, updated: null }], { columns: scoreColumns });
    emulator.runStatementsFor(/^MERGE INTO/, 60_000);
    await using hasty = fixture.create({ statementTimeoutSeconds: 0.3 });
    const error = await hasty
      .write(
        [
          { id: 1, name: 'new' },
          { id: 2, name: 'b' },
        ],
        { table: 'scores', mode: 'upsert', keyColumn: 'id' },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error).toMatchObject({ code: 'STATEMENT_RUNNING', hint: expect.stringContaining('rolled back') });
    // The MERGE's effect was rolled back with its transaction, and nothing was committed.
    expect(await emulator.rows('scores', 'id')).toEqual([{ id: '1', name: 'old', score: 0, amount: null, updated: null }]);
    const verbs = emulator.statements.map((statement) => statement.sql.split(/\s/)[0]);
    expect(verbs).toContain('ROLLBACK');
    expect(verbs).not.toContain('COMMIT');
    expect(emulator.requests.filter((request) => request.route === 'CloseOperation').length).toBeGreaterThan(0);
    expect((await emulator.sql(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%automl_stage%'`))[0]?.n).toBe('0');
  });

  it('retries a SELECT refused with 429, honouring Retry-After', async () => {
    await emulator.sql('CREATE TABLE uc_main."default".paged AS SELECT range AS id FROM range(3000)');
    emulator.faults.inject({ route: 'ExecuteStatement:SELECT', times: 2, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    await using connector = fixture.create({ pageSize: 1000 });
    const rows = await connector.readAll({ table: 'paged' });
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 3000 }, (_, index) => index));
    expect(emulator.requests.filter((request) => request.status === 429)).toHaveLength(2);
  });

  it('asks again for a later page the warehouse refused with 429, after its Retry-After: every row once, in order', async () => {
    await emulator.sql('CREATE TABLE uc_main."default".paged AS SELECT range AS id FROM range(5000)');
    emulator.faults.inject({ route: 'FetchResults', after: 1, times: 2, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    await using connector = fixture.create({ pageSize: 1000 });
    const rows = await connector.readAll({ query: 'SELECT id FROM paged ORDER BY id' });
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    expect(emulator.requests.filter((request) => request.route === 'FetchResults').map((request) => request.status)).toEqual([200, 429, 429, 200, 200, 200]);
  });

  it('ends a read whose later page fails instead of retrying into a gap', async () => {
    await emulator.sql('CREATE TABLE uc_main."default".paged AS SELECT range AS id FROM range(3000)');
    emulator.faults.inject({ route: 'FetchResults', times: 1, fault: { kind: 'status', status: 503 } });
    await using connector = fixture.create({ pageSize: 1000 });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const page of connector.read({ table: 'paged' })) for (const row of page) seen.push(row.id as number);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, index) => index));
    expect(emulator.requests.filter((request) => request.route === 'FetchResults')).toHaveLength(1);
  });

  it('never puts the token in what the warehouse records, nor in errors or logs', async () => {
    const probe = new LeakProbe();
    await emulator.seed('people', [{ id: 1 }]);
    await using connector = fixture.create({}, { logger: probe.logger });
    await probe.run(() => connector.readAll({ table: 'people' }));
    await probe.run(() => connector.readAll({ table: 'missing' }));
    await probe.run(() => connector.write([{ id: 2 }], { table: 'people', mode: 'upsert', keyColumn: 'id' }));
    probe.capture(connector);
    expect(probe.leaks([testToken])).toEqual([]);
    expect(JSON.stringify(emulator.requests)).not.toContain(testToken);
    expect(JSON.stringify(emulator.statements)).not.toContain(testToken);
  });

  it('refuses a wrong token at once, as an AuthenticationError with the token hint', async () => {
    await using connector = fixture.create({ token: 'dapi-not-a-valid-token' });
    const result = await connector.testConnection();
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ name: 'AuthenticationError', hint: expect.stringContaining('DATABRICKS_TOKEN') });
    expect(emulator.requests.filter((request) => request.status === 403)).toHaveLength(1);
  });
});

describe('DatabricksConnector writes', () => {
  it('upserts through a staging table and one MERGE in an explicit transaction; last row per key wins', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'old', score: 0.1, amount: '1.00', updated: null }], { columns: scoreColumns });
    await using connector = fixture.create();
    const result = await connector.write(
      [
        { id: 1, score: 0.5 },
        { id: 2, score: 0.2 },
        { id: 1, score: 0.9 },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'id' },
    );
    expect(result).toMatchObject({ received: 3, written: 3, failed: [] });
    // Columns the write does not name keep their values.
    expect(await emulator.rows('scores', 'id')).toEqual([
      { id: '1', name: 'old', score: 0.9, amount: '1.00', updated: null },
      { id: '2', name: null, score: 0.2, amount: null, updated: null },
    ]);
    const verbs = emulator.statements.map((statement) => statement.sql.split(/\s/)[0]);
    expect(verbs.slice(-4)).toEqual(['BEGIN', 'MERGE', 'COMMIT', 'DROP']);
    expect((await emulator.sql(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%automl_stage%'`))[0]?.n).toBe('0');
  });

  it('leaves exactly one row per key through faults on every statement kind', async () => {
    await emulator.seed('scores', [], { columns: scoreColumns });
    for (const verb of ['CREATE', 'INSERT', 'BEGIN', 'MERGE', 'COMMIT', 'DROP']) {
      emulator.faults.inject({ route: `ExecuteStatement:${verb}`, times: 1, fault: { kind: 'status', status: 503 } });
    }
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', after: 1, times: 1, fault: { kind: 'reset' } });
    // Answers that land after the client gave up: the statement ran, the retry runs it again.
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', after: 3, times: 1, fault: { kind: 'latency', ms: 2000 } });
    emulator.faults.inject({ route: 'ExecuteStatement:MERGE', after: 1, times: 1, fault: { kind: 'latency', ms: 2000 } });
    emulator.faults.inject({ route: 'ExecuteStatement:COMMIT', after: 1, times: 1, fault: { kind: 'latency', ms: 2000 } });
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', after: 5, times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    await using connector = fixture.create({ requestTimeoutSeconds: 1, maxRetries: 5, writeBatchSize: 20 });
    // Six staging batches; every key appears in three of them.
    const rows = Array.from({ length: 120 }, (_, index) => ({ id: index % 40, name: `v${index}`, score: index }));
    const result = await connector.write(rows, { table: 'scores', mode: 'upsert', keyColumn: 'id' });
    expect(result).toMatchObject({ received: 120, written: 120, failed: [] });
    const stored = await emulator.rows('scores', 'id');
    expect(stored).toHaveLength(40);
    for (const row of stored) expect(row.name).toBe(`v${Number(row.id) + 80}`);
    const faulted = new Set(emulator.requests.filter((request) => request.faulted).map((request) => `${request.route} ${request.status}`));
    expect([...faulted].sort()).toEqual(
      ['BEGIN 503', 'COMMIT 503', 'CREATE 503', 'DROP 503', 'INSERT 0', 'INSERT 429', 'INSERT 503', 'MERGE 503'].map((entry) => `ExecuteStatement:${entry}`),
    );
  }, 30_000);

  it('appends once even when a staged batch and the COMMIT land late and are retried', async () => {
    await emulator.seed('events', [{ id: 0, name: 'seed' }], { columns: { id: 'BIGINT', name: 'STRING' } });
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', times: 1, fault: { kind: 'latency', ms: 2000 } });
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', after: 2, times: 1, fault: { kind: 'latency', ms: 2000 } });
    emulator.faults.inject({ route: 'ExecuteStatement:COMMIT', times: 1, fault: { kind: 'latency', ms: 2000 } });
    await using connector = fixture.create({ requestTimeoutSeconds: 1, writeBatchSize: 2 });
    const result = await connector.write(
      Array.from({ length: 5 }, (_, index) => ({ id: index + 1, name: `e${index + 1}` })),
      { table: 'events', mode: 'append' },
    );
    expect(result).toMatchObject({ received: 5, written: 5 });
    expect((await emulator.rows('events', 'id')).map((row) => row.id)).toEqual(['0', '1', '2', '3', '4', '5']);
  }, 30_000);

  it('binds small batches as parameters, never more than 256 in a statement, exact values and all', async () => {
    await emulator.seed('scores', [], { columns: scoreColumns });
    await using connector = fixture.create();
    const rows = Array.from({ length: 200 }, (_, index) => ({
      id: index,
      name: `it's row ${index}`,
      score: index / 4,
      amount: '1234567890123456.25',
      updated: new Date(Date.UTC(2024, 0, 1, 0, 0, index)),
    }));
    const result = await connector.write(rows, { table: 'scores', mode: 'append' });
    expect(result).toMatchObject({ received: 200, written: 200, failed: [] });
    const executed = emulator.requests.filter((request) => request.route === 'ExecuteStatement:INSERT');
    // The staging INSERTs (the last INSERT moves the staged rows into the target, with none).
    const counts = executed.map((request) => (request.body as { parameters: unknown[] }).parameters.length).filter((count) => count > 0);
    // 200 rows x 5 columns = 1,000 values: 51 rows (255 parameters) per statement.
    expect(counts).toEqual([255, 255, 255, 235]);
    expect(
      Math.max(...emulator.requests.map((request) => (request.body as { parameters?: unknown[] } | undefined)?.parameters?.length ?? 0)),
    ).toBeLessThanOrEqual(256);
    const stored = await emulator.rows('scores', 'id');
    expect(stored).toHaveLength(200);
    expect(stored[199]).toEqual({ id: '199', name: "it's row 199", score: 49.75, amount: '1234567890123456.25', updated: '2024-01-01 00:03:19' });
  });

  it('loads a large write through a Unity Catalog volume (staging PUT, then COPY INTO), through faults on each step', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'old', score: 0, amount: null, updated: null }], { columns: scoreColumns });
    emulator.faults.inject({ route: 'Volume:PUT', times: 1, fault: { kind: 'status', status: 503 } });
    emulator.faults.inject({ route: 'ExecuteStatement:PUT', times: 1, fault: { kind: 'reset' } });
    // The COPY INTO lands after the client gave up: its retry finds the file loaded and skips it.
    emulator.faults.inject({ route: 'ExecuteStatement:COPY', times: 1, fault: { kind: 'latency', ms: 1500 } });
    await using connector = fixture.create({ stagingVolume: '/Volumes/main/default/landing', volumeThresholdRows: 100, requestTimeoutSeconds: 1 });
    // Distinct keys: one batch (a repeated key would split it), above the threshold.
    const rows = Array.from({ length: 300 }, (_, index) => ({ id: index, name: `v${index}`, amount: `${index}.50` }));
    const result = await connector.write(rows, { table: 'scores', mode: 'upsert', keyColumn: 'id' });
    expect(result).toMatchObject({ received: 300, written: 300, failed: [] });
    const stored = await emulator.rows('scores', 'id');
    expect(stored).toHaveLength(300);
    for (const row of stored) expect(row).toMatchObject({ name: `v${row.id}`, amount: `${row.id}.50` });
    // The existing row is updated, its other columns kept.
    expect(stored[1]).toEqual({ id: '1', name: 'v1', score: 0, amount: '1.50', updated: null });
    const verbs = emulator.statements.filter((statement) => statement.ok).map((statement) => statement.sql.split(/\s/)[0]);
    expect(verbs.filter((verb) => verb === 'INSERT')).toHaveLength(0);
    expect(verbs.filter((verb) => verb === 'COPY')).toHaveLength(2);
    expect(emulator.requests.filter((request) => request.route === 'Volume:PUT').map((request) => request.status)).toEqual([503, 201]);
    // The staged file is removed once loaded; nothing is left in the volume.
    expect(emulator.volumes.allFiles()).toEqual([]);
    expect(emulator.requests.filter((request) => request.route === 'Volume:DELETE').map((request) => request.status)).toEqual([202]);
  }, 30_000);

  it('overwrites the table atomically, and creates a missing table for an append', async () => {
    await emulator.seed('snapshot', [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    await using connector = fixture.create();
    await connector.write([{ id: 3, name: 'c' }], { table: 'snapshot', mode: 'overwrite' });
    expect(await emulator.rows('snapshot', 'id')).toEqual([{ id: '3', name: 'c' }]);

    const result = await connector.write(
      [
        { id: 1, score: 0.5, label: 'x', at: new Date('2024-02-03T04:05:06.789Z') },
        { id: 2, score: 1.5, label: "it's \\ fine", at: null },
      ],
      { table: 'predictions', mode: 'append' },
    );
    expect(result.written).toBe(2);
    expect(await emulator.rows('predictions', 'id')).toEqual([
      { id: '1', score: 0.5, label: 'x', at: '2024-02-03 04:05:06.789' },
      { id: '2', score: 1.5, label: "it's \\ fine", at: null },
    ]);
  });

  it('reports rows whose values do not fit their columns with their input index, and writes the rest', async () => {
    await emulator.seed('scores', [], { columns: scoreColumns });
    await using connector = fixture.create();
    const result = await connector.write(
      [
        { id: 1, score: 0.5 },
        { id: 'two', score: 0.5 },
        { id: 3, amount: '12345678901234567890' },
        { id: 4, unknown_column: 1 },
        { id: null, score: 1 },
        { id: 6, score: 'high' },
        { id: 7, score: 0.7 },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'id' },
    );
    expect(result.written).toBe(2);
    expect(result.failed.map((failure) => [failure.index, failure.code])).toEqual([
      [1, 'INVALID_VALUE'],
      [2, 'INVALID_VALUE'],
      [3, 'UNKNOWN_COLUMN'],
      [4, 'MISSING_KEY'],
      [5, 'INVALID_VALUE'],
    ]);
    expect((await emulator.rows('scores', 'id')).map((row) => row.id)).toEqual(['1', '7']);
  });

  it('fails a batch the warehouse refuses with its rows, and the write goes on', async () => {
    await emulator.seed('scores', [], { columns: scoreColumns });
    emulator.failStatement({
      match: /INSERT INTO .*automl_stage.*\(1001\)|, 1000\)/s,
      errorClass: 'CAST_INVALID_INPUT',
      sqlState: '22018',
      message: 'bad value',
      times: 1,
    });
    await using connector = fixture.create();
    const rows = Array.from({ length: 1500 }, (_, index) => ({ id: index, score: index }));
    const result = await connector.write(rows, { table: 'scores', mode: 'append' });
    expect(result.written + result.failed.length).toBe(1500);
    expect(result.failed.length).toBe(500);
    expect(result.failed[0]).toMatchObject({ index: 1000, code: 'CAST_INVALID_INPUT' });
    expect(await emulator.count('scores')).toBe(1000);
  });

  it('leaves out of the target the staged rows of a batch that failed on a later statement', async () => {
    await emulator.seed('scores', [], { columns: scoreColumns });
    // 300-row batches of 2 columns: three parameterised statements each; the second of the first batch fails.
    emulator.failStatement({ match: /, 200\)/, errorClass: 'CAST_INVALID_INPUT', sqlState: '22018', message: 'bad value', times: 1 });
    await using connector = fixture.create({ writeBatchSize: 300 });
    const result = await connector.write(
      Array.from({ length: 600 }, (_, index) => ({ id: index, score: index })),
      { table: 'scores', mode: 'append' },
    );
    expect(result.written).toBe(300);
    expect(result.failed.map((failure) => failure.index)).toEqual(Array.from({ length: 300 }, (_, index) => index));
    const stored = await emulator.rows('scores', 'id');
    expect(stored.map((row) => Number(row.id))).toEqual(Array.from({ length: 300 }, (_, index) => index + 300));
  });

  it('a cancelled write leaves the target untouched and no staging table behind', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'keep', score: 1, amount: null, updated: null }], { columns: scoreColumns });
    const controller = new AbortController();
    async function* rows() {
      for (let index = 0; index < 100; index += 1) {
        if (index === 40) controller.abort();
        yield { id: index, name: 'new' };
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await using connector = fixture.create({ writeBatchSize: 10 });
    const error = await connector
      .write(rows(), { table: 'scores', mode: 'upsert', keyColumn: 'id', signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(writeResultOf(error)?.written).toBe(0);
    expect(await emulator.rows('scores', 'id')).toEqual([{ id: '1', name: 'keep', score: 1, amount: null, updated: null }]);
    await expect
      .poll(async () => (await emulator.sql(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%automl_stage%'`))[0]?.n)
      .toBe('0');
  });

  it('a write cancelled while its MERGE runs cancels the MERGE and leaves the target untouched', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'keep', score: 1, amount: null, updated: null }], { columns: scoreColumns });
    emulator.runStatementsFor(/^MERGE INTO/, 60_000);
    const controller = new AbortController();
    // Calls in flight at a cancel are let to answer for core's grace (at most requestTimeoutSeconds):
    // the MERGE's polls end with it, and the MERGE is cancelled then.
    await using connector = fixture.create({ requestTimeoutSeconds: 1 });
    const writing = connector
      .write(
        [
          { id: 1, name: 'new' },
          { id: 2, name: 'b' },
        ],
        { table: 'scores', mode: 'upsert', keyColumn: 'id', signal: controller.signal },
      )
      .catch((caught: unknown) => caught);
    // Cancelled once the MERGE was submitted and its status polled.
    await expect.poll(() => emulator.requests.some((request) => request.route === 'GetOperationStatus')).toBe(true);
    expect(emulator.statements.some((statement) => statement.sql.startsWith('MERGE INTO'))).toBe(true);
    controller.abort();
    expect(((await writing) as Error).name).toBe('AbortError');
    expect(emulator.requests.some((request) => request.route === 'CloseOperation' || request.route === 'CancelOperation')).toBe(true);
    expect(emulator.statements.map((statement) => statement.sql.split(/\s/)[0])).not.toContain('COMMIT');
    await connector.close();
    expect(await emulator.rows('scores', 'id')).toEqual([{ id: '1', name: 'keep', score: 1, amount: null, updated: null }]);
  });

  it('runs the transaction again on a new session when the warehouse lost the session while its MERGE ran', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'keep', score: 1, amount: null, updated: null }], { columns: scoreColumns });
    emulator.runStatementsFor(/^MERGE INTO/, 800);
    await using connector = fixture.create();
    const writing = connector.write(
      [
        { id: 1, name: 'new' },
        { id: 2, name: 'b' },
      ],
      { table: 'scores', mode: 'upsert', keyColumn: 'id' },
    );
    // The warehouse drops every session (a restart) while the MERGE runs.
    await expect.poll(() => emulator.requests.some((request) => request.route === 'GetOperationStatus')).toBe(true);
    await emulator.service.closeAll();
    await expect(writing).resolves.toMatchObject({ written: 2, failed: [] });
    expect(await emulator.rows('scores', 'id')).toEqual([
      { id: '1', name: 'new', score: 1, amount: null, updated: null },
      { id: '2', name: 'b', score: null, amount: null, updated: null },
    ]);
    const verbs = emulator.statements.map((statement) => statement.sql.split(/\s/)[0]);
    expect(verbs.filter((verb) => verb === 'MERGE')).toHaveLength(2);
    expect(verbs.filter((verb) => verb === 'COMMIT')).toHaveLength(1);
  });

  it('stops on credentials that expire mid-write, leaving the target untouched', async () => {
    await emulator.seed('scores', [{ id: 1, name: 'keep', score: 1, amount: null, updated: null }], { columns: scoreColumns });
    emulator.faults.inject({ route: 'ExecuteStatement:INSERT', after: 1, fault: { kind: 'auth' } });
    await using connector = fixture.create({ writeBatchSize: 10 });
    const rows = Array.from({ length: 30 }, (_, index) => ({ id: index, name: 'new' }));
    const error = await connector.write(rows, { table: 'scores', mode: 'upsert', keyColumn: 'id' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    const partial = writeResultOf(error);
    expect(partial?.stoppedBy?.name).toBe('AuthenticationError');
    // The batch staged before the stop is not in the target: its rows are NOT_COMMITTED, not written.
    expect(partial?.written).toBe(0);
    expect(partial?.failed).toHaveLength(30);
    expect(partial?.failed.filter((failure) => failure.code === 'NOT_COMMITTED').length).toBeGreaterThanOrEqual(10);
    expect(await emulator.rows('scores', 'id')).toEqual([{ id: '1', name: 'keep', score: 1, amount: null, updated: null }]);
  });
});
