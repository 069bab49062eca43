import { writeResultOf, type WriteResult } from '@automl/connector-core';
import type { SalesforceEmulator } from '@automl/sandbox/salesforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorFor, contacts, startSalesforce } from './test-support/salesforce-test-setup.js';

const batchSizes = (emulator: SalesforceEmulator) =>
  emulator.requestsTo('collections.upsert', 200).map((request) => (request.body as { records: unknown[] }).records.length);

describe('Salesforce Bulk API 2.0 writes', () => {
  let emulator: SalesforceEmulator;
  beforeEach(async () => {
    emulator = await startSalesforce();
  });
  afterEach(() => emulator.stop());

  it('upserts through one ingest job, mapping failed results back to input rows by key', async () => {
    emulator.seed('Contact', [{ External_Id__c: 'ext-3', LastName: 'Before', Title: 'Kept' }]);
    const connector = connectorFor(emulator, { writeMode: 'bulk' });
    const rows = contacts(25).map((row, index) => ({ ...row, Email: index === 7 ? 'not-an-email' : row.Email, Title: index === 3 ? null : 'New' }));
    const result = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(result).toMatchObject({ received: 25, written: 24, created: 23, updated: 1 });
    expect(result.failed).toEqual([expect.objectContaining({ index: 7, code: 'INVALID_EMAIL_ADDRESS' })]);
    expect(emulator.requestsTo('bulk.ingest.create')).toHaveLength(1);
    expect(emulator.count('Contact')).toBe(24);
    // A null is sent as #N/A, Bulk's way to clear a field.
    expect(emulator.org.findBy('Contact', 'External_Id__c', 'ext-3')[0]).toMatchObject({ LastName: 'Last3', Title: null });
    await connector.close();
  });

  it('waits for the same job after a polling timeout instead of submitting the rows again', async () => {
    const connector = connectorFor(emulator, { writeMode: 'bulk', bulkPollTimeoutSeconds: 0.2 });
    emulator.bulk.hold = true;
    const rows = contacts(10);
    const first = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(first.written).toBe(0);
    expect(new Set(first.failed.map((failure) => failure.code))).toEqual(new Set(['BULK_JOB_PENDING']));
    expect(first.failed[0]!.reason).toMatch(/Bulk API job 750\w+ is still running/);
    emulator.bulk.hold = false;
    const second = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(second).toMatchObject({ written: 10, created: 10, failed: [] });
    expect(emulator.requestsTo('bulk.ingest.create')).toHaveLength(1);
    expect(emulator.requestsTo('bulk.ingest.upload')).toHaveLength(1);
    expect(emulator.count('Contact')).toBe(10);
    await connector.close();
  });

  it('submits a new job when the awaited one was aborted', async () => {
    const connector = connectorFor(emulator, { writeMode: 'bulk', bulkPollTimeoutSeconds: 0.2 });
    emulator.bulk.hold = true;
    const rows = contacts(10);
    expect((await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' })).written).toBe(0);
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${emulator.url}/services/data/v62.0${path}`, {
        ...init,
        headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
      }).then((response) => response.json());
    const [job] = ((await call('/jobs/ingest')) as { records: Array<{ id: string }> }).records;
    await call(`/jobs/ingest/${job!.id}`, { method: 'PATCH', body: JSON.stringify({ state: 'Aborted' }) });
    emulator.bulk.hold = false;
    const aborted = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(new Set(aborted.failed.map((failure) => failure.code))).toEqual(new Set(['BULK_JOB_ABORTED']));
    const fresh = await connector.write(rows, { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(fresh).toMatchObject({ written: 10, failed: [] });
    expect(emulator.requestsTo('bulk.ingest.create')).toHaveLength(2);
    expect(emulator.count('Contact')).toBe(10);
    await connector.close();
  });

  it('appends in Collections creates of 200 even when the batches are Bulk-sized', async () => {
    const connector = connectorFor(emulator, { writeMode: 'bulk' });
    const result = await connector.write(contacts(450), { table: 'Contact', mode: 'append' });
    expect(result).toMatchObject({ written: 450, created: 450, failed: [] });
    expect(emulator.requestsTo('collections.create').map((request) => (request.body as { records: unknown[] }).records.length)).toEqual([200, 200, 50]);
    await connector.close();
  });

  it('in auto mode, sends a batch of 2,000 rows or more by Bulk and a smaller one by Collections', async () => {
    const connector = connectorFor(emulator, { writeMode: 'auto' });
    const large = await connector.write(contacts(2500), { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(large).toMatchObject({ written: 2500, created: 2500, failed: [] });
    expect(emulator.requestsTo('bulk.ingest.create')).toHaveLength(1);
    expect(emulator.requestsTo('collections.upsert')).toHaveLength(0);
    const small = await connector.write(contacts(450, 5000), { table: 'Contact', keyColumn: 'External_Id__c' });
    expect(small).toMatchObject({ written: 450, failed: [] });
    expect(batchSizes(emulator).sort((a, b) => b - a)).toEqual([200, 200, 50]);
    expect(emulator.count('Contact')).toBe(2950);
    await connector.close();
  });

  it('in auto mode, a quota refusal inside a large batch keeps what landed counted as written, then stops the write', async () => {
    await emulator.stop();
    emulator = await startSalesforce({ dailyApiLimit: 4 });
    const connector = connectorFor(emulator, { writeMode: 'auto' });
    const error = await connector.write(contacts(450), { table: 'Contact', keyColumn: 'External_Id__c' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'QuotaError' });
    const result = writeResultOf(error) as WriteResult;
    expect(result.stoppedBy).toMatchObject({ kind: 'quota' });
    expect(result.written).toBe(400);
    expect(new Set(result.failed.map((failure) => failure.code))).toEqual(new Set(['REQUEST_LIMIT_EXCEEDED']));
    expect(result.failed).toHaveLength(50);
    expect(emulator.count('Contact')).toBe(400);
    await connector.close();
  });

  it('refuses a Bulk upsert on a key that is not an External ID, before any job', async () => {
    const connector = connectorFor(emulator, { writeMode: 'bulk' });
    const error = await connector.write(contacts(2), { table: 'Contact', keyColumn: 'Email' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'UnsupportedOperationError' });
    expect(emulator.requestsTo('bulk.ingest.create')).toHaveLength(0);
    await connector.close();
  });
});
