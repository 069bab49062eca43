import { describe, expect, it } from 'vitest';
import { parseCliArguments } from './cli-arguments.js';
import { selectMode } from './pipeline-mode.js';

const key = '{"type":"service_account"}';

describe('selectMode', () => {
  it('runs offline with no credentials at all', () => {
    const decision = selectMode('auto', undefined, {});
    expect(decision.mode).toBe('offline');
    expect(decision.reason).toContain('no credentials');
  });

  it('runs online when the Google key, the spreadsheet id and the HubSpot token are all set', () => {
    const decision = selectMode('auto', undefined, { GOOGLE_SHEETS_CREDENTIALS: key, NEW_CUSTOMERS_SPREADSHEET_ID: 'sheet-1', HUBSPOT_API_KEY: 'pat-eu1-x' });
    expect(decision).toMatchObject({ mode: 'online', spreadsheetId: 'sheet-1', missing: [] });
    expect(selectMode('auto', 'from-flag', { GOOGLE_APPLICATION_CREDENTIALS: '/key.json', HUBSPOT_API_KEY: 'pat-eu1-x' })).toMatchObject({ mode: 'online', spreadsheetId: 'from-flag' });
  });

  it('stays offline and names what is missing when only some credentials are set', () => {
    const decision = selectMode('auto', undefined, { HUBSPOT_API_KEY: 'pat-eu1-x', GOOGLE_SHEETS_CREDENTIALS: ' ' });
    expect(decision.mode).toBe('offline');
    expect(decision.missing).toEqual(['GOOGLE_SHEETS_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS', '--spreadsheet-id or NEW_CUSTOMERS_SPREADSHEET_ID']);
    expect(decision.reason).toContain('nothing is sent to the real services');
  });

  it('honours --offline and reports what --online lacks', () => {
    const all = { GOOGLE_SHEETS_CREDENTIALS: key, NEW_CUSTOMERS_SPREADSHEET_ID: 'sheet-1', HUBSPOT_API_KEY: 'pat-eu1-x' };
    expect(selectMode('offline', undefined, all).mode).toBe('offline');
    expect(selectMode('online', undefined, {})).toMatchObject({ mode: 'online', missing: expect.arrayContaining(['HUBSPOT_API_KEY']) });
  });
});

describe('parseCliArguments', () => {
  it('reads the options, and ignores the "--" pnpm passes through', () => {
    expect(parseCliArguments(['--', '--fresh', '--data', 'x.xlsx', '--report', 'r.json', '--state-dir', 's'])).toEqual({
      help: false,
      options: { fresh: true, mode: 'auto', dataPath: 'x.xlsx', reportPath: 'r.json', stateDirectory: 's' },
    });
    expect(parseCliArguments(['--online', '--spreadsheet-id', 'abc'])).toMatchObject({ options: { mode: 'online', spreadsheetId: 'abc', fresh: false } });
    expect(parseCliArguments(['-h'])).toEqual({ help: true });
  });

  it('rejects unknown and contradictory options', () => {
    expect(() => parseCliArguments(['--frsh'])).toThrow(/frsh/);
    expect(() => parseCliArguments(['--offline', '--online'])).toThrow(/exclude/);
  });
});
