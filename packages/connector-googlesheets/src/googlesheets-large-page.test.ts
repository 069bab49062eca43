import { afterEach, expect, it } from 'vitest';
import { startFixture, type Fixture } from './test-support/googlesheets-fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.emulator.stop();
  fixture = undefined;
});

it('readGoogleSheet collects a page of 250,000 rows (too many to spread into one push call)', async () => {
  fixture = await startFixture();
  const count = 250_000;
  const values: unknown[][] = [['n']];
  for (let index = 0; index < count; index += 1) values.push([index]);
  const spreadsheetId = fixture.emulator.createSpreadsheet({ sheets: [{ title: 'Big', rows: values, columnCount: 1 }], shareWith: [fixture.key.client_email] });
  const rows = await fixture.connector({ spreadsheetId }, { pageSize: count }).readGoogleSheet({ sheetName: 'Big' });
  expect(rows).toHaveLength(count);
  expect(rows.at(-1)).toEqual({ n: count - 1 });
});
