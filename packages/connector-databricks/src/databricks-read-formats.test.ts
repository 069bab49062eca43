import { ConnectorError, type Logger } from '@automl/connector-core';
import { createDatabricksEmulator, type DatabricksEndpoint } from '@automl/sandbox/databricks';
import { DBSQLClient } from '@databricks/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabricksConnector } from './databricks-connector.js';
import { databricksFixture, testToken } from './test-support/databricks-fixture.js';

const fixture = databricksFixture();
const { emulator } = fixture;
let endpoint: DatabricksEndpoint;

const columns = {
  id: 'BIGINT',
  ok: 'BOOLEAN',
  small: 'SMALLINT',
  n: 'INT',
  ratio: 'FLOAT',
  score: 'DOUBLE',
  label: 'STRING',
  at: 'TIMESTAMP',
  day: 'DATE',
  amount: 'DECIMAL(38,6)',
  raw: 'BINARY',
};
const values = [
  `(9007199254740993, true, -32768, 2147483647, 0.5, 1e300, 'héllo', '2024-05-01 10:20:30.123456', '1969-12-31', -12345678901234567890123.000001, unhex('00FF'))`,
  `(-1, false, 0, -1, -2.25, -0.1, '', '1900-01-01 00:00:00', '2024-02-29', 0.000001, unhex(''))`,
  '(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)',
];

beforeAll(async () => {
  endpoint = await fixture.start();
  await emulator.seed('typed', [], { columns });
  await emulator.sql(`INSERT INTO uc_main."default".typed VALUES ${values.join(', ')}`);
});
afterAll(async () => {
  await emulator.stop();
});

function recordingLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const record = (_fields: Record<string, unknown>, message?: string) => {
    if (message) messages.push(message);
  };
  return { logger: { debug: record, info: record, warn: record, error: record }, messages };
}

/** A connector on an emulator of its own (other than the fixture's), logging to `logger`. */
function connectorOn(on: DatabricksEndpoint, overrides: Record<string, unknown>, logger: Logger): DatabricksConnector {
  const config = {
    connectionType: 'databricks',
    host: on.env.DATABRICKS_HOST,
    httpPath: on.httpPath,
    token: testToken,
    caCert: on.caCert,
    requestsPerMinute: 0,
  };
  return new DatabricksConnector({ ...config, ...overrides }, { environment: false, metricsRegistry: null, logger });
}

/** The plain driver's rows of a query on an emulator, the reference the connector's rows must equal. */
async function driverRows(on: DatabricksEndpoint, sql: string, exact = false): Promise<object[]> {
  const client = new DBSQLClient({ logger: { log: () => undefined } as never });
  await client.connect({
    host: on.host,
    port: on.port,
    path: on.httpPath,
    token: testToken,
    customCaCert: on.caCert,
    telemetryEnabled: false,
    preserveBigNumericPrecision: exact,
  } as never);
  try {
    const session = await client.openSession();
    return await (await session.executeStatement(sql)).fetchAll();
  } finally {
    await client.close();
  }
}

const arrowPath = 'rows built from the Arrow batches';
const columnPath = 'rows built from the column-based row sets';

describe('DatabricksConnector reads by result format', () => {
  it('builds rows from the warehouse’s Arrow batches itself, with the values of the driver’s own fetchChunk', async () => {
    const { logger, messages } = recordingLogger();
    await using connector = fixture.create({ pageSize: 2 }, { logger });
    const pages: number[] = [];
    const rows: object[] = [];
    for await (const page of connector.read({ query: 'SELECT * FROM typed ORDER BY id NULLS LAST' })) {
      pages.push(page.length);
      rows.push(...page);
    }
    expect(messages).toContain(arrowPath);
    expect(pages).toEqual([2, 1]);
    expect(rows).toEqual(await driverRows(endpoint, 'SELECT * FROM typed ORDER BY id NULLS LAST'));
    expect(rows[1]).toMatchObject({
      id: 9007199254740992,
      at: new Date('2024-05-01T10:20:30.123Z'),
      day: new Date('1969-12-31T00:00:00Z'),
      raw: Buffer.from([0, 255]),
    });
  });

  it('gives exact numerics on the Arrow path, where the driver’s own exact DECIMAL loses a large negative value', async () => {
    await using connector = fixture.create({ exactNumerics: true });
    const [first, second] = await connector.readAll({ query: 'SELECT id, amount FROM typed ORDER BY id NULLS LAST' });
    expect(first).toEqual({ id: '-1', amount: '0.000001' });
    expect(second).toEqual({ id: '9007199254740993', amount: '-12345678901234567890123.000001' });
    const [, driverSecond] = (await driverRows(endpoint, 'SELECT id, amount FROM typed ORDER BY id NULLS LAST', true)) as Array<Record<string, unknown>>;
    expect(driverSecond?.id).toBe(9007199254740993n);
    expect(driverSecond?.amount).not.toBe('-12345678901234567890123.000001');
  });

  it('builds rows from CloudFetch files too (results the warehouse leaves in cloud storage), downloaded once each', async () => {
    await using fetching = createDatabricksEmulator({ cloudFetch: true, tokens: [{ token: testToken }] });
    const own = await fetching.start();
    await fetching.sql(
      `CREATE TABLE uc_main."default".big AS SELECT range AS id, 'row ' || range AS label, TIMESTAMP '2024-01-01' + INTERVAL (range) SECOND AS at FROM range(5000)`,
    );
    const { logger, messages } = recordingLogger();
    await using connector = connectorOn(own, { pageSize: 2048 }, logger);
    const rows = await connector.readAll({ query: 'SELECT * FROM big ORDER BY id' });
    expect(messages).toContain(arrowPath);
    expect(rows).toHaveLength(5000);
    expect(rows[4999]).toEqual({ id: 4999, label: 'row 4999', at: new Date('2024-01-01T01:23:19Z') });
    expect(rows).toEqual(await driverRows(own, 'SELECT * FROM big ORDER BY id'));
    expect(fetching.requests.filter((request) => request.route === 'CloudFetch:GET').length).toBeGreaterThanOrEqual(3);
    expect(fetching.cloudFetch.size).toBe(0);
  });

  it('keeps at most cloudFetchConcurrentDownloads CloudFetch files downloading at once (3 by default, where the driver alone starts 10)', async () => {
    await using fetching = createDatabricksEmulator({ cloudFetch: true, tokens: [{ token: testToken }] });
    const own = await fetching.start();
    // Twenty files of 2,048 rows, ten links per answer; storage that takes 50 ms to answer each.
    await fetching.sql(`CREATE TABLE uc_main."default".big AS SELECT range AS id FROM range(40960)`);
    fetching.faults.inject({ route: 'CloudFetch:GET', times: 1000, fault: { kind: 'latency', ms: 50 } });
    const expected = Array.from({ length: 40960 }, (_, index) => ({ id: index }));
    expect(await driverRows(own, 'SELECT id FROM big ORDER BY id')).toEqual(expected);
    expect(fetching.peakConcurrentDownloads).toBeGreaterThan(3);

    for (const [overrides, limit] of [
      [{}, 3],
      [{ cloudFetchConcurrentDownloads: 1 }, 1],
    ] as const) {
      fetching.clearLog();
      await using connector = connectorOn(own, { pageSize: 20480, ...overrides }, recordingLogger().logger);
      expect(await connector.readAll({ query: 'SELECT id FROM big ORDER BY id' })).toEqual(expected);
      expect(fetching.requests.filter((request) => request.route === 'CloudFetch:GET')).toHaveLength(20);
      expect(fetching.peakConcurrentDownloads).toBeGreaterThanOrEqual(1);
      expect(fetching.peakConcurrentDownloads).toBeLessThanOrEqual(limit);
    }
  });

  it('ends a CloudFetch read whose file download fails, with the rows before it in order and no gap', async () => {
    await using fetching = createDatabricksEmulator({ cloudFetch: true, tokens: [{ token: testToken }] });
    const own = await fetching.start();
    await fetching.sql(`CREATE TABLE uc_main."default".big AS SELECT range AS id FROM range(10000)`);
    // The third file refused: the driver has already moved past its link, so asking again would skip it.
    fetching.faults.inject({ route: 'CloudFetch:GET', after: 2, times: 1, fault: { kind: 'status', status: 500 } });
    await using connector = connectorOn(own, { pageSize: 2048 }, recordingLogger().logger);
    const seen: number[] = [];
    const error = await (async () => {
      for await (const page of connector.read({ query: 'SELECT id FROM big ORDER BY id' })) for (const row of page) seen.push(row.id as number);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(seen.length).toBeLessThan(10000);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, index) => index));
  });

  it('says so clearly when CloudFetch links expire before the driver downloads them', async () => {
    await using fetching = createDatabricksEmulator({ cloudFetch: true, cloudFetchLinkLifetimeMs: 0, tokens: [{ token: testToken }] });
    const own = await fetching.start();
    await fetching.sql(`CREATE TABLE uc_main."default".big AS SELECT range AS id FROM range(100)`);
    await using connector = connectorOn(own, {}, recordingLogger().logger);
    const error = await connector.readAll({ query: 'SELECT id FROM big' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'CLOUDFETCH_LINK_EXPIRED', retryable: false, hint: expect.stringContaining('15 minutes') });
  });

  it('reads a column-based result (older runtimes) with the driver’s values, but BIGINT whole where the driver gives Infinity', async () => {
    await using columnar = createDatabricksEmulator({ columnBased: true, tokens: [{ token: testToken }] });
    const own = await columnar.start();
    await columnar.seed('typed', [], { columns });
    await columnar.sql(`INSERT INTO uc_main."default".typed VALUES ${values.join(', ')}`);
    const { logger, messages } = recordingLogger();
    await using connector = connectorOn(own, { pageSize: 2 }, logger);
    const rows = await connector.readAll({ query: 'SELECT * FROM typed ORDER BY id NULLS LAST' });
    expect(messages).toContain(columnPath);
    const driver = (await driverRows(own, 'SELECT * FROM typed ORDER BY id NULLS LAST')) as Array<Record<string, unknown>>;
    expect(driver.map((row) => row.id)).toEqual([-1, Number.POSITIVE_INFINITY, null]);
    expect(rows.map((row) => row.id)).toEqual([-1, 9007199254740992, null]);
    expect(rows.map(({ id: _, ...rest }) => rest)).toEqual(driver.map(({ id: _, ...rest }) => rest));
    expect(rows[1]).toMatchObject({ at: '2024-05-01 10:20:30.123456', day: '1969-12-31', amount: Number('-12345678901234567890123.000001') });
    await using exact = connectorOn(own, { exactNumerics: true }, logger);
    const exactRows = await exact.readAll({ query: 'SELECT id, amount FROM typed ORDER BY id NULLS LAST' });
    expect(exactRows).toEqual([
      { id: '-1', amount: '0.000001' },
      { id: '9007199254740993', amount: '-12345678901234567890123.000001' },
      { id: null, amount: null },
    ]);
  });
});
