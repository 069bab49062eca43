import { afterEach, describe, expect, it } from 'vitest';
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
    emulator.faults.inject({ route: 'spreadsheets.batchUpdate', times: 1, fault: { kind: 'status', status: 400, message: 'Invalid requests[0].updateCells: injected' } });
    const result = await connector.write(rows(0, 3), { table: 'Sales' });
    expect(result).toMatchObject({ received: 3, written: 0 });
    expect(result.failed.map((failure) => failure.index)).toEqual([0, 1, 2]);
    expect(emulator.getValues(spreadsheetId, 'Sales')).toEqual(before);
  });
});
