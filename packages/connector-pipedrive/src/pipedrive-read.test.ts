import { afterEach, describe, expect, it } from 'vitest';
import { CRMConnector } from '@automl/connector-core';
import { startPipedrive, type PipedriveFixture } from './test-support/pipedrive-test-setup.js';

describe('Pipedrive reads', () => {
  let fixture: PipedriveFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('gives custom fields under their names, options as labels, the primary email and every email', async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    const tier = emulator.company.addField('persons', 'tier', 'enum', ['gold', 'silver']);
    const tags = emulator.company.addField('persons', 'tags', 'set', ['a', 'b', 'c']);
    emulator.seed('persons', [
      {
        name: 'Ann Lee',
        email: [
          { value: 'ann@work.example', primary: false },
          { value: 'ann@home.example', primary: true },
        ],
        churn_risk: 0.25,
        tier: 'silver',
        tags: ['a', 'c'],
      },
      { name: 'Bob', email: 'bob@example.com' },
    ]);
    const rows = await connector.readAll({ table: 'persons' });
    expect(rows[0]).toMatchObject({
      id: 1,
      name: 'Ann Lee',
      first_name: 'Ann',
      last_name: 'Lee',
      email: 'ann@home.example',
      emails: ['ann@work.example', 'ann@home.example'],
      churn_risk: 0.25,
      tier: 'silver',
      tags: ['a', 'c'],
    });
    expect(rows[1]).toMatchObject({ email: 'bob@example.com', churn_risk: null, tier: null });
    expect(Object.keys(rows[0]!).some((key) => /^[0-9a-f]{40}$/.test(key))).toBe(false);
    const schema = await connector.describe('persons');
    expect(schema.columns).toEqual(
      expect.arrayContaining([
        { name: 'churn_risk', type: 'number', sourceType: 'double', nullable: true },
        expect.objectContaining({ name: 'tier', type: 'string', sourceType: 'enum' }),
      ]),
    );
    expect(tier.key).not.toBe(tags.key);
  });

  it('pages with v2 cursors, honours maxRows and columns, and reads organizations and deals', async () => {
    fixture = await startPipedrive({ pageSizeMax: 500 });
    const { emulator, connector } = fixture;
    emulator.seed(
      'persons',
      Array.from({ length: 23 }, (_, index) => ({ name: `P${index}`, email: `p${index}@example.com` })),
    );
    emulator.seed('organizations', [{ name: 'Acme' }, { name: 'Globex' }]);
    emulator.seed('deals', [{ title: 'Big deal', value: 1000 }]);
    let pages = 0;
    for await (const page of connector.read({ table: 'persons', pageSize: 10 })) {
      pages += 1;
      expect(page.length).toBeLessThanOrEqual(10);
    }
    expect(pages).toBe(3);
    expect(emulator.requestsTo('persons.list').map((request) => new URLSearchParams(request.query).get('limit'))).toEqual(['10', '10', '10']);
    expect(await connector.readAll({ table: 'persons', maxRows: 5, columns: ['id', 'email'] })).toEqual(
      Array.from({ length: 5 }, (_, index) => ({ id: index + 1, email: `p${index}@example.com` })),
    );
    expect((await connector.readAll({ table: 'organizations' })).map((row) => row.name)).toEqual(['Acme', 'Globex']);
    expect(await connector.readAll({ table: 'deals' })).toEqual([expect.objectContaining({ title: 'Big deal', value: 1000 })]);
    emulator.seed('activities', [{ subject: 'Call Ann', done: true, person_id: 1 }]);
    emulator.seed('products', [{ name: 'Seat licence', code: 'SEAT', tax: 20 }]);
    expect(await connector.readAll({ table: 'activities' })).toEqual([
      expect.objectContaining({ subject: 'Call Ann', done: true, person_id: 1, type: 'call' }),
    ]);
    expect(await connector.readAll({ table: 'products' })).toEqual([expect.objectContaining({ name: 'Seat licence', code: 'SEAT', tax: 20 })]);
    expect(emulator.requestsTo('activityFields.list')).toHaveLength(1);
    expect(await connector.listTables()).toEqual(['persons', 'organizations', 'deals', 'leads', 'activities', 'products']);
    await expect(connector.readAll({ table: 'quotes' })).rejects.toThrow(/no entity "quotes"/);
  });

  it('reads leads from v1 with start/limit paging, deal custom fields under their names, since on the server', async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    emulator.company.addField('deals', 'temperature', 'enum', ['warm', 'cold']);
    emulator.company.addField('deals', 'budget', 'monetary');
    emulator.seed('leads', [
      ...Array.from({ length: 4 }, (_, index) => ({ title: `Lead ${index}`, person_id: index + 1, update_time: '2026-01-01T00:00:00Z' })),
      { title: 'Hot', organization_id: 9, value: 1200, temperature: 'warm', budget: { value: 50, currency: 'USD' }, update_time: '2026-06-01T12:00:00Z' },
      { title: 'Archived', is_archived: true },
    ]);
    let pages = 0;
    for await (const page of connector.read({ table: 'leads', pageSize: 2 })) {
      pages += 1;
      expect(page.length).toBeLessThanOrEqual(2);
    }
    expect(pages).toBe(3);
    expect(emulator.requestsTo('leads.list').map((request) => new URLSearchParams(request.query).get('start'))).toEqual(['0', '2', '4']);
    const rows = await connector.readAll({ table: 'leads' });
    expect(rows.map((row) => row.title)).toEqual(['Lead 0', 'Lead 1', 'Lead 2', 'Lead 3', 'Hot']);
    expect(rows[4]).toMatchObject({ value: 1200, currency: 'EUR', organization_id: 9, person_id: null, temperature: 'warm', budget: 50, is_archived: false });
    expect(rows[0]).toMatchObject({ value: null, currency: null, temperature: null, budget: null });
    expect(String(rows[0]!.id)).toMatch(/^[0-9a-f-]{36}$/);
    // The leads' custom fields are the deals': read once per connection.
    expect(emulator.requestsTo('dealFields.list')).toHaveLength(1);
    const recent = await connector.fetchCrmData('leads', { since: new Date('2026-03-01T00:00:00.500Z'), properties: ['title'] });
    expect(recent).toEqual([{ title: 'Hot' }]);
    expect(new URLSearchParams(emulator.requestsTo('leads.list').at(-1)!.query).get('updated_since')).toBe('2026-03-01T00:00:00Z');
    const schema = await connector.describe('leads');
    expect(schema.columns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', type: 'string' }),
        expect.objectContaining({ name: 'value', type: 'number' }),
        expect.objectContaining({ name: 'temperature', type: 'string', sourceType: 'enum' }),
      ]),
    );
  });

  it('keeps since on leads when the server ignores updated_since (older API references list no such parameter)', async () => {
    fixture = await startPipedrive({ leadsHonourUpdatedSince: false });
    const { emulator, connector } = fixture;
    emulator.seed('leads', [
      { title: 'Old', update_time: '2026-01-01T00:00:00Z' },
      { title: 'Same second', update_time: '2026-03-01T00:00:00Z' },
      { title: 'New', update_time: '2026-06-01T00:00:00Z' },
    ]);
    const rows = await connector.readAll({ table: 'leads', since: new Date('2026-03-01T00:00:00.700Z'), columns: ['title'] });
    expect(rows).toEqual([{ title: 'Same second' }, { title: 'New' }]);
  });

  it('reads incrementally with since through updated_since, on the server', async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    emulator.seed('persons', [{ name: 'Old', email: 'old@example.com' }]);
    emulator.company.get('persons', 1)!.update_time = '2020-01-01T00:00:00Z';
    emulator.seed('persons', [{ name: 'New', email: 'new@example.com' }]);
    const rows = await connector.readAll({ table: 'persons', since: new Date('2024-06-01T10:20:30.456Z') });
    expect(rows.map((row) => row.name)).toEqual(['New']);
    expect(new URLSearchParams(emulator.requestsTo('persons.list')[0]!.query).get('updated_since')).toBe('2024-06-01T10:20:30Z');
  });

  it("loads each entity's fields once per connection and names the user in testConnection", async () => {
    fixture = await startPipedrive();
    const { emulator, connector } = fixture;
    emulator.seed('persons', [{ name: 'A', email: 'a@example.com', score: 1 }]);
    await connector.readAll({ table: 'persons' });
    await connector.readAll({ table: 'persons' });
    await connector.describe('persons');
    expect(emulator.requestsTo('personFields.list')).toHaveLength(1);
    const result = await connector.testConnection();
    expect(result).toMatchObject({
      ok: true,
      connector: 'pipedrive',
      identity: 'admin@sandbox.example @ Sandbox Company',
      details: { companyId: emulator.company.companyId },
    });
  });

  it('works behind the CRMConnector facade (crmType pipedrive)', async () => {
    fixture = await startPipedrive();
    fixture.emulator.seed('persons', [{ name: 'A', email: 'a@example.com', churn_risk: 0.5 }]);
    const crm = new CRMConnector(
      { crm_type: 'pipedrive', api_key: fixture.emulator.token, base_url: fixture.url },
      { metricsRegistry: null, environment: false },
    );
    try {
      expect(await crm.fetchCrmData('contacts', { properties: ['email', 'churn_risk'] })).toEqual([{ email: 'a@example.com', churn_risk: 0.5 }]);
    } finally {
      await crm.close();
    }
  });
});
