import { sheets } from '@googleapis/sheets';
import { JWT } from 'google-auth-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MARKER_KEY } from './googlesheets-batch-markers.js';
import { startFixture, type Fixture } from './test-support/googlesheets-fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.emulator.stop();
  fixture = undefined;
});

const rows = (from: number, count: number) => Array.from({ length: count }, (_, index) => ({ id: from + index, label: `row ${from + index}` }));

describe('Google Sheets writes leave the tab right whatever fails', () => {
  it('an overwrite whose first batch is refused for its data leaves the tab as it was', async () => {
    fixture = await startFixture();
    const { emulator, spreadsheetId } = fixture;
    const before = emulator.getValues(spreadsheetId, 'Sales');
    expect(before).toHaveLength(4);
    const connector = fixture.connector({ maxRetries: 1 }, { writeBatchRows: 10 });
    emulator.faults.inject({
      route: 'spreadsheets.batchUpdate',
      times: 1,
      fault: { kind: 'status', status: 400, message: 'Invalid requests[0].updateCells: injected' },
    });
    const result = await connector.write(rows(0, 3), { table: 'Sales' });
    expect(result).toMatchObject({ received: 3, written: 0 });
    expect(result.failed.map((failure) => failure.index)).toEqual([0, 1, 2]);
    expect(emulator.getValues(spreadsheetId, 'Sales')).toEqual(before);
  });

  it('a batch that timed out on the client and lands late never shrinks the grid under later batches', async () => {
    fixture = await startFixture();
    const { emulator, spreadsheetId } = fixture;
    const connector = fixture.connector({ requestTimeoutSeconds: 0.3 }, { writeBatchRows: 1500 });
    // After the addSheet, the first batch (rows 0-1499) is held 1 s: the client times out, retries,
    // sends the second batch, and only then does the first attempt reach the sheet.
    emulator.faults.inject({ route: 'spreadsheets.batchUpdate', after: 1, times: 1, fault: { kind: 'latency', ms: 1000 } });
    const result = await connector.write(rows(0, 3000), { table: 'Out' });
    expect(result).toMatchObject({ received: 3000, written: 3000, failed: [] });
    const firstBatch = () => emulator.requestsTo('spreadsheets.batchUpdate').filter((request) => JSON.stringify(request.body).includes('"row 0"'));
    await vi.waitFor(() => expect(firstBatch()).toHaveLength(2), { timeout: 10_000 });
    expect(emulator.countRows(spreadsheetId, 'Out')).toBe(3001);
    const ids = emulator
      .getValues(spreadsheetId, 'Out')
      .slice(1)
      .map((row) => row[0]);
    expect(ids).toEqual(Array.from({ length: 3000 }, (_, index) => index));
    expect(emulator.sheets(spreadsheetId).find((sheet) => sheet.title === 'Out')!.rowCount).toBeGreaterThanOrEqual(3001);
  });

  it('two writers appending to one tab at once both land whole, each row once', async () => {
    fixture = await startFixture();
    const { emulator, key } = fixture;
    const spreadsheetId = emulator.createSpreadsheet({
      sheets: [
        {
          title: 'Log',
          rows: [
            ['id', 'label'],
            [-1, 'before'],
          ],
        },
      ],
      shareWith: [key.client_email],
    });
    // Two connectors with their own clients and policies, as two worker processes of one job would be.
    const first = fixture.connector({ spreadsheetId }, { writeBatchRows: 10 });
    const second = fixture.connector({ spreadsheetId }, { writeBatchRows: 10 });
    const [one, two] = await Promise.all([
      first.write(rows(0, 50), { table: 'Log', mode: 'append' }),
      second.write(rows(1000, 50), { table: 'Log', mode: 'append' }),
    ]);
    expect(one).toMatchObject({ received: 50, written: 50, failed: [] });
    expect(two).toMatchObject({ received: 50, written: 50, failed: [] });
    const ids = emulator
      .getValues(spreadsheetId, 'Log')
      .slice(1)
      .map((row) => row[0] as number);
    expect(ids).toHaveLength(101);
    expect(new Set(ids).size).toBe(101);
    expect([...ids].sort((left, right) => left - right)).toEqual([-1, ...rows(0, 50).map((row) => row.id), ...rows(1000, 50).map((row) => row.id)]);
    // Each writer's rows keep their order, batch by batch.
    expect(ids.filter((id) => id >= 0 && id < 1000)).toEqual(rows(0, 50).map((row) => row.id));
    expect(emulator.developerMetadata(spreadsheetId)).toEqual([]);
  });

  it('an append whose rows bring new columns adds them to the header, never over existing cells', async () => {
    fixture = await startFixture();
    const { emulator, key } = fixture;
    const spreadsheetId = emulator.createSpreadsheet({ sheets: [{ title: 'Log', rows: [['id'], [1]], columnCount: 1 }], shareWith: [key.client_email] });
    const result = await fixture.connector({ spreadsheetId }).write([{ id: 2, extra: 'x' }], { table: 'Log', mode: 'append' });
    expect(result).toMatchObject({ written: 1, failed: [] });
    expect(emulator.getValues(spreadsheetId, 'Log')).toEqual([['id', 'extra'], [1], [2, 'x']]);
  });

  it('a later write removes the markers an unanswered batch left behind, once they are an hour old', async () => {
    fixture = await startFixture();
    const { emulator, key, spreadsheetId } = fixture;
    // Markers as an earlier write would leave them on the tab: one two hours old, one fresh.
    const auth = new JWT({ email: key.client_email, key: key.private_key, scopes: ['https://www.googleapis.com/auth/spreadsheets'] });
    auth.useJWTAccessWithScope = true;
    const client = sheets({ version: 'v4', auth, rootUrl: `${emulator.url}/`, retry: false });
    const marker = (metadataId: number, at: number) => ({
      createDeveloperMetadata: {
        developerMetadata: {
          metadataId,
          metadataKey: MARKER_KEY,
          metadataValue: JSON.stringify({ write: 'earlier', batch: 0, at }),
          location: { sheetId: 0 },
          visibility: 'DOCUMENT',
        },
      },
    });
    await client.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [marker(11, Date.now() - 2 * 3600_000), marker(12, Date.now())] } });
    const result = await fixture.connector().write(rows(0, 3), { table: 'Sales', mode: 'append' });
    expect(result).toMatchObject({ written: 3, failed: [] });
    expect(emulator.developerMetadata(spreadsheetId).map((metadata) => metadata.metadataId)).toEqual([12]);
  });

  it("sizes batches by their body on the wire (CellData), not by the rows' JSON", async () => {
    fixture = await startFixture();
    const { emulator } = fixture;
    const writeBatchBytes = 50_000;
    const input = Array.from({ length: 2000 }, (_, index) => ({ id: index, label: `row ${index}`, score: index / 7, ok: index % 2 === 0 }));
    const result = await fixture.connector({}, { writeBatchBytes }).write(input, { table: 'Out' });
    expect(result).toMatchObject({ written: 2000, failed: [] });
    const bodies = emulator
      .requestsTo('spreadsheets.batchUpdate')
      .map((request) => JSON.stringify(request.body))
      .filter((body) => body.includes('appendCells'));
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(writeBatchBytes * 1.5);
  });
});
