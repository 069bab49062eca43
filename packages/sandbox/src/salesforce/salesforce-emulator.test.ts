import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from './salesforce-emulator.js';

/** What a call rejected with (jsforce's Query is a thenable whose catch is typed for its result). */
const failure = (call: PromiseLike<unknown>): Promise<any> =>
  Promise.resolve(call).then(
    () => undefined,
    (error: unknown) => error,
  );

// The real jsforce against the emulator; only its URLs point at the loopback server.
describe('Salesforce emulator with jsforce', () => {
  let emulator: SalesforceEmulator;
  const start = async (options: SalesforceEmulatorOptions = {}) => {
    emulator = createSalesforceEmulator(options);
    await emulator.start();
  };
  beforeEach(() => start());
  afterEach(() => emulator.stop());

  const connection = (extra: Record<string, unknown> = {}) =>
    new Connection({ instanceUrl: emulator.url, loginUrl: emulator.url, version: '62.0', accessToken: emulator.token, ...extra });
  const oauth2 = () => ({ clientId: emulator.credentials.clientId, clientSecret: emulator.credentials.clientSecret, loginUrl: emulator.url });
  const contacts = (count: number, from = 0) =>
    Array.from({ length: count }, (_, index) => ({
      LastName: `Person ${from + index}`,
      Email: `p${from + index}@example.com`,
      External_Id__c: `ext-${from + index}`,
    }));

  describe('OAuth', () => {
    it('logs in with the password grant when the security token is appended, and refuses it without', async () => {
      const { username, password, securityToken } = emulator.credentials;
      const conn = connection({ accessToken: undefined, oauth2: oauth2() });
      await conn.login(username, password + securityToken);
      expect(conn.accessToken).toMatch(/^00D/);
      expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(0);
      const refused = await connection({ accessToken: undefined, oauth2: oauth2() })
        .login(username, password)
        .catch((error: Error) => error);
      expect(refused).toMatchObject({ name: 'invalid_grant', message: 'authentication failure' });
      const badClient = await connection({ accessToken: undefined, oauth2: { ...oauth2(), clientId: 'nope' } })
        .login(username, password + securityToken)
        .catch((error: Error) => error);
      expect(badClient).toMatchObject({ name: 'invalid_client_id', message: 'client identifier invalid' });
    });

    it('answers inactive users and issues client-credentials tokens', async () => {
      await emulator.stop();
      await start({
        users: [{ username: 'gone@example.com', password: 'p', securityToken: 'T', active: false }],
        apps: [{ clientId: 'app', clientSecret: 's', runAs: 'gone@example.com' }],
      });
      const conn = connection({ accessToken: undefined, oauth2: { clientId: 'app', clientSecret: 's', loginUrl: emulator.url } });
      expect(await conn.login('gone@example.com', 'pT').catch((error: Error) => error)).toMatchObject({ name: 'invalid_grant', message: 'inactive user' });
      const token = await conn.oauth2.requestToken({ grant_type: 'client_credentials' });
      expect(token.access_token).toMatch(/^00D/);
      expect(token).not.toHaveProperty('refresh_token');
    });

    it('answers INVALID_SESSION_ID for an expired token; jsforce refreshes once and replays the request', async () => {
      emulator.seed('Contact', contacts(3));
      const conn = connection({ oauth2: oauth2(), refreshToken: emulator.refreshToken });
      let refreshes = 0;
      conn.on('refresh', () => {
        refreshes += 1;
      });
      emulator.sessions.expireSessions();
      const result = await conn.query('SELECT Id FROM Contact');
      expect(result.totalSize).toBe(3);
      expect(refreshes).toBe(1);
      expect(emulator.requestsTo('rest.query').map((request) => request.status)).toEqual([401, 200]);
      const noRefresh = await failure(connection().query('SELECT Id FROM Contact'));
      expect(noRefresh).toMatchObject({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
    });

    it('refuses a revoked refresh token with invalid_grant, which jsforce reports as a plain Error', async () => {
      const conn = connection({ oauth2: oauth2(), refreshToken: emulator.refreshToken });
      emulator.sessions.expireSessions();
      emulator.sessions.revokeRefreshTokens();
      const error = (await failure(conn.query('SELECT Id FROM Contact'))) as Error;
      expect(error.message).toBe('Unable to refresh session due to: expired access/refresh token');
      expect(emulator.sessions.grants).toEqual([{ grantType: 'refresh_token', ok: false, error: 'invalid_grant' }]);
    });
  });

  describe('REST', () => {
    it('pages a query by nextRecordsUrl in batches of 2,000 over a fixed result set', async () => {
      emulator.seed('Contact', contacts(4500));
      const conn = connection();
      const first = await conn.query<{ Id: string; Email: string }>('SELECT Id, Email FROM Contact ORDER BY Email');
      expect(first).toMatchObject({ totalSize: 4500, done: false });
      expect(first.records).toHaveLength(2000);
      expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
      emulator.seed('Contact', contacts(10, 9000));
      const second = await conn.queryMore<{ Id: string }>(first.nextRecordsUrl!);
      const third = await conn.queryMore<{ Id: string }>(second.nextRecordsUrl!);
      expect([second.records.length, third.records.length, third.done]).toEqual([2000, 500, true]);
      const ids = new Set([...first.records, ...second.records, ...third.records].map((record) => record.Id));
      expect(ids.size).toBe(4500);
      expect(first.records[0]).toEqual({
        attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${first.records[0]!.Id}` },
        Id: first.records[0]!.Id,
        Email: 'p0@example.com',
      });
      expect(conn.limitInfo).toEqual({ apiUsage: { used: 3, limit: 100_000 } });
    });

    it('filters, orders and limits with typed literals, and names the unknown column', async () => {
      emulator.seed('Account', [
        { Name: 'Acme', AnnualRevenue: 1000, NumberOfEmployees: 10 },
        { Name: 'Globex', AnnualRevenue: 5000, NumberOfEmployees: 50 },
        { Name: 'Initech', AnnualRevenue: null, NumberOfEmployees: 5 },
      ]);
      const conn = connection();
      const rich = await conn.query<{ Name: string }>(
        "SELECT Name FROM Account WHERE (AnnualRevenue > 999 AND Name LIKE '%c%') OR NumberOfEmployees IN (5) ORDER BY Name DESC LIMIT 5",
      );
      expect(rich.records.map((record) => record.Name)).toEqual(['Initech', 'Acme']);
      const since = await conn.query(`SELECT Id FROM Account WHERE SystemModstamp >= 2020-01-01T00:00:00Z AND AnnualRevenue != null`);
      expect(since.totalSize).toBe(2);
      const unknown = await failure(conn.query('SELECT Nope FROM Account'));
      expect(unknown).toMatchObject({ errorCode: 'INVALID_FIELD' });
      expect((unknown as Error).message).toContain("No such column 'Nope' on entity 'Account'");
      expect(await failure(conn.query('SELECT FROM Account'))).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
      expect(await failure(conn.query('SELECT Id FROM Nope'))).toMatchObject({ errorCode: 'INVALID_TYPE' });
      expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBe(3);
    });

    it('describes objects with their field flags and returns compound addresses as objects', async () => {
      const conn = connection();
      const global = await conn.describeGlobal();
      expect(global.sobjects.map((entry) => entry.name)).toEqual(['Account', 'Contact', 'Lead']);
      const contact = await conn.describe('Contact');
      const byName = new Map(contact.fields.map((field) => [field.name, field]));
      expect(byName.get('External_Id__c')).toMatchObject({ type: 'string', externalId: true, unique: true, idLookup: true });
      expect(byName.get('Email')).toMatchObject({ type: 'email', externalId: false, unique: false, idLookup: true });
      expect(byName.get('MailingCity')).toMatchObject({ compoundFieldName: 'MailingAddress' });
      emulator.seed('Contact', [{ LastName: 'Ada', MailingCity: 'Paris', Birthdate: '1990-12-10' }]);
      const [record] = (await conn.query<Record<string, unknown>>('SELECT MailingAddress, Birthdate, HasOptedOutOfEmail, CreatedDate FROM Contact')).records;
      expect(record).toMatchObject({ MailingAddress: { city: 'Paris', street: null }, Birthdate: '1990-12-10', HasOptedOutOfEmail: false });
      expect(record!.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    });

    it('answers 414 past the URL limit and 403 REQUEST_LIMIT_EXCEEDED past the daily allocation', async () => {
      await emulator.stop();
      await start({ dailyApiLimit: 2, maxUrlLength: 300 });
      const conn = connection();
      const fields = Array.from({ length: 40 }, () => 'LastName').join(', ');
      expect(await failure(conn.query(`SELECT ${fields} FROM Contact`))).toMatchObject({ errorCode: 'ERROR_HTTP_414' });
      await conn.query('SELECT Id FROM Contact');
      await conn.query('SELECT Id FROM Contact');
      expect(conn.limitInfo).toEqual({ apiUsage: { used: 2, limit: 2 } });
      const refused = await failure(conn.query('SELECT Id FROM Contact'));
      expect(refused).toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    });
  });

  describe('sObject Collections', () => {
    it('upserts by an External ID, 200 at most, results in request order with per-record errors', async () => {
      const conn = connection();
      emulator.seed('Contact', [{ LastName: 'Existing', External_Id__c: 'ext-1' }]);
      const results = await conn.sobject('Contact').upsert(
        [
          { External_Id__c: 'ext-0', LastName: 'Zero' },
          { External_Id__c: 'EXT-1', FirstName: 'Updated' },
          { External_Id__c: 'ext-2', FirstName: 'No last name' },
          { External_Id__c: 'ext-3', LastName: 'x'.repeat(81) },
          { External_Id__c: 'ext-4', LastName: 'Bad email', Email: 'not-an-email' },
        ],
        'External_Id__c',
        { allOrNone: false },
      );
      expect(
        results.map((result) =>
          result.success
            ? `ok:${(result as unknown as { created: boolean }).created}`
            : (result as unknown as { errors: Array<{ statusCode: string }> }).errors[0]!.statusCode,
        ),
      ).toEqual(['ok:true', 'ok:false', 'REQUIRED_FIELD_MISSING', 'STRING_TOO_LONG', 'INVALID_EMAIL_ADDRESS']);
      expect(emulator.count('Contact')).toBe(2);
      expect(emulator.org.findBy('Contact', 'External_Id__c', 'ext-1')[0]).toMatchObject({
        FirstName: 'Updated',
        LastName: 'Existing',
        Name: 'Updated Existing',
      });

      const tooMany = await conn
        .sobject('Contact')
        .upsert(contacts(201), 'External_Id__c')
        .catch((error: Error) => error);
      expect(tooMany).toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT' });
      const recursive = await conn.sobject('Contact').upsert(contacts(450), 'External_Id__c', { allowRecursive: true } as never);
      expect(recursive).toHaveLength(450);
      expect(emulator.requestsTo('collections.upsert').map((request) => (request.body as { records: unknown[] }).records.length)).toEqual([
        5, 201, 200, 200, 50,
      ]);
      // ext-0 and ext-1 existed already: 448 created.
      expect(emulator.count('Contact')).toBe(450);
    });

    it('fails a key repeated in one request, refuses a non-External-ID key and an unknown field, and rolls back allOrNone', async () => {
      const conn = connection();
      const repeated = await conn.sobject('Contact').upsert(
        [
          { External_Id__c: 'a', LastName: 'A' },
          { External_Id__c: 'A', LastName: 'B' },
        ],
        'External_Id__c',
      );
      expect(repeated.map((result) => (result as { errors: Array<{ statusCode: string }> }).errors[0]?.statusCode)).toEqual([
        'DUPLICATE_EXTERNAL_ID',
        'DUPLICATE_EXTERNAL_ID',
      ]);
      expect(
        await conn
          .sobject('Contact')
          .upsert([{ Email: 'a@example.com', LastName: 'A' }], 'Email')
          .catch((error: Error) => error),
      ).toMatchObject({ errorCode: 'INVALID_FIELD' });
      const unknown = await conn
        .sobject('Contact')
        .upsert([{ External_Id__c: 'b', LastName: 'B', churn_risk__c: 0.5 }], 'External_Id__c')
        .catch((error: Error) => error);
      expect(unknown).toMatchObject({ errorCode: 'INVALID_FIELD', message: "No such column 'churn_risk__c' on sobject of type Contact" });
      const rolledBack = await conn
        .sobject('Contact')
        .upsert([{ External_Id__c: 'c', LastName: 'C' }, { External_Id__c: 'd' }], 'External_Id__c', { allOrNone: true });
      expect(rolledBack.map((result) => (result as { errors: Array<{ statusCode: string }> }).errors[0]?.statusCode)).toEqual([
        'ALL_OR_NONE_OPERATION_ROLLED_BACK',
        'REQUIRED_FIELD_MISSING',
      ]);
      expect(emulator.count('Contact')).toBe(0);
    });

    it('creates and updates collections, answers injected 503s and per-item faults', async () => {
      const conn = connection();
      const created = await conn.sobject('Lead').create([{ LastName: 'L', Company: 'C', Email: 'l@example.com' }, { LastName: 'M' }], { allOrNone: false });
      expect(created.map((result) => result.success)).toEqual([true, false]);
      const id = (created[0] as { id: string }).id;
      const updated = await conn.sobject('Lead').update([{ Id: id, Company: 'New' }], { allOrNone: false });
      expect(updated[0]).toMatchObject({ success: true, id });
      expect(emulator.org.get('Lead', id)).toMatchObject({ Company: 'New', Status: 'Open - Not Contacted' });

      emulator.faults.inject({ route: 'collections.upsert', times: 1, fault: { kind: 'status', status: 503 } });
      expect(
        await conn
          .sobject('Contact')
          .upsert(contacts(2), 'External_Id__c')
          .catch((error: Error) => error),
      ).toMatchObject({ errorCode: 'SERVER_UNAVAILABLE' });
      emulator.faults.inject({
        route: 'collections.upsert',
        times: 1,
        fault: { kind: 'partial', match: (_item, index) => index === 1, reason: 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record' },
      });
      const partial = await conn.sobject('Contact').upsert(contacts(3), 'External_Id__c');
      expect(partial.map((result) => (result as { errors: Array<{ statusCode: string }> }).errors[0]?.statusCode)).toEqual([
        undefined,
        'UNABLE_TO_LOCK_ROW',
        undefined,
      ]);
      expect(emulator.count('Contact')).toBe(2);
    });
  });

  describe('Bulk API 2.0', () => {
    it('runs an ingest upsert job through jsforce with successful and failed results', async () => {
      const conn = connection();
      conn.bulk2.pollInterval = 1;
      emulator.seed('Contact', [{ LastName: 'Before', External_Id__c: 'ext-1' }]);
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'Contact',
        operation: 'upsert',
        externalIdFieldName: 'External_Id__c',
        input: [
          { External_Id__c: 'ext-0', LastName: 'New, with comma', Email: 'a@example.com' },
          { External_Id__c: 'ext-1', LastName: 'Changed' },
          { External_Id__c: 'ext-2', Email: 'nope' },
        ],
        pollInterval: 1,
        pollTimeout: 5000,
      });
      expect(results.successfulResults.map((row) => [row.sf__Created, (row as Record<string, unknown>).External_Id__c])).toEqual([
        ['true', 'ext-0'],
        ['false', 'ext-1'],
      ]);
      expect(results.failedResults).toHaveLength(1);
      expect(String(results.failedResults[0]!.sf__Error)).toMatch(/^INVALID_EMAIL_ADDRESS:/);
      expect(emulator.org.findBy('Contact', 'External_Id__c', 'ext-0')[0]).toMatchObject({ LastName: 'New, with comma' });
      expect(emulator.org.findBy('Contact', 'External_Id__c', 'ext-1')[0]).toMatchObject({ LastName: 'Changed' });
      expect(emulator.count('Contact')).toBe(2);
    });

    it('keeps a held job InProgress, so a poll times out and the same job can be awaited later', async () => {
      const conn = connection();
      emulator.bulk.hold = true;
      const job = conn.bulk2.createJob({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c' });
      await job.open();
      await job.uploadData('External_Id__c,LastName\nk1,One\nk2,Two\n');
      await job.close();
      const timedOut = await job.poll(1, 20).catch((error: Error) => error);
      expect(timedOut).toMatchObject({ name: 'JobPollingTimeout' });
      emulator.bulk.hold = false;
      const again = conn.bulk2.job('ingest', { id: job.id! });
      await again.poll(1, 5000);
      expect(await again.getSuccessfulResults()).toHaveLength(2);
      expect(emulator.count('Contact')).toBe(2);
      expect(emulator.requestsTo('bulk.ingest.create')).toHaveLength(1);
    });

    it('pages query results with Sforce-Locator, a header row on every page', async () => {
      emulator.seed('Contact', contacts(5));
      const conn = connection();
      const job = (await conn.request({
        method: 'POST',
        url: '/jobs/query',
        body: JSON.stringify({ operation: 'query', query: 'SELECT Id, LastName FROM Contact' }),
        headers: { 'content-type': 'application/json' },
      })) as { id: string; state: string };
      expect(job.state).toBe('UploadComplete');
      expect(((await conn.request(`/jobs/query/${job.id}`)) as { state: string }).state).toBe('InProgress');
      expect(((await conn.request(`/jobs/query/${job.id}`)) as { state: string }).state).toBe('JobComplete');
      const pages: string[] = [];
      let locator = '';
      do {
        const response = await fetch(`${emulator.url}/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=2${locator ? `&locator=${locator}` : ''}`, {
          headers: { authorization: `Bearer ${emulator.token}` },
        });
        pages.push(await response.text());
        locator = response.headers.get('sforce-locator') ?? 'null';
        expect(response.headers.get('sforce-numberofrecords')).toBe(pages.length === 3 ? '1' : '2');
      } while (locator !== 'null');
      expect(pages).toHaveLength(3);
      expect(pages.every((page) => page.startsWith('"Id","LastName"\n'))).toBe(true);
      expect(pages[2]).toMatch(/"Person 4"\n$/);
      const compound = await conn
        .request({
          method: 'POST',
          url: '/jobs/query',
          body: JSON.stringify({ operation: 'query', query: 'SELECT MailingAddress FROM Contact' }),
          headers: { 'content-type': 'application/json' },
        })
        .catch((error: Error) => error);
      expect(compound).toMatchObject({ errorCode: 'FUNCTIONALITY_NOT_ENABLED' });
    });
  });

  it('creates custom fields through the Tooling API and resets to a fresh org', async () => {
    const conn = connection();
    await conn.request({
      method: 'POST',
      url: '/tooling/sobjects/CustomField',
      body: JSON.stringify({ FullName: 'Contact.churn_risk__c', Metadata: { label: 'Churn risk', type: 'Number', precision: 18, scale: 4 } }),
      headers: { 'content-type': 'application/json' },
    });
    await conn.sobject('Contact').upsert([{ External_Id__c: 'x', LastName: 'X', churn_risk__c: 0.25 }], 'External_Id__c');
    expect(emulator.records('Contact')[0]).toMatchObject({ churn_risk__c: 0.25 });
    emulator.reset();
    expect(emulator.count('Contact')).toBe(0);
    expect(emulator.org.field('Contact', 'churn_risk__c')).toBeUndefined();
    expect(emulator.requests).toHaveLength(0);
  });

  it('keeps custom fields and records between runs when given a state file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'salesforce-state-'));
    try {
      await emulator.stop();
      emulator = createSalesforceEmulator();
      await emulator.start({ statePath: join(folder, 'org.json') });
      emulator.org.defineField('Contact', { name: 'churn_risk__c', type: 'double' });
      await connection()
        .sobject('Contact')
        .upsert([{ External_Id__c: 'kept', LastName: 'Kept', churn_risk__c: 0.7 }], 'External_Id__c');
      await emulator.stop();
      emulator = createSalesforceEmulator();
      await emulator.start({ statePath: join(folder, 'org.json') });
      expect(emulator.org.findBy('Contact', 'External_Id__c', 'KEPT')[0]).toMatchObject({ LastName: 'Kept', churn_risk__c: 0.7 });
      const next = emulator.seed('Contact', [{ LastName: 'Next' }])[0]!;
      expect(next.Id).not.toBe(emulator.org.findBy('Contact', 'External_Id__c', 'kept')[0]!.Id);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
