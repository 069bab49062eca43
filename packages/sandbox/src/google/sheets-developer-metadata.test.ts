import { createSign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGoogleSheetsEmulator, type GoogleSheetsEmulator } from './google-sheets-emulator.js';
import type { ServiceAccountKey } from './google-service-accounts.js';

function bearer(key: ServiceAccountKey): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.private_key_id })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ iss: key.client_email, sub: key.client_email, aud: 'https://sheets.googleapis.com/', iat: now, exp: now + 3600 }),
  ).toString('base64url');
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `Bearer ${header}.${payload}.${signer.sign(key.private_key).toString('base64url')}`;
}

describe('Sheets emulator: appendCells and developer metadata', () => {
  let emulator: GoogleSheetsEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  async function setup() {
    emulator = createGoogleSheetsEmulator({ rateLimit: false });
    const url = await emulator.start();
    const key = emulator.createServiceAccount();
    const spreadsheetId = emulator.createSpreadsheet({
      sheets: [{ title: 'Log', rows: [['id'], [1], [2]], rowCount: 4, columnCount: 2 }],
      shareWith: [key.client_email],
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/v4/spreadsheets/${spreadsheetId}${path}`, {
        method,
        headers: { authorization: bearer(key), 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const batch = (requests: unknown[]) => call('POST', ':batchUpdate', { requests });
    return { emulator, spreadsheetId, call, batch };
  }

  const rowsOf = (...ids: number[]) => ids.map((id) => ({ values: [{ userEnteredValue: { numberValue: id } }] }));
  const marker = (metadataId: number, value = 'batch') => ({
    createDeveloperMetadata: {
      developerMetadata: { metadataId, metadataKey: 'writer', metadataValue: value, location: { sheetId: 0 }, visibility: 'DOCUMENT' },
    },
  });

  it('appends after the last row holding a value, adding the rows the grid lacks', async () => {
    const { emulator, spreadsheetId, batch } = await setup();
    expect((await batch([{ appendCells: { sheetId: 0, rows: rowsOf(3, 4, 5), fields: 'userEnteredValue' } }])).status).toBe(200);
    expect(emulator.getValues(spreadsheetId, 'Log').map((row) => row[0])).toEqual(['id', 1, 2, 3, 4, 5]);
    expect(emulator.sheets(spreadsheetId)[0]).toMatchObject({ rowCount: 6 });
    // Wider than the grid's columns: refused, as updateCells is.
    const wide = await batch([
      { appendCells: { sheetId: 0, rows: [{ values: [{}, {}, { userEnteredValue: { stringValue: 'x' } }] }], fields: 'userEnteredValue' } },
    ]);
    expect(wide.status).toBe(400);
  });

  it('creates metadata with a given id once: a second create of that id fails the whole batch', async () => {
    const { emulator, spreadsheetId, batch, call } = await setup();
    const first = await batch([{ appendCells: { sheetId: 0, rows: rowsOf(3), fields: 'userEnteredValue' } }, marker(77)]);
    expect(first.status).toBe(200);
    expect(first.body.replies[1].createDeveloperMetadata.developerMetadata).toEqual({
      metadataId: 77,
      metadataKey: 'writer',
      metadataValue: 'batch',
      location: { locationType: 'SHEET', sheetId: 0 },
      visibility: 'DOCUMENT',
    });
    const again = await batch([{ appendCells: { sheetId: 0, rows: rowsOf(3), fields: 'userEnteredValue' } }, marker(77)]);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain('requests[1].createDeveloperMetadata');
    expect(emulator.countRows(spreadsheetId, 'Log')).toBe(4);

    expect((await call('GET', '/developerMetadata/77')).body).toMatchObject({ metadataId: 77, metadataValue: 'batch' });
    expect((await call('GET', '/developerMetadata/78')).status).toBe(404);
    const found = await call('POST', '/developerMetadata:search', { dataFilters: [{ developerMetadataLookup: { metadataId: 77 } }] });
    expect(found.body.matchedDeveloperMetadata).toHaveLength(1);
    expect(found.body.matchedDeveloperMetadata[0].dataFilters).toEqual([{ developerMetadataLookup: { metadataId: 77 } }]);
    expect((await call('POST', '/developerMetadata:search', { dataFilters: [{ developerMetadataLookup: { metadataId: 78 } }] })).body).toEqual({});
    // The sheet lists its metadata in the Spreadsheet resource.
    const got = await call('GET', '?fields=sheets(properties/sheetId,developerMetadata(metadataId,metadataValue))');
    expect(got.body.sheets[0]).toEqual({ properties: { sheetId: 0 }, developerMetadata: [{ metadataId: 77, metadataValue: 'batch' }] });
  });

  it('deletes what a lookup selects, and a deleted sheet takes its metadata along', async () => {
    const { emulator, spreadsheetId, batch } = await setup();
    await batch([marker(1, 'a'), marker(2, 'b'), marker(3, 'a')]);
    const deleted = await batch([{ deleteDeveloperMetadata: { dataFilter: { developerMetadataLookup: { metadataKey: 'writer', metadataValue: 'a' } } } }]);
    expect(deleted.body.replies[0].deleteDeveloperMetadata.deletedDeveloperMetadata.map((metadata: { metadataId: number }) => metadata.metadataId)).toEqual([
      1, 3,
    ]);
    expect(emulator.developerMetadata(spreadsheetId).map((metadata) => metadata.metadataId)).toEqual([2]);
    // Deleting nothing is not an error.
    expect((await batch([{ deleteDeveloperMetadata: { dataFilter: { developerMetadataLookup: { metadataId: 9 } } } }])).status).toBe(200);
    const added = await batch([{ addSheet: { properties: { sheetId: 5, title: 'Other' } } }]);
    expect(added.status).toBe(200);
    await batch([{ createDeveloperMetadata: { developerMetadata: { metadataId: 6, metadataKey: 'k', location: { sheetId: 5 }, visibility: 'DOCUMENT' } } }]);
    await batch([{ deleteSheet: { sheetId: 5 } }]);
    expect(emulator.developerMetadata(spreadsheetId).map((metadata) => metadata.metadataId)).toEqual([2]);
    // Key and visibility are required.
    expect((await batch([{ createDeveloperMetadata: { developerMetadata: { location: { spreadsheet: true }, visibility: 'DOCUMENT' } } }])).status).toBe(400);
  });
});
