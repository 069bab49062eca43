import type { SalesforceEmulator } from '@automl/sandbox/salesforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorFor, contacts, startSalesforce } from './test-support/salesforce-test-setup.js';

describe('Salesforce reads', () => {
  let emulator: SalesforceEmulator;
  beforeEach(async () => {
    emulator = await startSalesforce();
  });
  afterEach(() => emulator.stop());

  it('reads every readable field typed from describe, paging past 2,000 by nextRecordsUrl', async () => {
    emulator.seed('Contact', contacts(4000));
    emulator.seed('Contact', [{ LastName: 'Typed', Birthdate: '1990-12-10', HasOptedOutOfEmail: true, MailingCity: 'Paris' }]);
    const connector = connectorFor(emulator);
    const pages: number[] = [];
    const rows = [];
    for await (const page of connector.read({ table: 'contacts' })) {
      pages.push(page.length);
      rows.push(...page);
    }
    expect(rows).toHaveLength(4001);
    expect(pages).toEqual([2000, 2000, 1]);
    expect(emulator.requestsTo('rest.queryMore')).toHaveLength(2);
    const typed = rows.find((row) => row.LastName === 'Typed')!;
    expect(typed.Birthdate).toEqual(new Date('1990-12-10T00:00:00.000Z'));
    expect(typed.CreatedDate).toBeInstanceOf(Date);
    expect(typed.HasOptedOutOfEmail).toBe(true);
    expect(typed.MailingCity).toBe('Paris');
    // Compound fields are read through their parts; no jsforce `attributes` noise.
    expect(Object.keys(typed)).not.toContain('MailingAddress');
    expect(Object.keys(typed)).not.toContain('attributes');
    const soql = new URLSearchParams(emulator.requestsTo('rest.query')[0]!.query).get('q')!;
    expect(soql).toMatch(/^SELECT Id, IsDeleted, CreatedDate, .*External_Id__c FROM Contact$/);
    await connector.close();
  });

  it('asks for the columns named, LIMITs by maxRows and filters since on SystemModstamp', async () => {
    emulator.seed('Contact', contacts(5));
    const connector = connectorFor(emulator);
    const limited = await connector.fetchCrmData('contacts', { limit: 2, properties: ['email', 'LastName'] });
    expect(limited).toEqual([
      { Email: 'person0@example.com', LastName: 'Last0' },
      { Email: 'person1@example.com', LastName: 'Last1' },
    ]);
    expect(new URLSearchParams(emulator.requestsTo('rest.query')[0]!.query).get('q')).toBe('SELECT Email, LastName FROM Contact LIMIT 2');
    const paged: number[] = [];
    emulator.seed('Contact', contacts(400, 100));
    for await (const page of connector.read({ table: 'Contact', columns: ['Id'], pageSize: 250 })) paged.push(page.length);
    expect(paged).toEqual([250, 155]);
    const future = await connector.readAll({ table: 'Contact', since: new Date(Date.now() + 60_000) });
    expect(future).toEqual([]);
    const past = await connector.readAll({ table: 'Contact', since: new Date(Date.now() - 60_000), columns: ['Id'] });
    expect(past).toHaveLength(405);
    expect(new URLSearchParams(emulator.requestsTo('rest.query').at(-1)!.query).get('q')).toMatch(/WHERE SystemModstamp >= \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    await expect(connector.readAll({ table: 'Contact', columns: ['churn_risk__c'] })).rejects.toMatchObject({
      name: 'DataError',
      message: 'Contact has no field churn_risk__c',
    });
    await connector.close();
  });

  it('splits a field list too long for one URL into queries merged by Id', async () => {
    await emulator.stop();
    emulator = await startSalesforce({ queryBatchSize: 200 });
    const names = Array.from({ length: 360 }, (_, index) => `Churn_Model_Feature_Number_${String(index).padStart(3, '0')}__c`);
    for (const name of names) emulator.org.defineField('Contact', { name, type: 'double' });
    emulator.seed(
      'Contact',
      contacts(450).map((row, index) => ({ ...row, [names[0]!]: index, [names[359]!]: -index })),
    );
    const connector = connectorFor(emulator);
    const rows = await connector.readAll({ table: 'Contact' });
    expect(rows).toHaveLength(450);
    const queries = emulator.requestsTo('rest.query');
    expect(queries.length).toBeGreaterThan(1);
    expect(queries.every((request) => request.query.length < 16_384)).toBe(true);
    const last = rows.find((row) => row.External_Id__c === 'ext-449')!;
    expect(last[names[0]!]).toBe(449);
    expect(last[names[359]!]).toBe(-449);
    expect(last.LastName).toBe('Last449');
    await connector.close();
  });

  it('runs SOQL as given, lists queryable objects and describes fields with their flags', async () => {
    emulator.org.defineObject({
      name: 'LoginEvent',
      label: 'Login Event',
      labelPlural: 'Login Events',
      keyPrefix: '0Lx',
      custom: false,
      queryable: false,
      fields: [],
    });
    emulator.seed('Account', [
      { Name: 'Acme', AnnualRevenue: 1200.5 },
      { Name: 'Globex', AnnualRevenue: 10 },
    ]);
    const connector = connectorFor(emulator);
    expect(await connector.readAll({ query: 'SELECT Name, AnnualRevenue FROM Account WHERE AnnualRevenue > 100' })).toEqual([
      { Name: 'Acme', AnnualRevenue: 1200.5 },
    ]);
    expect(await connector.listTables()).toEqual(['Account', 'Contact', 'Lead']);
    const schema = await connector.describe('contacts');
    const columns = new Map(schema.columns.map((column) => [column.name, column]));
    expect(columns.get('External_Id__c')).toEqual({ name: 'External_Id__c', type: 'string', sourceType: 'string externalId unique', nullable: true });
    expect(columns.get('Birthdate')?.type).toBe('date');
    expect(columns.get('LastName')?.nullable).toBe(false);
    await expect(connector.describe('Nope__c')).rejects.toMatchObject({ name: 'NotFoundError' });
    await connector.close();
  });

  it('retries a read on 503 and resets through core, with jsforce retrying nothing itself', async () => {
    emulator.seed('Contact', contacts(3));
    emulator.faults.inject({ route: 'rest.query', times: 1, fault: { kind: 'status', status: 503 } });
    emulator.faults.inject({ route: 'rest.query', times: 1, after: 1, fault: { kind: 'reset' } });
    const connector = connectorFor(emulator);
    expect(await connector.readAll({ table: 'Contact', columns: ['Id'] })).toHaveLength(3);
    expect(emulator.requestsTo('rest.query').map((request) => request.status)).toEqual([503, 0, 200]);
    await connector.close();
  });

  it('reads through a Bulk API 2.0 query job page by page with its locator, typed by describe', async () => {
    await emulator.stop();
    emulator = await startSalesforce({ bulkQueryPageSize: 1000 });
    emulator.seed(
      'Contact',
      contacts(2500).map((row, index) => ({ ...row, Birthdate: index === 0 ? '2001-02-03' : null, HasOptedOutOfEmail: index === 1 })),
    );
    const connector = connectorFor(emulator, { readMode: 'bulk' });
    const pages: number[] = [];
    const rows = [];
    for await (const page of connector.read({ table: 'Contact', columns: ['External_Id__c', 'Birthdate', 'HasOptedOutOfEmail'] })) {
      pages.push(page.length);
      rows.push(...page);
    }
    expect(pages).toEqual([1000, 1000, 500]);
    expect(rows[0]).toEqual({ External_Id__c: 'ext-0', Birthdate: new Date('2001-02-03T00:00:00.000Z'), HasOptedOutOfEmail: false });
    expect(rows[1]).toEqual({ External_Id__c: 'ext-1', Birthdate: null, HasOptedOutOfEmail: true });
    expect(new Set(rows.map((row) => row.External_Id__c)).size).toBe(2500);
    expect(emulator.requestsTo('bulk.query.results')).toHaveLength(3);
    await connector.close();
  });

  it('chooses Bulk in auto mode past the threshold, REST below it', async () => {
    emulator.seed('Contact', contacts(30));
    const small = connectorFor(emulator, { readMode: 'auto', bulkReadThreshold: 50 });
    expect(await small.readAll({ table: 'Contact', columns: ['Id'] })).toHaveLength(30);
    expect(emulator.requestsTo('bulk.query.create')).toHaveLength(0);
    const large = connectorFor(emulator, { readMode: 'auto', bulkReadThreshold: 10 });
    expect(await large.readAll({ table: 'Contact', columns: ['Id'] })).toHaveLength(30);
    expect(emulator.requestsTo('bulk.query.create')).toHaveLength(1);
    await small.close();
    await large.close();
  });
});
