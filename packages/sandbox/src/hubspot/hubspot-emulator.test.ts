import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotEmulator, type HubSpotEmulator } from './hubspot-emulator.js';

describe('HubSpot emulator', () => {
  let emulator: HubSpotEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const response = await fetch(`${emulator!.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? emulator!.token}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };

  it('pages the list with after cursors and sends the rate-limit headers', async () => {
    emulator = createHubSpotEmulator();
    await emulator.start();
    emulator.portal.seedObjects(
      'contacts',
      Array.from({ length: 5 }, (_, index) => ({ email: `p${index}@example.com` })),
    );
    const first = await call('/crm/v3/objects/contacts?limit=2&properties=email');
    expect(first.body.results.map((record: any) => record.properties.email)).toEqual(['p0@example.com', 'p1@example.com']);
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    const third = await call(`/crm/v3/objects/contacts?limit=2&after=${first.body.paging.next.after}`);
    expect(third.body.results).toHaveLength(2);
    expect(Object.keys(third.body.results[0].properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
  });

  it('takes properties repeated or comma-separated, and refuses request URLs past its limit with 414', async () => {
    emulator = createHubSpotEmulator({ maxUrlLength: 200 });
    await emulator.start();
    emulator.portal.seedObjects('contacts', [{ email: 'p0@example.com', firstname: 'P', lastname: 'Zero' }]);
    const repeated = await call('/crm/v3/objects/contacts?properties=email&properties=firstname');
    const commas = await call('/crm/v3/objects/contacts?properties=email,firstname');
    expect(commas.body.results[0].properties).toEqual(repeated.body.results[0].properties);
    expect(commas.body.results[0].properties).toMatchObject({ email: 'p0@example.com', firstname: 'P' });
    expect(commas.body.results[0].properties.lastname).toBeUndefined();

    const names = Array.from({ length: 20 }, (_, index) => `custom_property_${index}`).join(',');
    const tooLong = await call(`/crm/v3/objects/contacts?properties=${names}`, { token: 'not-even-a-token' });
    expect(tooLong.status).toBe(414);
    expect(emulator.requestsTo('objects.list', 414)).toHaveLength(1);
  });

  it('upserts by email with the new flag, refuses duplicates and batches over 100', async () => {
    emulator = createHubSpotEmulator();
    await emulator.start();
    const input = (email: string, index: number) => ({ idProperty: 'email', id: email, objectWriteTraceId: String(index), properties: { firstname: 'A' } });
    const first = await call('/crm/v3/objects/contacts/batch/upsert', { method: 'POST', body: { inputs: [input('a@example.com', 0)] } });
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ new: true, objectWriteTraceId: '0', properties: { email: 'a@example.com' } });
    const again = await call('/crm/v3/objects/contacts/batch/upsert', { method: 'POST', body: { inputs: [input('A@example.com', 0)] } });
    expect(again.body.results[0].new).toBe(false);
    expect(emulator.portal.countObjects('contacts')).toBe(1);
    const duplicate = await call('/crm/v3/objects/contacts/batch/upsert', {
      method: 'POST',
      body: { inputs: [input('b@example.com', 0), input('b@example.com', 1)] },
    });
    expect(duplicate).toMatchObject({ status: 400, body: { status: 'error', category: 'VALIDATION_ERROR' } });
    const tooMany = Array.from({ length: 101 }, (_, index) => input(`c${index}@example.com`, index));
    expect((await call('/crm/v3/objects/contacts/batch/upsert', { method: 'POST', body: { inputs: tooMany } })).status).toBe(400);
    const partial = await call('/crm/v3/objects/contacts/batch/create', {
      method: 'POST',
      body: {
        inputs: [
          { properties: { email: 'ok@example.com' }, objectWriteTraceId: 't1' },
          { properties: { email: 'nope' }, objectWriteTraceId: 't2' },
        ],
      },
    });
    expect(partial).toMatchObject({ status: 207, body: { numErrors: 1, errors: [{ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['t2'] } }] } });
  });

  it('answers HubSpot 401, 403 MISSING_SCOPES and 429 bodies', async () => {
    emulator = createHubSpotEmulator({
      tokens: [{ token: 'pat-test-limited', scopes: ['crm.objects.contacts.read'] }],
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    await emulator.start();
    expect(await call('/crm/v3/objects/contacts', { token: 'wrong' })).toMatchObject({ status: 401, body: { category: 'INVALID_AUTHENTICATION' } });
    const forbidden = await call('/crm/v3/objects/deals');
    expect(forbidden).toMatchObject({
      status: 403,
      body: { category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['crm.objects.deals.read'] } }] },
    });
    await call('/crm/v3/objects/contacts');
    await call('/crm/v3/objects/contacts');
    const throttled = await call('/crm/v3/objects/contacts');
    expect(throttled).toMatchObject({ status: 429, body: { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } });
    expect(throttled.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
  });

  it('keeps properties, custom objects and records between runs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hubspot-state-'));
    try {
      emulator = createHubSpotEmulator();
      await emulator.start({ statePath: join(folder, 'portal.json') });
      await call('/crm/v3/properties/contacts', {
        method: 'POST',
        body: { name: 'churn_risk', label: 'Churn risk', type: 'number', fieldType: 'number', groupName: 'contactinformation' },
      });
      emulator.portal.defineCustomObject({ name: 'cars' });
      await call('/crm/v3/objects/contacts/batch/upsert', {
        method: 'POST',
        body: { inputs: [{ idProperty: 'email', id: 'kept@example.com', properties: { churn_risk: '0.7' } }] },
      });
      await emulator.stop();
      emulator = createHubSpotEmulator();
      await emulator.start({ statePath: join(folder, 'portal.json') });
      expect(emulator.portal.findByUnique('contacts', 'email', 'kept@example.com')?.properties.churn_risk).toBe('0.7');
      expect((await call('/crm-object-schemas/v3/schemas')).body.results.map((schema: any) => schema.name)).toEqual(['cars']);
      const next = emulator.portal.seedObjects('contacts', [{ email: 'next@example.com' }])[0]!;
      expect(Number(next.id)).toBeGreaterThan(Number(emulator.portal.listObjects('contacts')[0]!.id));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
