import { CRMConnector } from '@automl/connector-core';
import { Client } from '@hubspot/api-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HubSpotConnector } from './hubspot-connector.js';
import { contacts, fastPolicy, startHubSpot, type HubSpotFixture } from './test-support/hubspot-test-setup.js';

describe('HubSpotConnector against the emulated portal', () => {
  let fixture: HubSpotFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('runs the spec example through the CRMConnector facade and the real SDK', async () => {
    fixture = await startHubSpot();
    fixture.emulator.portal.seedObjects('contacts', contacts(25));
    fixture.emulator.portal.defineCustomObject({ name: 'cars', properties: [{ name: 'model', label: 'Model' }] });
    const crm = new CRMConnector(
      { connectionType: 'hubspot', crmType: 'hubspot', apiKey: fixture.emulator.token, baseUrl: fixture.url, ...fastPolicy },
      { metricsRegistry: null },
    );
    await crm.connect();
    expect(await crm.listTables()).toEqual(['contacts', 'companies', 'deals', 'cars']);
    const rows = await crm.fetchCrmData('contacts', { limit: 10 });
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ email: 'person0@example.com', firstname: 'First0', hs_object_id: Number(rows[0]!.id) });
    expect(rows[0]!.createdate).toBeInstanceOf(Date);
    // limit 10 asks HubSpot for one page of 10, not a page of 100.
    expect(fixture.emulator.requestsTo('objects.list').map((request) => new URLSearchParams(request.query).get('limit'))).toEqual(['10']);
    const result = await crm.writeCrmData([{ email: 'new@example.com', firstname: 'New' }], { destination: 'contacts', updateExisting: true });
    expect(result).toMatchObject({ received: 1, written: 1, created: 1, updated: 0, failed: [] });
    await crm.close();
  });

  it('pages through the list endpoint, 100 records a page, one page read ahead', async () => {
    fixture = await startHubSpot();
    fixture.emulator.portal.seedObjects('contacts', contacts(250));
    const listCalls = () => fixture!.emulator.requestsTo('objects.list');
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of fixture.connector.read({ table: 'contacts', columns: ['email'] })) {
      // While the consumer holds a page, the next one is already asked for (none after the last).
      if (pages.length < 2) await vi.waitFor(() => expect(listCalls()).toHaveLength(pages.length + 2), { timeout: 10_000 });
      pages.push(page.length);
      for (const row of page) ids.add(String(row.id));
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(ids.size).toBe(250);
    expect(listCalls().map((request) => new URLSearchParams(request.query).get('after'))).toEqual([null, expect.any(String), expect.any(String)]);

    // Never read ahead past maxRows: 200 rows are two pages, two requests.
    fixture.emulator.clearLog();
    expect(await fixture.connector.readAll({ table: 'contacts', maxRows: 200 })).toHaveLength(200);
    expect(listCalls()).toHaveLength(2);

    // Stopping early: core aborts the one page read ahead (its HTTP request stops) and asks for no other.
    fixture.emulator.clearLog();
    for await (const page of fixture.connector.read({ table: 'contacts' })) {
      expect(page).toHaveLength(100);
      break;
    }
    expect(listCalls().length).toBeLessThanOrEqual(2);
  });

  it('reports a read-ahead that failed while the consumer held the previous page when the next page is asked for', async () => {
    fixture = await startHubSpot();
    fixture.emulator.portal.seedObjects('contacts', contacts(250));
    fixture.emulator.faults.inject({ route: 'objects.list', after: 1, times: 1, fault: { kind: 'status', status: 400, message: 'bad cursor' } });
    const pages: number[] = [];
    const reading = (async () => {
      for await (const page of fixture!.connector.read({ table: 'contacts' })) {
        pages.push(page.length);
        // The read-ahead fails now, long before the loop asks for it: no unhandled rejection.
        await vi.waitFor(() => expect(fixture!.emulator.requestsTo('objects.list', 400)).toHaveLength(1), { timeout: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'DataError', status: 400 });
    expect(pages).toEqual([100]);
  });

  it('reads every property of a portal whose property list does not fit in one URL, one request per group of properties', async () => {
    fixture = await startHubSpot();
    const { emulator } = fixture;
    // 400 custom properties of 41 characters: ~17,000 characters of names, twice the 8 KB of URL HubSpot's edge takes.
    const custom = Array.from({ length: 400 }, (_, index) => `churn_model_feature_with_a_long_name_${String(index).padStart(4, '0')}`);
    for (const name of custom) emulator.portal.defineProperty('contacts', { name, type: 'number', fieldType: 'number', groupName: 'contactinformation' });
    emulator.portal.seedObjects(
      'contacts',
      contacts(150).map((row, index) => ({ ...row, [custom[0]!]: index, [custom[399]!]: index * 2 })),
    );

    // The plain SDK loop asking for every property meets the 414.
    const client = new Client({ accessToken: emulator.token, basePath: fixture.url, numberOfApiCallRetries: 0 });
    const every = emulator.portal.properties('contacts').map((property) => property.name);
    await expect(client.crm.contacts.basicApi.getPage(100, undefined, every)).rejects.toMatchObject({ code: 414 });
    emulator.clearLog();

    const rows = await fixture.connector.readAll({ table: 'contacts' });
    expect(rows).toHaveLength(150);
    expect(Object.keys(rows[0]!)).toHaveLength(every.length + 1);
    expect(rows[7]).toMatchObject({ email: 'person7@example.com', [custom[0]!]: 7, [custom[399]!]: 14, [custom[200]!]: null });
    const lists = emulator.requestsTo('objects.list');
    expect(emulator.requestsTo('objects.list', 414)).toHaveLength(0);
    // Two pages, each read as the same number of requests (one per group), all the same cursor within a page.
    const groups = lists.length / 2;
    expect(groups).toBeGreaterThan(1);
    expect(Number.isInteger(groups)).toBe(true);
    const cursors = lists.map((request) => new URLSearchParams(request.query).get('after'));
    expect(new Set(cursors.slice(0, groups))).toEqual(new Set([null]));
    expect(new Set(cursors.slice(groups)).size).toBe(1);
    // Each property asked for exactly once per page.
    const asked = lists.slice(0, groups).flatMap((request) => new URLSearchParams(request.query).get('properties')!.split(','));
    expect(asked.sort()).toEqual([...every].sort());
  });

  it('upserts, then reads back typed values; a second run updates instead of duplicating', async () => {
    fixture = await startHubSpot();
    const rows = contacts(150).map((row, index) => ({ ...row, churn_risk: index / 150, segment: index % 2 ? 'High' : 'Low' }));
    const first = await fixture.connector.writeCrmData(rows, { destination: 'contacts', updateExisting: true, createMissingProperties: true });
    expect(first).toMatchObject({ received: 150, written: 150, created: 150, updated: 0, failed: [] });
    expect(fixture.emulator.requestsTo('objects.batchUpsert')).toHaveLength(2);
    expect(fixture.emulator.portal.property('contacts', 'churn_risk')).toMatchObject({ type: 'number', groupName: 'contactinformation' });
    expect(fixture.emulator.portal.property('contacts', 'segment')).toMatchObject({ type: 'string' });

    const second = await fixture.connector.writeCrmData(rows, { destination: 'contacts', updateExisting: true, createMissingProperties: true });
    expect(second).toMatchObject({ written: 150, created: 0, updated: 150, failed: [] });
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(150);

    const back = await fixture.connector.fetchCrmData('contacts', { properties: ['email', 'churn_risk', 'segment'] });
    expect(back).toHaveLength(150);
    expect(back[3]).toEqual({ id: expect.any(String), email: 'person3@example.com', churn_risk: 3 / 150, segment: 'High' });
  });

  it('reads only records modified since an instant', async () => {
    fixture = await startHubSpot();
    const seeded = fixture.emulator.portal.seedObjects('contacts', contacts(30));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await fixture.connector.writeCrmData(
      [
        { email: 'person7@example.com', lastname: 'Changed' },
        { email: 'person21@example.com', lastname: 'Changed' },
      ],
      {
        destination: 'contacts',
      },
    );
    const changed = await fixture.connector.fetchCrmData('contacts', { since, properties: ['email', 'lastname'] });
    expect(changed.map((row) => row.id)).toEqual([seeded[7]!.id, seeded[21]!.id]);
    expect(changed.every((row) => row.lastname === 'Changed')).toBe(true);
  });

  it('reports per-row failures of a 207 with the exact input row, and writes the other rows', async () => {
    fixture = await startHubSpot();
    const rows = contacts(100);
    rows[42] = { ...rows[42]!, email: 'not-an-email' };
    rows[77] = { ...rows[77]! };
    delete (rows[77] as Record<string, unknown>).email;
    const result = await fixture.connector.writeCrmData(rows, { destination: 'contacts', updateExisting: true });
    expect(result.written).toBe(98);
    expect(result.failed.map((failure) => failure.index)).toEqual([42, 77]);
    expect(result.failed[0]).toMatchObject({ row: rows[42], code: 'VALIDATION_ERROR', reason: expect.stringContaining('not-an-email') });
    expect(result.failed[1]).toMatchObject({ code: 'MISSING_ID_PROPERTY' });
    expect(fixture.emulator.requestsTo('objects.batchUpsert', 207)).toHaveLength(1);
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(98);
  });

  it('maps injected partial failures of a batch create back to their rows', async () => {
    fixture = await startHubSpot();
    fixture.emulator.faults.inject({
      route: 'objects.batchCreate',
      times: 1,
      fault: { kind: 'partial', match: (_item, index) => index === 5 || index === 60, reason: 'Injected: record rejected' },
    });
    const result = await fixture.connector.write(contacts(120), { table: 'contacts', mode: 'append' });
    expect(result).toMatchObject({ received: 120, written: 118, created: 118 });
    expect(result.failed.map((failure) => [failure.index, failure.reason])).toEqual([
      [5, 'Injected: record rejected'],
      [60, 'Injected: record rejected'],
    ]);
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(118);
  });

  it('splits a batch HubSpot refused whole until the bad rows stand alone', async () => {
    fixture = await startHubSpot();
    fixture.emulator.faults.inject({ route: 'objects.batchUpsert', times: 1, fault: { kind: 'status', status: 400, message: 'Batch refused' } });
    const result = await fixture.connector.writeCrmData(contacts(100), { destination: 'contacts' });
    expect(result).toMatchObject({ written: 100, created: 100, failed: [] });
    expect(fixture.emulator.requestsTo('objects.batchUpsert').map((request) => (request.body as { inputs: unknown[] }).inputs.length)).toEqual([100, 50, 50]);
  });

  it('puts a repeated key in the next batch, as HubSpot refuses duplicates in one batch', async () => {
    fixture = await startHubSpot();
    const result = await fixture.connector.writeCrmData(
      [
        { email: 'ada@example.com', firstname: 'Ada' },
        { email: 'bob@example.com', firstname: 'Bob' },
        { email: 'ADA@example.com', firstname: 'Ada L.' },
      ],
      { destination: 'contacts', updateExisting: true },
    );
    expect(result).toMatchObject({ written: 3, created: 2, updated: 1, failed: [] });
    expect(fixture.emulator.requestsTo('objects.batchUpsert')).toHaveLength(2);
    expect(fixture.emulator.portal.listObjects('contacts').map((record) => record.properties.firstname)).toEqual(['Ada L.', 'Bob']);
  });

  it('sends up to four batches at once, yet a key repeated across batches ends with its last row', async () => {
    fixture = await startHubSpot();
    const { emulator } = fixture;
    // Each batch call takes 100 ms on the portal, long enough for the next ones to overlap it.
    emulator.faults.inject({ route: 'objects.batchUpsert', fault: { kind: 'latency', ms: 100 } });
    const result = await fixture.connector.writeCrmData(contacts(1000), { destination: 'contacts', updateExisting: true });
    expect(result).toMatchObject({ written: 1000, created: 1000, failed: [] });
    expect(emulator.requestsTo('objects.batchUpsert')).toHaveLength(10);
    expect(emulator.peakConcurrentRequests).toBeGreaterThan(1);
    expect(emulator.peakConcurrentRequests).toBeLessThanOrEqual(4);

    // The first batch is slow and the repeat of person0 travels in the second: sent at once, the
    // second would land first and the first would then overwrite it with the older value.
    emulator.faults.clear();
    emulator.clearLog();
    emulator.faults.inject({ route: 'objects.batchUpsert', times: 1, fault: { kind: 'latency', ms: 200 } });
    const rows = [...contacts(50).map((row) => ({ ...row, lastname: 'Old' })), { email: 'person0@example.com', lastname: 'New' }, ...contacts(50, 50)];
    const again = await fixture.connector.writeCrmData(rows, { destination: 'contacts', updateExisting: true });
    expect(again).toMatchObject({ written: 101, failed: [] });
    expect(emulator.portal.findByUnique('contacts', 'email', 'person0@example.com')!.properties.lastname).toBe('New');
    expect(emulator.portal.findByUnique('contacts', 'email', 'person1@example.com')!.properties.lastname).toBe('Old');

    // The same when the repeat comes two batches later, with an unrelated batch between them.
    emulator.faults.clear();
    emulator.faults.inject({ route: 'objects.batchUpsert', times: 1, fault: { kind: 'latency', ms: 200 } });
    const later = [{ email: 'person7@example.com', lastname: 'First' }, ...contacts(199, 1000), { email: 'person7@example.com', lastname: 'Last' }];
    expect(await fixture.connector.writeCrmData(later, { destination: 'contacts', updateExisting: true })).toMatchObject({ written: 201, failed: [] });
    expect(emulator.portal.findByUnique('contacts', 'email', 'person7@example.com')!.properties.lastname).toBe('Last');
  });

  it('stops a write at the first failure that is not about rows, after the batches in flight are answered', async () => {
    fixture = await startHubSpot();
    const { emulator } = fixture;
    emulator.faults.inject({ route: 'objects.batchUpsert', fault: { kind: 'latency', ms: 50 } });
    emulator.faults.inject({ route: 'objects.batchUpsert', after: 2, times: 1, fault: { kind: 'auth', message: 'token revoked' } });
    await expect(fixture.connector.writeCrmData(contacts(2000), { destination: 'contacts', updateExisting: true })).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
    const calls = emulator.requestsTo('objects.batchUpsert').length;
    // Nothing is sent after the refusal is known: at most the batches already in flight beside it.
    expect(calls).toBeLessThanOrEqual(3 + 3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(emulator.requestsTo('objects.batchUpsert')).toHaveLength(calls);
    expect(emulator.portal.countObjects('contacts')).toBe((calls - 1) * 100);
  });

  it('names missing properties instead of writing when not asked to create them', async () => {
    fixture = await startHubSpot();
    const rows = contacts(3).map((row) => ({ ...row, churn_risk: 0.5, segment: 'High' }));
    const result = await fixture.connector.writeCrmData(rows, { destination: 'contacts', updateExisting: true });
    expect(result).toMatchObject({ received: 3, written: 0 });
    expect(result.failed.map((failure) => failure.index)).toEqual([0, 1, 2]);
    expect(result.failed[0]).toMatchObject({ code: 'PROPERTY_DOESNT_EXIST', reason: expect.stringContaining('createMissingProperties') });
    expect(result.failed[0]!.reason).toMatch(/churn_risk, segment/);
    expect(fixture.emulator.portal.countObjects('contacts')).toBe(0);
  });

  it('describes an object from its properties and writes custom objects by name', async () => {
    fixture = await startHubSpot();
    fixture.emulator.portal.defineCustomObject({
      name: 'cars',
      properties: [
        { name: 'vin', label: 'VIN', hasUniqueValue: true },
        { name: 'price', label: 'Price', type: 'number', fieldType: 'number' },
      ],
    });
    const schema = await fixture.connector.describe('cars');
    expect(schema.columns).toEqual(expect.arrayContaining([{ name: 'price', type: 'number', sourceType: 'number', nullable: true }]));
    const result = await fixture.connector.write(
      [
        { vin: 'V1', price: 1000 },
        { vin: 'V2', price: 2000 },
      ],
      { table: 'cars', mode: 'upsert', keyColumn: 'vin' },
    );
    expect(result).toMatchObject({ written: 2, created: 2 });
    expect(await fixture.connector.readAll({ table: 'cars', columns: ['vin', 'price'] })).toEqual([
      { id: expect.any(String), vin: 'V1', price: 1000 },
      { id: expect.any(String), vin: 'V2', price: 2000 },
    ]);
    expect(fixture.emulator.requestsTo('objects.batchUpsert')[0]!.path).toMatch(/\/crm\/v3\/objects\/2-\d+\/batch\/upsert$/);
  });

  it('connects lazily and closes idempotently', async () => {
    fixture = await startHubSpot();
    const connector = new HubSpotConnector({ apiKey: fixture.emulator.token, baseUrl: fixture.url, ...fastPolicy }, { metricsRegistry: null });
    await connector.connect();
    expect(fixture.emulator.requests).toHaveLength(0);
    expect(await connector.testConnection()).toMatchObject({ ok: true, identity: `portal ${fixture.emulator.portal.portalId}` });
    await connector.close();
    await connector.close();
    await expect(connector.listTables()).rejects.toThrow(/closed/);
  });
});
