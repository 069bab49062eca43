import { writeResultOf } from '@automl/connector-core';
import type { SalesforceEmulator } from '@automl/sandbox/salesforce';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectorFor, contacts, startSalesforce } from './test-support/salesforce-test-setup.js';

const batchSizes = (emulator: SalesforceEmulator, route: string) =>
  emulator.requestsTo(route, 200).map((request) => (request.body as { records: unknown[] }).records.length);

describe('Salesforce writes', () => {
  let emulator: SalesforceEmulator;
  beforeEach(async () => {
    emulator = await startSalesforce();
  });
  afterEach(() => emulator.stop());

  it('upserts by the External ID in sObject Collections calls of at most 200, twice without duplicating', async () => {
    const connector = connectorFor(emulator);
    const first = await connector.write(contacts(450), { table: 'Contact', mode: 'upsert', keyColumn: 'External_Id__c' });
    expect(first).toMatchObject({ received: 450, written: 450, created: 450, failed: [] });
    expect(batchSizes(emulator, 'collections.upsert').sort((a, b) => b - a)).toEqual([200, 200, 50]);
    const second = await connector.write(
      contacts(450).map((row) => ({ ...row, Title: 'Updated' })),
      { table: 'Contact', mode: 'upsert', keyColumn: 'External_Id__c' },
    );
    expect(second).toMatchObject({ written: 450, created: 0, updated: 450 });
    expect(emulator.count('Contact')).toBe(450);
    expect(emulator.records('Contact').every((record) => record.Title === 'Updated')).toBe(true);
    await connector.close();
  });

  it('maps each rejected record to its input row with Salesforce code; a row without its key fails alone', async () => {
    const connector = connectorFor(emulator);
    const rows = [
      { External_Id__c: 'a', LastName: 'A' },
      { External_Id__c: 'b', LastName: 'x'.repeat(81) },
      { LastName: 'No key' },
      { External_Id__c: 'd', LastName: 'D', Email: 'not-an-email' },
      { External_Id__c: 'e' },
      { External_Id__c: 'f', LastName: 'F' },
    ];
    const result = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(result.written).toBe(2);
    const byIndex = [...result.failed].sort((left, right) => left.index - right.index);
    expect(byIndex.map((failure) => [failure.index, failure.code])).toEqual([
      [1, 'STRING_TOO_LONG'],
      [2, 'MISSING_KEY'],
      [3, 'INVALID_EMAIL_ADDRESS'],
      [4, 'REQUIRED_FIELD_MISSING'],
    ]);
    expect(result.failed.find((failure) => failure.index === 4)!.reason).toContain('LastName');
    expect(emulator.count('Contact')).toBe(2);
    await connector.close();
  });

  it('keeps the last value of a key repeated in the input (whatever its case)', async () => {
    const connector = connectorFor(emulator);
    const result = await connector.writeCrmData(
      [
        { External_Id__c: 'k1', LastName: 'First' },
        { External_Id__c: 'k2', LastName: 'Other' },
        { External_Id__c: 'K1', LastName: 'Last' },
      ],
      { destination: 'contacts', idProperty: 'External_Id__c' },
    );
    expect(result).toMatchObject({ written: 3, failed: [] });
    expect(emulator.count('Contact')).toBe(2);
    expect(emulator.org.findBy('Contact', 'External_Id__c', 'k1')[0]!.LastName).toBe('Last');
    await connector.close();
  });

  it('retries an upsert through 503s, resets and a reply that lands after the client timeout, without duplicates', async () => {
    const connector = connectorFor(emulator, { requestTimeoutSeconds: 0.3 });
    emulator.faults.inject({ route: 'collections.upsert', times: 1, fault: { kind: 'status', status: 503 } });
    emulator.faults.inject({ route: 'collections.upsert', times: 1, after: 1, fault: { kind: 'reset' } });
    emulator.faults.inject({ route: 'collections.upsert', times: 1, after: 2, fault: { kind: 'latency', ms: 600 } });
    const result = await connector.write(contacts(300), { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(result).toMatchObject({ received: 300, written: 300, failed: [] });
    // The late request is logged once it has been applied: 2 answered + 503 + reset + the late one.
    await vi.waitFor(() => expect(emulator.requestsTo('collections.upsert')).toHaveLength(5), { timeout: 5000 });
    expect(emulator.count('Contact')).toBe(300);
    await connector.close();
  });

  it('renews an expired session mid-write once and goes on', async () => {
    const connector = connectorFor(emulator);
    await connector.write(contacts(200), { table: 'Contact', keyColumn: 'External_Id__c' });
    emulator.sessions.expireSessions();
    const result = await connector.write(contacts(400, 200), { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(result).toMatchObject({ written: 400, failed: [] });
    expect(emulator.sessions.grants).toEqual([{ grantType: 'refresh_token', ok: true }]);
    expect(emulator.count('Contact')).toBe(600);
    await connector.close();
  });

  it('names missing fields and how to create them, or creates them through the Tooling API when asked', async () => {
    const connector = connectorFor(emulator);
    const rows = contacts(3).map((row, index) => ({
      External_Id__c: row.External_Id__c,
      LastName: row.LastName,
      churn_risk__c: index / 10,
      segment__c: 'high',
    }));
    const error = await connector.writeCrmData(rows, { destination: 'contacts', idProperty: 'External_Id__c' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'NotFoundError', message: 'Contact has no fields churn_risk__c, segment__c' });
    expect((error as { hint: string }).hint).toContain('createMissingProperties');
    expect(writeResultOf(error)?.failed.map((failure) => failure.code)).toEqual(['INVALID_FIELD', 'INVALID_FIELD', 'INVALID_FIELD']);
    expect(emulator.count('Contact')).toBe(0);
    const created = await connector.writeCrmData(rows, { destination: 'contacts', idProperty: 'External_Id__c', createMissingProperties: true });
    expect(created).toMatchObject({ written: 3, failed: [] });
    expect(emulator.org.field('Contact', 'churn_risk__c')).toMatchObject({ type: 'double' });
    expect(emulator.org.findBy('Contact', 'External_Id__c', 'ext-2')[0]).toMatchObject({ churn_risk__c: 0.2, segment__c: 'high' });
    await connector.close();
  });

  it('creates a missing field once even when several batches are in flight (no DUPLICATE_DEVELOPER_NAME)', async () => {
    const connector = connectorFor(emulator);
    const rows = contacts(450).map((row, index) => ({ External_Id__c: row.External_Id__c, LastName: row.LastName, churn_risk__c: (index % 10) / 10 }));
    const result = await connector.writeCrmData(rows, { destination: 'contacts', idProperty: 'External_Id__c', createMissingProperties: true });
    expect(result).toMatchObject({ written: 450, failed: [] });
    expect(emulator.requestsTo('tooling.customField.create', 201).length + emulator.requestsTo('tooling.customField.create', 200).length).toBe(1);
    expect(emulator.count('Contact')).toBe(450);
    await connector.close();
  });

  it('upserts on Email, not an External ID, by looking records up first; several matches fail that row', async () => {
    emulator.seed('Contact', [
      { LastName: 'Existing', Email: 'known@example.com' },
      { LastName: 'Twin 1', Email: 'twin@example.com' },
      { LastName: 'Twin 2', Email: 'TWIN@example.com' },
    ]);
    const connector = connectorFor(emulator);
    const result = await connector.writeCrmData(
      [
        { Email: 'Known@example.com', LastName: 'Existing', Title: 'Updated' },
        { Email: 'new@example.com', LastName: 'New' },
        { Email: 'twin@example.com', LastName: 'Twin' },
      ],
      { destination: 'contacts', idProperty: 'Email' },
    );
    expect(result).toMatchObject({ written: 2, created: 1, updated: 1 });
    expect(result.failed).toEqual([expect.objectContaining({ index: 2, code: 'AMBIGUOUS_KEY' })]);
    expect(emulator.org.findBy('Contact', 'Email', 'known@example.com')[0]!.Title).toBe('Updated');
    expect(emulator.count('Contact')).toBe(4);
    await connector.close();
  });

  it('never sends a create twice when its reply is lost: it looks the key up and the next write matches it', async () => {
    const connector = connectorFor(emulator, { requestTimeoutSeconds: 0.3 });
    emulator.faults.inject({ route: 'collections.create', times: 1, fault: { kind: 'latency', ms: 500 } });
    const rows = [{ Email: 'late@example.com', LastName: 'Late' }];
    const first = await connector.write(rows, { table: 'Contact', keyColumn: 'Email' });
    expect(first.written + first.failed.length).toBe(1);
    // The create lands after the client gave up on it (the emulator logs it once applied).
    await vi.waitFor(() => expect(emulator.requestsTo('collections.create')).toHaveLength(1), { timeout: 5000 });
    expect(emulator.count('Contact')).toBe(1);
    if (first.failed.length > 0) expect(first.failed[0]!.code).toBe('CREATE_UNCONFIRMED');
    const again = await connector.write(rows, { table: 'Contact', keyColumn: 'Email' });
    expect(again).toMatchObject({ written: 1, updated: 1 });
    expect(emulator.count('Contact')).toBe(1);

    emulator.faults.inject({ route: 'collections.create', times: 1, fault: { kind: 'reset' } });
    const reset = await connector.write([{ Email: 'reset@example.com', LastName: 'Reset' }], { table: 'Contact', keyColumn: 'Email' });
    expect(reset.failed.map((failure) => failure.code)).toEqual(['CREATE_UNCONFIRMED']);
    expect(emulator.count('Contact')).toBe(1);
    await connector.close();
  });

  it('writes rows read from Salesforce back as they are, and updates by record Id', async () => {
    emulator.seed('Contact', contacts(3));
    const connector = connectorFor(emulator);
    const rows = await connector.readAll({ table: 'Contact' });
    const back = await connector.write(
      rows.map((row) => ({ ...row, Title: 'Round trip' })),
      { table: 'Contact', keyColumn: 'External_Id__c' },
    );
    expect(back).toMatchObject({ written: 3, updated: 3, failed: [] });
    const byId = await connector.write([{ Id: rows[0]!.Id, Title: 'By id' }, { Title: 'No id' }], { table: 'Contact', keyColumn: 'Id' });
    expect(byId).toMatchObject({ written: 1, updated: 1 });
    expect(byId.failed.map((failure) => failure.code)).toEqual(['MISSING_KEY']);
    expect(emulator.org.get('Contact', String(rows[0]!.Id))!.Title).toBe('By id');
    expect(emulator.count('Contact')).toBe(3);
    await connector.close();
  });

  it('creates without a key in append mode, never retrying a create', async () => {
    const connector = connectorFor(emulator);
    emulator.faults.inject({ route: 'collections.create', times: 1, fault: { kind: 'status', status: 503 } });
    const result = await connector.write([{ LastName: 'A' }, { LastName: 'B' }], { table: 'Lead', mode: 'append' });
    expect(result.failed.map((failure) => failure.code)).toEqual(['SERVER_UNAVAILABLE', 'SERVER_UNAVAILABLE']);
    expect(emulator.requestsTo('collections.create')).toHaveLength(1);
    const ok = await connector.write([{ LastName: 'A', Company: 'Acme' }], { table: 'Lead', mode: 'append' });
    expect(ok).toMatchObject({ written: 1, created: 1 });
    expect(emulator.count('Lead')).toBe(1);
    await connector.close();
  });

  it('stops on REQUEST_LIMIT_EXCEEDED as a QuotaError, not retried, and reports the usage gauge', async () => {
    await emulator.stop();
    emulator = await startSalesforce({ dailyApiLimit: 3 });
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    const connector = connectorFor(emulator, {}, { metricsRegistry: registry });
    const error = await connector.write(contacts(450), { table: 'Contact', keyColumn: 'External_Id__c' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'QuotaError', code: 'REQUEST_LIMIT_EXCEEDED' });
    const result = writeResultOf(error)!;
    expect(result.written + result.failed.length).toBe(450);
    expect(emulator.requestsTo('collections.upsert', 403).length).toBeLessThanOrEqual(2);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/ml_connectors_api_usage\{connector="salesforce",kind="limit"\} 3/);
    expect(metrics).toMatch(/ml_connectors_api_usage\{connector="salesforce",kind="used"\} 3/);
    await connector.close();
  });
});
