import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, ConfigError, NotFoundError, PermissionError, RateLimitError, policySettingsFrom } from '@automl/connector-core';
import { sheets } from '@googleapis/sheets';
import { JWT } from 'google-auth-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConnector, GoogleSheetsConnector } from './googlesheets-connector.js';
import { fastPolicy, startFixture, type Fixture } from './test-support/googlesheets-fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.emulator.stop();
  fixture = undefined;
});

describe('GoogleSheetsConnector against the emulator, through the real @googleapis/sheets client', () => {
  it('connects, reports the client_email, lists tabs and reads typed rows', async () => {
    fixture = await startFixture();
    const connector = fixture.connector();
    const test = await connector.testConnection();
    expect(test).toMatchObject({ ok: true, identity: fixture.key.client_email, details: { title: 'Sales', sheets: 2, projectId: 'automl-tests' } });
    expect(await connector.listTables()).toEqual(['Sales', 'Empty']);
    const rows = await connector.readGoogleSheet({ sheetName: 'Sales' });
    expect(rows).toEqual([
      { name: 'Ada', amount: 12.5, paid: true, signed_on: new Date(Date.UTC(2024, 0, 15)), note: 'first' },
      { name: 'Bob', amount: 3, paid: false, signed_on: new Date(Date.UTC(2024, 1, 29)), note: null },
      { name: 'Chloé', amount: -7, paid: true, signed_on: null, note: '=not a formula' },
    ]);
    // Every request carried a self-signed JWT the emulator verified: no token endpoint was used.
    expect(fixture.emulator.requestsTo('token')).toHaveLength(0);
    expect(fixture.emulator.requests.every((request) => request.principal === fixture!.key.client_email)).toBe(true);
    await connector.close();
    await connector.close();
  });

  it('describes columns with types from the header, values and number formats', async () => {
    fixture = await startFixture();
    const schema = await fixture.connector().describe('Sales');
    expect(schema.table).toBe('Sales');
    expect(schema.columns.map((column) => [column.name, column.type])).toEqual([
      ['name', 'string'],
      ['amount', 'number'],
      ['paid', 'boolean'],
      ['signed_on', 'date'],
      ['note', 'string'],
    ]);
  });

  it('reads a range without a header row, naming columns by letter', async () => {
    fixture = await startFixture();
    const rows = await fixture.connector().readGoogleSheet({ sheetName: 'Sales', range: 'B2:C3', headerRow: false });
    expect(rows).toEqual([
      { B: 12.5, C: true },
      { B: 3, C: false },
    ]);
  });

  it('is created by core-style factory and takes the default tab and snake_case keys', async () => {
    fixture = await startFixture();
    const connector = createConnector({
      connection_type: 'googlesheets',
      spreadsheet_id: fixture.spreadsheetId,
      credentials_json: JSON.stringify(fixture.key),
      base_url: fixture.emulator.url,
    });
    expect(connector).toBeInstanceOf(GoogleSheetsConnector);
    expect(await connector.readAll({ maxRows: 2 })).toHaveLength(2);
    expect(policySettingsFrom(connector.config).requestsPerMinute).toBe(60);
  });

  it('reads large tabs in row-range pages of pageSize rows, one values.get each', async () => {
    fixture = await startFixture();
    const rows = [['id', 'value'], ...Array.from({ length: 23 }, (_, index) => [index + 1, `v${index + 1}`])];
    fixture.emulator.setValues(fixture.spreadsheetId, 'Empty!A1', rows);
    const connector = fixture.connector({}, { pageSize: 5 });
    const pages: number[][] = [];
    for await (const page of connector.read({ table: 'Empty' })) pages.push(page.map((row) => row.id as number));
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat()).toEqual(Array.from({ length: 23 }, (_, index) => index + 1));
    const ranges = fixture.emulator.requestsTo('values.get').map((request) => decodeURIComponent(request.path.split('/values/')[1]!));
    expect(ranges).toEqual(["'Empty'!A2:Z6", "'Empty'!A7:Z11", "'Empty'!A12:Z16", "'Empty'!A17:Z21", "'Empty'!A22:Z26"]);
    // maxRows stops early, without reading further pages.
    fixture.emulator.clearLog();
    expect(await connector.readAll({ table: 'Empty', maxRows: 7 })).toHaveLength(7);
    expect(fixture.emulator.requestsTo('values.get')).toHaveLength(2);
  });

  it('asks for the first chunk together with the header sample, and for the next while the consumer holds a page', async () => {
    fixture = await startFixture();
    const { emulator } = fixture;
    emulator.setValues(fixture.spreadsheetId, 'Empty!A1', [['id', 'value'], ...Array.from({ length: 23 }, (_, index) => [index + 1, `v${index + 1}`])]);
    const connector = fixture.connector({}, { pageSize: 5 });
    await connector.connect();
    emulator.clearLog();
    // The first chunk's values.get is slow: the header sample (a spreadsheets.get) runs beside it.
    emulator.faults.inject({ route: 'values.get', times: 1, fault: { kind: 'latency', ms: 300 } });
    const chunks = () => emulator.requestsTo('values.get').length;
    const pages: number[] = [];
    for await (const page of connector.read({ table: 'Empty' })) {
      // Chunks 2 to 5 are asked for while the page before them is held; none after the short fifth.
      if (pages.length < 4) await vi.waitFor(() => expect(chunks()).toBe(pages.length + 2), { timeout: 10_000 });
      pages.push(page.length);
    }
    expect(pages).toEqual([5, 5, 5, 5, 3]);
    expect(chunks()).toBe(5);
    expect(emulator.peakConcurrentRequests).toBeGreaterThanOrEqual(2);
  });

  it('overwrites a tab, appends to it, and reads back exactly what was written', async () => {
    fixture = await startFixture();
    const connector = fixture.connector();
    const first = [
      { id: 1, when: new Date(Date.UTC(2024, 4, 1)), at: new Date(Date.UTC(2024, 4, 1, 13, 30)), score: 0.25, ok: true, label: '=1+1' },
      { id: 2, when: null, at: null, score: -3, ok: false, label: 'x' },
    ];
    const written = await connector.writeGoogleSheet(first, { sheetName: 'Predictions' });
    expect(written).toMatchObject({ received: 2, written: 2, failed: [], destination: "'Predictions'" });
    expect(await connector.listTables()).toContain('Predictions');
    const appended = await connector.write([{ id: 3, score: 9, extra: 'new column' }], { table: 'Predictions', mode: 'append' });
    expect(appended).toMatchObject({ received: 1, written: 1, destination: "'Predictions'" });
    const back = await connector.readGoogleSheet({ sheetName: 'Predictions' });
    expect(back).toEqual([
      { ...first[0], extra: null },
      { ...first[1], extra: null },
      { id: 3, when: null, at: null, score: 9, ok: null, label: null, extra: 'new column' },
    ]);
    // Overwriting with fewer rows leaves nothing of the old content.
    await connector.write([{ only: 'one' }], { table: 'Predictions' });
    expect(fixture.emulator.getValues(fixture.spreadsheetId, 'Predictions')).toEqual([['only'], ['one']]);
  });

  it("reads and writes date-times as wall clocks of the spreadsheet's time zone, dates as calendar dates", async () => {
    fixture = await startFixture();
    const { emulator, key } = fixture;
    // Cells hold what a New York user typed: 2024-07-04 12:00 (a date-time) and 2024-07-04 (a date).
    const spreadsheetId = emulator.createSpreadsheet({
      title: 'Orders',
      timeZone: 'America/New_York',
      sheets: [
        {
          title: 'Orders',
          rows: [
            ['at', 'day'],
            [new Date(Date.UTC(2024, 6, 4, 12)), new Date(Date.UTC(2024, 6, 4))],
          ],
        },
      ],
      shareWith: [key.client_email],
    });
    const connector = fixture.connector({ spreadsheetId });
    expect(await connector.readGoogleSheet()).toEqual([{ at: new Date('2024-07-04T16:00:00.000Z'), day: new Date('2024-07-04T00:00:00.000Z') }]);

    const instant = new Date('2024-01-15T14:00:00.000Z');
    await connector.writeGoogleSheet([{ at: instant, day: new Date(Date.UTC(2024, 0, 15)) }], { sheetName: 'Written' });
    // The sheet shows 09:00, New York's wall clock at that instant; the date stays the date.
    expect(emulator.getValues(spreadsheetId, 'Written')).toEqual([
      ['at', 'day'],
      [new Date(Date.UTC(2024, 0, 15, 9)), new Date(Date.UTC(2024, 0, 15))],
    ]);
    expect(await connector.readGoogleSheet({ sheetName: 'Written' })).toEqual([{ at: instant, day: new Date(Date.UTC(2024, 0, 15)) }]);
  });

  it('reads date-times as UTC, with a warning, when the spreadsheet names a time zone the runtime does not know', async () => {
    fixture = await startFixture();
    const { emulator, key } = fixture;
    const spreadsheetId = emulator.createSpreadsheet({
      timeZone: 'Mars/Olympus_Mons',
      sheets: [{ title: 'S', rows: [['at'], [new Date(Date.UTC(2024, 6, 4, 12))]] }],
      shareWith: [key.client_email],
    });
    const warnings: Array<Record<string, unknown>> = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (entry: Record<string, unknown>) => void warnings.push(entry) };
    const connector = fixture.connector({ spreadsheetId }, { logger });
    expect(await connector.readGoogleSheet()).toEqual([{ at: new Date(Date.UTC(2024, 6, 4, 12)) }]);
    expect(warnings).toContainEqual(expect.objectContaining({ timeZone: 'Mars/Olympus_Mons' }));
  });

  it('appends under the last row without looking for it: the server places the rows, even below a long blank tail', async () => {
    fixture = await startFixture();
    const { emulator, key } = fixture;
    const data = [['id', 'label'], ...Array.from({ length: 3000 }, (_, index) => [index + 1, `row ${index + 1}`])];
    // 3,000 rows of data in a grid of 20,000 rows: 16,999 blank rows below them.
    const spreadsheetId = emulator.createSpreadsheet({
      sheets: [{ title: 'Log', rows: data, rowCount: 20_000, columnCount: 2 }],
      shareWith: [key.client_email],
    });
    const connector = fixture.connector({ spreadsheetId });
    const result = await connector.write([{ id: 3001, label: 'appended' }], { table: 'Log', mode: 'append' });
    expect(result).toMatchObject({ written: 1, destination: "'Log'" });
    expect(emulator.getValues(spreadsheetId, "'Log'!A3001:B3003")).toEqual([
      [3000, 'row 3000'],
      [3001, 'appended'],
    ]);
    // Only the header row is read (to map columns); appendCells puts the rows after the last one.
    expect(emulator.requestsTo('values.get')).toHaveLength(1);
    expect(emulator.requestsTo('values.batchGet')).toHaveLength(0);
    expect(emulator.sheets(spreadsheetId)[0]).toMatchObject({ rowCount: 20_000 });
  });

  it("fits an overwritten tab's columns to the data, so the spreadsheet's cell limit holds as many rows as it can", async () => {
    // A cell limit of 1,000 stands for Google's 10,000,000; the tab starts at 10 rows x 26 columns.
    fixture = await startFixture({ rateLimit: false, maxCells: 1000 });
    const { emulator, key } = fixture;
    const spreadsheetId = emulator.createSpreadsheet({ sheets: [{ title: 'Scores', rowCount: 10, columnCount: 26 }], shareWith: [key.client_email] });
    const connector = fixture.connector({ spreadsheetId }, { writeBatchRows: 100 });
    const rows = (count: number) => Array.from({ length: count }, (_, index) => ({ id: index, score: index / count, segment: index % 2 ? 'High' : 'Low' }));
    // 301 rows x 3 columns fit in 1,000 cells; 301 x 26 would not.
    expect(await connector.write(rows(300), { table: 'Scores' })).toMatchObject({ written: 300, failed: [] });
    expect(emulator.sheets(spreadsheetId)[0]).toMatchObject({ rowCount: 301, columnCount: 3 });
    expect((await connector.readAll({ table: 'Scores' })).at(-1)).toEqual({ id: 299, score: 299 / 300, segment: 'High' });
    // Past the limit: the rows of the batches that no longer fit are reported, with Google's reason...
    const over = await connector.write(rows(400), { table: 'Scores' });
    expect(over).toMatchObject({ received: 400, written: 300 });
    expect(over.failed).toHaveLength(100);
    expect(over.failed[0]).toMatchObject({ index: 300, code: 'CELL_LIMIT', reason: expect.stringContaining('limit of 1000 cells') });
    // ...with what to do about it.
    expect(over.failed[0]!.reason).toContain('10,000,000 cells');
  });

  it('splits large writes into batchUpdate requests and grows the grid', async () => {
    fixture = await startFixture();
    const connector = fixture.connector({}, { writeBatchRows: 400 });
    const rows = Array.from({ length: 1500 }, (_, index) => ({ id: index, name: `row ${index}` }));
    const result = await connector.write(rows, { table: 'Big' });
    expect(result).toMatchObject({ received: 1500, written: 1500, failed: [] });
    expect(fixture.emulator.requestsTo('spreadsheets.batchUpdate', 200)).toHaveLength(1 + 4 + 1); // addSheet, 4 batches, the markers' removal
    expect(fixture.emulator.developerMetadata(fixture.spreadsheetId)).toEqual([]);
    expect(fixture.emulator.countRows(fixture.spreadsheetId, 'Big')).toBe(1501);
    expect(fixture.emulator.sheets(fixture.spreadsheetId).find((sheet) => sheet.title === 'Big')?.rowCount).toBe(1501);
  });

  it('works through the OAuth2 token exchange too, with the JWT client transporter pointed at the emulator', async () => {
    fixture = await startFixture();
    const tokenUri = fixture.key.token_uri;
    const auth = new JWT({ email: fixture.key.client_email, key: fixture.key.private_key, scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'] });
    // google-auth-library posts to its fixed token URL: its transporter is pointed at the emulator's token_uri.
    auth.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === 'https://oauth2.googleapis.com/token') options.url = new URL(tokenUri);
        return options;
      },
    });
    const client = sheets({ version: 'v4', auth, rootUrl: `${fixture.emulator.url}/`, retry: false });
    const response = await client.spreadsheets.values.get({ spreadsheetId: fixture.spreadsheetId, range: 'Sales!A1:B1' });
    expect(response.data.values).toEqual([['name', 'amount']]);
    expect(fixture.emulator.requestsTo('token', 200)).toHaveLength(1);
    // The readonly scope of the exchanged token does not allow a write.
    await expect(
      client.spreadsheets.values.update({ spreadsheetId: fixture.spreadsheetId, range: 'Sales!A1', valueInputOption: 'RAW', requestBody: { values: [['x']] } }),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe('credentials', () => {
  const environmentKeys = ['GOOGLE_SHEETS_CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS'] as const;
  afterEach(() => {
    for (const name of environmentKeys) delete process.env[name];
  });

  it('reads the key from credentialsPath, GOOGLE_SHEETS_CREDENTIALS and GOOGLE_APPLICATION_CREDENTIALS', async () => {
    fixture = await startFixture();
    const path = join(mkdtempSync(join(tmpdir(), 'sheets-key-')), 'key.json');
    writeFileSync(path, JSON.stringify(fixture.key));
    const base = { connectionType: 'googlesheets', spreadsheetId: fixture.spreadsheetId, baseUrl: fixture.emulator.url, ...fastPolicy };
    expect((await new GoogleSheetsConnector({ ...base, credentialsPath: path }).testConnection()).identity).toBe(fixture.key.client_email);
    process.env.GOOGLE_SHEETS_CREDENTIALS = JSON.stringify(fixture.key);
    const fromInline = new GoogleSheetsConnector(base);
    expect(await fromInline.testConnection()).toMatchObject({ ok: true, identity: fixture.key.client_email });
    delete process.env.GOOGLE_SHEETS_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path;
    expect(await new GoogleSheetsConnector(base).testConnection()).toMatchObject({ ok: true, identity: fixture.key.client_email });
  });

  it('says what is wrong in the JSON without echoing it', async () => {
    fixture = await startFixture();
    const base = { connectionType: 'googlesheets', spreadsheetId: fixture.spreadsheetId, baseUrl: fixture.emulator.url };
    const cases: Array<[unknown, RegExp]> = [
      ['{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIsecret', /not valid JSON/],
      [{ ...fixture.key, private_key: undefined }, /missing "private_key"/],
      [{ ...fixture.key, type: 'authorized_user' }, /"type" is "authorized_user", expected "service_account"/],
      [{ ...fixture.key, private_key: 'MIIE-not-a-pem' }, /not a PEM private key/],
      [{ ...fixture.key, private_key: fixture.key.private_key.slice(0, 200) + '\n-----END PRIVATE KEY-----\n' }, /cannot be read as an RSA private key/],
    ];
    for (const [credentialsJson, expected] of cases) {
      const error = await new GoogleSheetsConnector({ ...base, credentialsJson }).connect().catch((caught: unknown) => caught);
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(expected);
      expect((error as Error).message).not.toContain('MII');
      expect((error as AuthenticationError).hint).toContain('service_account');
    }
    process.env.GOOGLE_SHEETS_CREDENTIALS = '/path/to/key.json';
    await expect(new GoogleSheetsConnector(base).connect()).rejects.toThrow(/set credentialsPath or GOOGLE_APPLICATION_CREDENTIALS instead/);
    delete process.env.GOOGLE_SHEETS_CREDENTIALS;
    const none = await new GoogleSheetsConnector(base).connect().catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(none)).toBe(true);
    expect((none as Error).message).toContain('GOOGLE_SHEETS_CREDENTIALS');
  });
});

describe('hinted errors', () => {
  it('API not enabled: says how to enable it', async () => {
    fixture = await startFixture();
    fixture.emulator.disableApi('automl-tests');
    const error = await fixture
      .connector()
      .listTables()
      .catch((caught: unknown) => caught);
    expect(PermissionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SERVICE_DISABLED', status: 403, retryable: false });
    expect((error as PermissionError).message).toContain('Google Sheets API has not been enabled in project automl-tests');
    expect((error as PermissionError).hint).toMatch(/APIs & Services -> Library -> "Google Sheets API" -> Enable.*overview\?project=/);
  });

  it('permission denied: names the client_email to share the sheet with', async () => {
    fixture = await startFixture();
    fixture.emulator.unshare(fixture.spreadsheetId, fixture.key.client_email);
    const result = await fixture.connector().testConnection();
    expect(result.ok).toBe(false);
    expect(result.error?.name).toBe('PermissionError');
    expect(result.error?.message).toContain(fixture.key.client_email);
    expect(result.error?.hint).toContain(`Share the spreadsheet with the service account ${fixture.key.client_email}`);
    // Viewer access reads but cannot write.
    fixture.emulator.share(fixture.spreadsheetId, fixture.key.client_email, 'reader');
    const connector = fixture.connector();
    expect(await connector.readAll({ table: 'Sales' })).toHaveLength(3);
    await expect(connector.write([{ a: 1 }], { table: 'Sales' })).rejects.toSatisfy(
      (error: unknown) => PermissionError.isInstance(error) && (error as Error).message.includes('cannot edit'),
    );
  });

  it('invalid credentials: a key Google does not know is a 401 AuthenticationError with the credentials hint', async () => {
    fixture = await startFixture();
    fixture.emulator.revokeKey(fixture.key.private_key_id);
    const error = await fixture
      .connector()
      .listTables()
      .catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect((error as AuthenticationError).hint).toContain('private_key');
  });

  it('unknown spreadsheet and unknown tab are NotFoundErrors', async () => {
    fixture = await startFixture();
    const missing = await fixture
      .connector({ spreadsheetId: 'does-not-exist' })
      .listTables()
      .catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(missing)).toBe(true);
    expect((missing as NotFoundError).hint).toContain('/d/');
    const tab = await fixture
      .connector()
      .readGoogleSheet({ sheetName: 'Nope' })
      .catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(tab)).toBe(true);
    expect((tab as NotFoundError).hint).toBe('Existing tabs: "Sales", "Empty".');
  });

  it('a 429 that persists past the retries is a RateLimitError with the hint', async () => {
    fixture = await startFixture();
    fixture.emulator.faults.inject({ route: 'spreadsheets.get', fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } });
    const error = await fixture
      .connector({ maxRetries: 2 })
      .listTables()
      .catch((caught: unknown) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', status: 429 });
    expect(fixture.emulator.requestsTo('spreadsheets.get', 429)).toHaveLength(3);
  });
});
