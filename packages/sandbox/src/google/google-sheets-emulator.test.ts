import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { columnLetters, parseA1 } from './a1-notation.js';
import { createGoogleSheetsEmulator, type GoogleSheetsEmulator } from './google-sheets-emulator.js';
import type { ServiceAccountKey } from './google-service-accounts.js';

function signJwt(key: { private_key: string; private_key_id?: string }, claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(key.private_key).toString('base64url')}`;
}

function selfSigned(key: ServiceAccountKey, extra: Record<string, unknown> = { aud: 'https://sheets.googleapis.com/' }): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, { iss: key.client_email, sub: key.client_email, iat: now, exp: now + 3600, ...extra });
}

describe('A1 notation', () => {
  it('parses the forms the API accepts', () => {
    expect(parseA1('Sheet1!A1:B2')).toEqual({ sheetTitle: 'Sheet1', startRow: 0, endRow: 2, startColumn: 0, endColumn: 2 });
    expect(parseA1("'My ''sheet'''!C:D")).toEqual({ sheetTitle: "My 'sheet'", startRow: undefined, endRow: undefined, startColumn: 2, endColumn: 4 });
    expect(parseA1('Data!2:5')).toMatchObject({ startRow: 1, endRow: 5, startColumn: undefined });
    expect(parseA1('A2:ZZ')).toMatchObject({ startRow: 1, endRow: undefined, startColumn: 0, endColumn: 702 });
    expect(parseA1('Sheet1')).toEqual({ sheetTitle: 'Sheet1' });
    expect(columnLetters(0) + columnLetters(25) + columnLetters(26) + columnLetters(701)).toBe('AZAAZZ');
  });
});

describe('Google Sheets emulator', () => {
  let emulator: GoogleSheetsEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  async function setup(options: Parameters<typeof createGoogleSheetsEmulator>[0] = {}) {
    emulator = createGoogleSheetsEmulator(options);
    const url = await emulator.start();
    const key = emulator.createServiceAccount({ projectId: 'demo-project' });
    const spreadsheetId = emulator.createSpreadsheet({
      title: 'Sales',
      sheets: [
        {
          title: 'Data',
          rows: [
            ['name', 'amount', 'paid', 'day'],
            ['Ada', 12.5, true, new Date(Date.UTC(2024, 0, 15))],
            ['Bob', 3],
          ],
        },
      ],
      shareWith: [key.client_email],
    });
    const get = (path: string, token = selfSigned(key)) =>
      fetch(`${url}/v4/spreadsheets/${spreadsheetId}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { url, key, spreadsheetId, get, emulator };
  }

  it('verifies a self-signed JWT and renders values by render option', async () => {
    const { get } = await setup();
    const formatted = (await (await get('/values/Data!A1:D3')).json()) as any;
    expect(formatted).toEqual({
      range: 'Data!A1:D3',
      majorDimension: 'ROWS',
      values: [
        ['name', 'amount', 'paid', 'day'],
        ['Ada', '12.5', 'TRUE', '1/15/2024'],
        ['Bob', '3'],
      ],
    });
    const raw = (await (
      await get(`/values/${encodeURIComponent('Data!A2:D')}?valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER`)
    ).json()) as any;
    expect(raw.values).toEqual([
      ['Ada', 12.5, true, 45306],
      ['Bob', 3],
    ]);
    expect(raw.range).toBe('Data!A2:D1000');
  });

  it('accepts a scoped self-signed JWT and refuses a write with a readonly scope', async () => {
    const { url, key, spreadsheetId, get } = await setup();
    const readonly = selfSigned(key, { scope: 'https://www.googleapis.com/auth/spreadsheets.readonly' });
    expect((await get('/values/Data!A1', readonly)).status).toBe(200);
    const write = await fetch(`${url}/v4/spreadsheets/${spreadsheetId}/values/Data!A1?valueInputOption=RAW`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${readonly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ values: [['x']] }),
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as any).error.details[0].reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  });

  it('refuses a JWT signed by an unknown key, a wrong audience and an expired token with 401 UNAUTHENTICATED', async () => {
    const { key, get } = await setup();
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const forged = selfSigned({ ...key, private_key: privateKey });
    const wrongAudience = selfSigned(key, { aud: 'https://bigquery.googleapis.com/' });
    const now = Math.floor(Date.now() / 1000);
    const expired = selfSigned(key, { aud: 'https://sheets.googleapis.com/', iat: now - 4000, exp: now - 400 });
    for (const token of [forged, wrongAudience, expired, 'not-a-token']) {
      const response = await get('/values/Data!A1', token);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).error.status).toBe('UNAUTHENTICATED');
    }
  });

  it('exchanges a signed assertion for an access token at /token', async () => {
    const { url, key, get } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt(
      { private_key: key.private_key },
      { iss: key.client_email, scope: 'https://www.googleapis.com/auth/spreadsheets', aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600 },
    );
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    const token = (await response.json()) as any;
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect((await get('/values/Data!A1', token.access_token)).status).toBe(200);
    const bad = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${assertion.slice(0, -4)}AAAA` }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()) as any).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
  });

  it("answers Google's error bodies: 403 PERMISSION_DENIED, 403 SERVICE_DISABLED, 404, 400 bad range, 429", async () => {
    const { key, get, emulator, url } = await setup({ rateLimit: { limit: 4, windowMs: 60_000 } });
    const other = emulator.createServiceAccount({ projectId: 'other-project' });
    const denied = await get('/values/Data!A1', selfSigned(other));
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as any).error).toEqual({ code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' });
    emulator.disableApi('other-project');
    const disabled = (await (await get('/values/Data!A1', selfSigned(other))).json()) as any;
    expect(disabled.error.status).toBe('PERMISSION_DENIED');
    expect(disabled.error.details[0]).toMatchObject({
      reason: 'SERVICE_DISABLED',
      metadata: { service: 'sheets.googleapis.com', activationUrl: expect.stringContaining('sheets.googleapis.com/overview?project=') },
    });
    const missing = await fetch(`${url}/v4/spreadsheets/nope/values/A1`, { headers: { authorization: `Bearer ${selfSigned(key)}` } });
    expect(((await missing.json()) as any).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    const badRange = (await (await get('/values/Nope!A1')).json()) as any;
    expect(badRange.error).toMatchObject({ code: 400, message: 'Unable to parse range: Nope!A1', status: 'INVALID_ARGUMENT' });
    const beyond = (await (await get('/values/Data!A1:AA2')).json()) as any;
    expect(beyond.error.message).toContain('exceeds grid limits');
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await get('/values/Data!A1')).status);
    expect(statuses).toEqual([200, 429, 429]);
    const limited = (await (await get('/values/Data!A1')).json()) as any;
    expect(limited.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(limited.error.details[0].reason).toBe('RATE_LIMIT_EXCEEDED');
  });

  it('applies a batchUpdate atomically and serves grid data with number formats through a field mask', async () => {
    const { url, key, spreadsheetId, get, emulator } = await setup();
    const post = (body: unknown) =>
      fetch(`${url}/v4/spreadsheets/${spreadsheetId}:batchUpdate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${selfSigned(key)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const added = await post({ requests: [{ addSheet: { properties: { title: 'Out' } } }] });
    const sheetId = ((await added.json()) as any).replies[0].addSheet.properties.sheetId;
    const failing = await post({
      requests: [
        {
          updateCells: {
            start: { sheetId, rowIndex: 0, columnIndex: 0 },
            rows: [{ values: [{ userEnteredValue: { stringValue: 'kept?' } }] }],
            fields: 'userEnteredValue',
          },
        },
        { addSheet: { properties: { title: 'Out' } } },
      ],
    });
    expect(failing.status).toBe(400);
    expect(((await failing.json()) as any).error.message).toContain('Invalid requests[1].addSheet: A sheet with the name "Out" already exists');
    expect(emulator.getValues(spreadsheetId, 'Out')).toEqual([]);
    const masked = (await (
      await get(
        `?ranges=${encodeURIComponent('Data!1:2')}&fields=${encodeURIComponent('sheets(properties(title,gridProperties),data(rowData(values(effectiveValue,effectiveFormat/numberFormat/type))))')}`,
      )
    ).json()) as any;
    expect(masked.sheets[0].properties).toEqual({ title: 'Data', gridProperties: { rowCount: 1000, columnCount: 26 } });
    expect(masked.sheets[0].data[0].rowData[1].values[3]).toEqual({
      effectiveValue: { numberValue: 45306 },
      effectiveFormat: { numberFormat: { type: 'DATE' } },
    });
  });

  it('persists its state to a file and loads it back', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'sheets-emulator-')), 'state.json');
    const first = createGoogleSheetsEmulator();
    await first.start({ statePath });
    const key = first.createServiceAccount();
    const spreadsheetId = first.createSpreadsheet({ sheets: [{ title: 'T', rows: [['a'], [1]] }], shareWith: [key.client_email] });
    await first.stop();
    emulator = createGoogleSheetsEmulator();
    const url = await emulator.start({ statePath });
    expect(emulator.getValues(spreadsheetId, 'T')).toEqual([['a'], [1]]);
    expect(emulator.serviceAccountKeys(key.client_email)[0]?.private_key_id).toBe(key.private_key_id);
    const response = await fetch(`${url}/v4/spreadsheets/${spreadsheetId}/values/T!A2`, { headers: { authorization: `Bearer ${selfSigned(key)}` } });
    expect(((await response.json()) as any).values).toEqual([['1']]);
  });
});
