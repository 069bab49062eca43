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
    expect(selectMode('auto', 'from-flag', { GOOGLE_APPLICATION_CREDENTIALS: '/key.json', HUBSPOT_API_KEY: 'pat-eu1-x' })).toMatchObject({
      mode: 'online',
      spreadsheetId: 'from-flag',
    });
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

  it("asks for the chosen CRM's credentials, not HubSpot's", () => {
    const google = { GOOGLE_SHEETS_CREDENTIALS: key, NEW_CUSTOMERS_SPREADSHEET_ID: 'sheet-1' };
    expect(selectMode('auto', undefined, { ...google, HUBSPOT_API_KEY: 'pat-eu1-x' }, 'pipedrive')).toMatchObject({
      mode: 'offline',
      missing: ['PIPEDRIVE_API_KEY'],
    });
    expect(selectMode('auto', undefined, { ...google, PIPEDRIVE_API_KEY: 'token' }, 'pipedrive')).toMatchObject({ mode: 'online', missing: [] });
    expect(selectMode('auto', undefined, { ...google, SALESFORCE_API_KEY: '00D!x' }, 'salesforce')).toMatchObject({
      mode: 'offline',
      missing: ['SALESFORCE_INSTANCE_URL'],
    });
    const salesforce = selectMode(
      'auto',
      undefined,
      { ...google, SALESFORCE_API_KEY: '00D!x', SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com' },
      'salesforce',
    );
    expect(salesforce).toMatchObject({ mode: 'online', missing: [] });
    expect(salesforce.reason).toContain('Salesforce');
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

  it('reads --crm, case-insensitively, and leaves it out when not given (HubSpot)', () => {
    expect(parseCliArguments(['--crm', 'pipedrive'])).toMatchObject({ options: { crm: 'pipedrive' } });
    expect(parseCliArguments(['--crm', 'Salesforce'])).toMatchObject({ options: { crm: 'salesforce' } });
    expect(parseCliArguments([])).not.toHaveProperty('options.crm');
    expect(() => parseCliArguments(['--crm', 'zoho'])).toThrow(/--crm must be one of hubspot, pipedrive, salesforce/);
  });

  it('rejects unknown and contradictory options', () => {
    expect(() => parseCliArguments(['--frsh'])).toThrow(/frsh/);
    expect(() => parseCliArguments(['--offline', '--online'])).toThrow(/exclude/);
  });
});
