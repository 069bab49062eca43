import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPipedriveEmulator, type PipedriveEmulator, pipedriveSandboxToken } from './pipedrive-emulator.js';

describe('Pipedrive emulator', () => {
  let emulator: PipedriveEmulator | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await emulator?.stop();
    emulator = undefined;
  });

  const call = async (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.token !== null) headers['x-api-token'] = init.token ?? emulator!.token;
    const response = await fetch(`${emulator!.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };

  it('pages v2 lists with cursors, filters by updated_since and shows custom fields under their hashes', async () => {
    emulator = createPipedriveEmulator();
    await emulator.start();
    emulator.seed(
      'persons',
      Array.from({ length: 5 }, (_, index) => ({ name: `P ${index}`, email: `p${index}@example.com`, score: index })),
    );
    const hash = emulator.company.field('persons', 'score')!.key;
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    const first = await call('/api/v2/persons?limit=2');
    expect(first.body).toMatchObject({ success: true, data: [{ id: 1, name: 'P 0', emails: [{ value: 'p0@example.com', primary: true }] }, { id: 2 }] });
    expect(first.body.data[1].custom_fields).toEqual({ [hash]: 1 });
    const rest = await call(`/api/v2/persons?limit=500&cursor=${first.body.additional_data.next_cursor}`);
    expect(rest.body.data.map((person: any) => person.id)).toEqual([3, 4, 5]);
    expect(rest.body.additional_data.next_cursor).toBeNull();
    expect((await call('/api/v2/persons?limit=501')).status).toBe(400);

    const later = new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    expect((await call(`/api/v2/persons?updated_since=${later}`)).body.data).toEqual([]);
    expect((await call('/api/v2/persons?updated_since=yesterday')).status).toBe(400);
  });

  it('serves v1 leads: start/limit paging at the root of additional_data, updated_since, deal custom fields at the root', async () => {
    emulator = createPipedriveEmulator();
    await emulator.start();
    const stage = emulator.company.addField('deals', 'stage_hint', 'enum', ['warm', 'cold']);
    const budget = emulator.company.addField('deals', 'budget', 'monetary');
    emulator.seed('leads', [
      { title: 'Old', person_id: 4, stage_hint: 'cold', budget: { value: 900, currency: 'USD' }, update_time: '2026-01-01T00:00:00Z' },
      { title: 'New', organization_id: 2, value: 1200, update_time: '2026-06-01T00:00:00Z' },
      { title: 'Gone', is_archived: true },
    ]);
    const first = await call('/v1/leads?start=0&limit=1');
    expect(first.body).toMatchObject({
      success: true,
      data: [
        {
          title: 'Old',
          person_id: 4,
          organization_id: null,
          value: null,
          is_archived: false,
          visible_to: '3',
          [stage.key]: stage.options![1]!.id,
          [budget.key]: 900,
          [`${budget.key}_currency`]: 'USD',
        },
      ],
      additional_data: { start: 0, limit: 1, more_items_in_collection: true },
    });
    expect(first.body.data[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const rest = await call('/v1/leads?start=1&limit=500');
    expect(rest.body.data.map((lead: any) => lead.title)).toEqual(['New']);
    expect(rest.body.data[0]).toMatchObject({ value: { amount: 1200, currency: 'EUR' } });
    expect(rest.body.data[0]).not.toHaveProperty(stage.key);
    expect(rest.body.additional_data.more_items_in_collection).toBe(false);
    expect((await call('/v1/leads?updated_since=2026-03-01T00:00:00Z')).body.data.map((lead: any) => lead.title)).toEqual(['New']);
    expect((await call('/v1/leads/archived')).body.data.map((lead: any) => lead.title)).toEqual(['Gone']);
    expect((await call('/v1/leads?limit=501')).status).toBe(400);
    expect((await call('/v1/leads?updated_since=yesterday')).status).toBe(400);
    expect(emulator.count('leads')).toBe(3);
    emulator.reset();
    expect(emulator.count('leads')).toBe(0);
  });

  it('adds options to an enum field through the v2 options endpoint, and takes only their ids afterwards', async () => {
    emulator = createPipedriveEmulator();
    await emulator.start();
    const segment = emulator.company.addField('persons', 'segment', 'enum', ['std']);
    const notes = emulator.company.addField('persons', 'notes', 'varchar');
    const added = await call(`/api/v2/personFields/${segment.key}/options`, { method: 'POST', body: [{ label: 'vip' }, { label: 'gold' }] });
    expect(added).toMatchObject({ status: 200, body: { success: true, data: [{ label: 'vip' }, { label: 'gold' }] } });
    const [vip] = added.body.data as Array<{ id: number }>;
    expect(emulator.company.field('persons', 'segment')!.options!.map((option) => option.label)).toEqual(['std', 'vip', 'gold']);
    const created = await call('/api/v2/persons', { method: 'POST', body: { name: 'A', custom_fields: { [segment.key]: vip!.id } } });
    expect(created.status).toBe(200);
    expect((await call('/api/v2/persons', { method: 'POST', body: { name: 'B', custom_fields: { [segment.key]: 'vip' } } })).status).toBe(400);
    expect((await call(`/api/v2/personFields/${notes.key}/options`, { method: 'POST', body: [{ label: 'x' }] })).status).toBe(400);
    expect((await call(`/api/v2/personFields/${'0'.repeat(40)}/options`, { method: 'POST', body: [{ label: 'x' }] })).status).toBe(404);
    expect((await call(`/api/v2/personFields/${segment.key}/options`, { method: 'POST', body: { label: 'x' } })).status).toBe(400);
  });

  it('validates v2 bodies strictly: no coercion, unknown keys and hashes refused, option ids only', async () => {
    emulator = createPipedriveEmulator();
    await emulator.start();
    const risk = emulator.company.addField('persons', 'churn_risk', 'double');
    const segment = emulator.company.addField('persons', 'segment', 'enum', ['gold', 'silver']);
    const gold = segment.options![0]!.id;
    const created = await call('/api/v2/persons', {
      method: 'POST',
      body: { name: 'Ann', emails: [{ value: 'ann@example.com' }], custom_fields: { [risk.key]: 0.4, [segment.key]: gold } },
    });
    expect(created).toMatchObject({
      status: 200,
      body: { success: true, data: { id: 1, emails: [{ value: 'ann@example.com', primary: true, label: 'work' }] } },
    });
    expect(created.headers.get('x-daily-requests-left')).toMatch(/^\d+$/);
    const wrong = [
      { name: 'B', custom_fields: { [risk.key]: '0.4' } },
      { name: 'B', custom_fields: { [segment.key]: 'gold' } },
      { name: 'B', custom_fields: { ['0'.repeat(40)]: 1 } },
      { name: 'B', email: 'b@example.com' },
      { emails: [{ value: 'b@example.com' }] },
    ];
    for (const body of wrong) {
      const refused = await call('/api/v2/persons', { method: 'POST', body });
      expect(refused).toMatchObject({ status: 400, body: { success: false, data: null, error: expect.stringMatching(/^Invalid field\(s\) in the payload/) } });
    }
    expect(emulator.count('persons')).toBe(1);
    // PATCH sets only what it is given: the emails and the other custom field stay.
    const updated = await call('/api/v2/persons/1', { method: 'PATCH', body: { custom_fields: { [risk.key]: 0.9 } } });
    expect(updated.body.data).toMatchObject({ emails: [{ value: 'ann@example.com' }], custom_fields: { [risk.key]: 0.9, [segment.key]: gold } });
    expect((await call('/api/v2/persons/99', { method: 'PATCH', body: { name: 'x' } })).status).toBe(404);
  });

  it('searches persons by email case-insensitively, and shows writes only after the search lag', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    emulator = createPipedriveEmulator({ searchLagMs: 5000 });
    await emulator.start();
    emulator.seed('persons', [{ name: 'Old', email: ['old@example.com', 'Second@Example.com'] }]);
    const secondary = await call('/api/v2/persons/search?term=second%40example.com&fields=email&exact_match=true');
    expect(secondary.body.data.items).toEqual([
      expect.objectContaining({ item: expect.objectContaining({ id: 1, emails: ['old@example.com', 'Second@Example.com'] }) }),
    ]);
    await call('/api/v2/persons', { method: 'POST', body: { name: 'New', emails: [{ value: 'new@example.com' }] } });
    const search = () => call('/api/v2/persons/search?term=NEW%40example.com&fields=email&exact_match=true');
    expect((await search()).body.data.items).toEqual([]);
    vi.setSystemTime(Date.now() + 5001);
    expect((await search()).body.data.items).toHaveLength(1);
  });

  it('answers 401 without a valid x-api-token, and a 429 with x-ratelimit-* headers past the burst limit', async () => {
    emulator = createPipedriveEmulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    await emulator.start();
    expect(await call('/api/v2/persons', { token: 'wrong' })).toMatchObject({
      status: 401,
      body: { success: false, error: 'unauthorized access', errorCode: 401 },
    });
    expect((await call('/api/v2/persons', { token: null })).status).toBe(401);
    const ok = await call('/v1/users/me');
    expect(ok.body.data).toMatchObject({ company_id: emulator.company.companyId, company_name: 'Sandbox Company' });
    expect([ok.headers.get('x-ratelimit-limit'), ok.headers.get('x-ratelimit-remaining'), ok.headers.get('x-ratelimit-reset')]).toEqual(['3', '2', '60']);
    await call('/api/v2/persons');
    await call('/api/v2/persons');
    const throttled = await call('/api/v2/persons');
    expect(throttled).toMatchObject({ status: 429, body: { success: false, error: 'Request over limit' } });
    expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(emulator.rateWindow!.stats()).toMatchObject({ rejected: 1, peakInWindow: 3 });
    expect(emulator.requests.every((request) => !request.query.includes('api_token'))).toBe(true);
  });

  it('spends the daily token budget per call and refuses calls it cannot pay for', async () => {
    emulator = createPipedriveEmulator({ dailyBudget: 25, tokenCosts: { list: 10, create: 5 } });
    await emulator.start();
    await call('/api/v2/persons');
    const created = await call('/api/v2/persons', { method: 'POST', body: { name: 'A' } });
    expect(created.headers.get('x-daily-requests-left')).toBe('10');
    await call('/api/v2/persons');
    const exhausted = await call('/api/v2/persons');
    expect(exhausted).toMatchObject({ status: 429, body: { success: false, code: 'daily_token_budget_exceeded' } });
    expect(exhausted.headers.get('x-daily-requests-left')).toBe('0');
    expect(emulator.budget.spent).toBe(25);
  });

  it('lists and adds fields through v1 (start/limit) and lists them through v2 (cursor)', async () => {
    emulator = createPipedriveEmulator();
    await emulator.start();
    const added = await call('/v1/personFields', {
      method: 'POST',
      body: { name: 'segment', field_type: 'enum', options: [{ label: 'gold' }, { label: 'silver' }] },
    });
    expect(added).toMatchObject({
      status: 201,
      body: { success: true, data: { name: 'segment', field_type: 'enum', edit_flag: true, options: [{ label: 'gold' }, { label: 'silver' }] } },
    });
    expect(added.body.data.key).toMatch(/^[0-9a-f]{40}$/);
    expect((await call('/v1/personFields', { method: 'POST', body: { name: 'x', field_type: 'enum' } })).status).toBe(400);
    const page = await call('/v1/personFields?start=0&limit=5');
    expect(page.body.additional_data.pagination).toEqual({ start: 0, limit: 5, more_items_in_collection: true, next_start: 5 });
    const all = await call('/v1/personFields?start=0&limit=500');
    expect(all.body.data.at(-1)).toMatchObject({ key: added.body.data.key });
    const v2 = await call('/api/v2/personFields?limit=500');
    expect(v2.body.data.at(-1)).toMatchObject({ field_code: added.body.data.key, field_name: 'segment', is_custom_field: true });
  });

  it('injects faults and keeps its state between runs; reset() empties it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pipedrive-state-'));
    try {
      emulator = createPipedriveEmulator();
      await emulator.start({ statePath: join(folder, 'company.json') });
      emulator.faults.inject({ route: 'persons.create', times: 1, fault: { kind: 'status', status: 503 } });
      expect((await call('/api/v2/persons', { method: 'POST', body: { name: 'A' } })).body).toMatchObject({ success: false, error: 'Scheduled maintenance' });
      emulator.faults.inject({ route: 'persons.list', times: 1, fault: { kind: 'auth' } });
      expect((await call('/api/v2/persons')).status).toBe(401);
      await call('/v1/personFields', { method: 'POST', body: { name: 'churn_risk', field_type: 'double' } });
      await call('/api/v2/persons', { method: 'POST', body: { name: 'Kept', emails: [{ value: 'kept@example.com' }] } });
      await emulator.stop();
      emulator = createPipedriveEmulator();
      await emulator.start({ statePath: join(folder, 'company.json') });
      expect(emulator.count('persons')).toBe(1);
      expect(emulator.company.field('persons', 'churn_risk')).toBeDefined();
      const found = await call('/api/v2/persons/search?term=kept%40example.com&fields=email&exact_match=true');
      expect(found.body.data.items).toHaveLength(1);
      const next = await call('/api/v2/persons', { method: 'POST', body: { name: 'Next' } });
      expect(next.body.data.id).toBe(2);
      emulator.reset();
      expect(emulator.count('persons')).toBe(0);
      expect(emulator.requests).toHaveLength(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('exports the sandbox token it accepts by default', () => {
    expect(createPipedriveEmulator().token).toBe(pipedriveSandboxToken);
  });
});
