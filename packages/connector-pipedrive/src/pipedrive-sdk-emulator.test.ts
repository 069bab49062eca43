import { Secret, RateLimitError, AuthenticationError, QuotaError, TransientError } from '@automl/connector-core';
import { createPipedriveEmulator, type PipedriveEmulator } from '@automl/sandbox/pipedrive';
import { v1, v2 } from 'pipedrive';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PipedriveClient } from './pipedrive-client.js';
import { classifyPipedriveError } from './pipedrive-errors.js';

// The emulator against the official client, unchanged but for basePath: the calls the connector
// relies on, and what the client shows of an error reply.
describe('Pipedrive emulator with the official pipedrive client', () => {
  let emulator: PipedriveEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  const sdk = (url: string, token: string) => {
    const v1Config = new v1.Configuration({ apiKey: () => token, basePath: `${url}/v1` });
    const v2Config = new v2.Configuration({ apiKey: () => token, basePath: `${url}/api/v2` });
    return {
      persons: new v2.PersonsApi(v2Config),
      personFields: new v1.PersonFieldsApi(v1Config),
      users: new v1.UsersApi(v1Config),
      deals: new v2.DealsApi(v2Config),
    };
  };

  it('creates, pages, searches and updates persons with custom fields through the client', async () => {
    emulator = createPipedriveEmulator();
    const url = await emulator.start();
    const api = sdk(url, emulator.token);
    const me = await api.users.getCurrentUser();
    expect(me.data).toMatchObject({ company_id: emulator.company.companyId });
    const field = await api.personFields.addPersonField({ CreateFieldRequest: { name: 'churn_risk', field_type: 'double' } });
    const hash = field.data.key!;
    const fields = await api.personFields.getPersonFields({ start: 0, limit: 500 });
    expect(fields.data.map((entry) => entry.key)).toContain(hash);

    for (const index of [1, 2, 3]) {
      await api.persons.addPerson({
        AddPersonRequest: {
          name: `P${index}`,
          emails: [{ value: `p${index}@example.com`, primary: true, label: 'work' }],
          custom_fields: { [hash]: index / 10 },
        },
      });
    }
    const first = await api.persons.getPersons({ limit: 2 });
    expect(first.data?.map((person) => person.custom_fields?.[hash])).toEqual([0.1, 0.2]);
    const next = await api.persons.getPersons({ limit: 2, cursor: first.additional_data!.next_cursor! });
    expect(next.data?.map((person) => person.name)).toEqual(['P3']);

    const found = await api.persons.searchPersons({ term: 'P2@example.com', fields: 'email', exact_match: true });
    const id = found.data!.items![0]!.item!.id!;
    const updated = await api.persons.updatePerson({ id, UpdatePersonRequest: { custom_fields: { [hash]: 0.9 } } });
    expect(updated.data).toMatchObject({ name: 'P2', emails: [{ value: 'p2@example.com' }], custom_fields: { [hash]: 0.9 } });
    expect((await api.deals.getDeals({ limit: 10 })).data).toEqual([]);
    // The token travels in the header only.
    expect(emulator.requests.some((request) => request.query.includes('api_token'))).toBe(false);
  });

  it('a Configuration given the token as a function holds no copy of it (given as a string, JSON shows it)', () => {
    const token = 'pd-token-to-hide-1234567890';
    expect(JSON.stringify(new v2.Configuration({ apiKey: token, basePath: 'http://127.0.0.1:9/api/v2' }))).toContain(token);
    const safe = new v2.Configuration({ apiKey: () => token, basePath: 'http://127.0.0.1:9/api/v2' });
    expect(JSON.stringify(safe)).not.toContain(token);
    expect(inspect(safe, { depth: 6 })).not.toContain(token);
  });

  it('the client classes reject an error reply with the bare body; the connector client keeps status and headers', async () => {
    emulator = createPipedriveEmulator({ rateLimit: { limit: 1, windowMs: 60_000 } });
    const url = await emulator.start();
    await sdk(url, emulator.token).persons.getPersons({});
    const bare = await sdk(url, emulator.token)
      .persons.getPersons({})
      .catch((error: unknown) => error);
    expect(bare).toEqual(expect.objectContaining({ success: false, error: 'Request over limit' }));
    expect(bare).not.toHaveProperty('status');

    const client = new PipedriveClient({ baseUrl: url, apiKey: new Secret(emulator.token) });
    const typed = await client.send(undefined, (apis) => apis.persons.getPersons({})).catch((error: unknown) => classifyPipedriveError(error, 'read'));
    expect(typed).toBeInstanceOf(RateLimitError);
    expect(typed).toMatchObject({ status: 429, retryable: true });
    expect((typed as RateLimitError).retryAfterMs).toBeGreaterThan(0);
  });

  it('the connector client classifies 401, an exhausted daily budget, 5xx and a reset', async () => {
    emulator = createPipedriveEmulator({ dailyBudget: 1000 });
    const url = await emulator.start();
    const wrong = new PipedriveClient({ baseUrl: url, apiKey: new Secret('not-the-token') });
    const classified = (run: Promise<unknown>) =>
      run.then(
        () => undefined,
        (error: unknown) => classifyPipedriveError(error, 'read'),
      );
    expect(await classified(wrong.send(undefined, (apis) => apis.persons.getPersons({})))).toBeInstanceOf(AuthenticationError);
    const client = new PipedriveClient({ baseUrl: `${url}/`, apiKey: new Secret(emulator.token) });
    emulator.faults.inject({ route: 'persons.list', times: 1, fault: { kind: 'status', status: 502 } });
    expect(await classified(client.send(undefined, (apis) => apis.persons.getPersons({})))).toBeInstanceOf(TransientError);
    emulator.faults.inject({ route: 'persons.list', times: 1, fault: { kind: 'reset' } });
    const reset = await classified(client.send(undefined, (apis) => apis.persons.getPersons({})));
    expect(reset).toBeInstanceOf(TransientError);
    expect(JSON.stringify((reset as Error & { cause?: unknown }).cause ?? null)).not.toContain(emulator.token);
    emulator.budget.exhaust();
    const quota = await classified(client.send(undefined, (apis) => apis.persons.getPersons({})));
    expect(quota).toBeInstanceOf(QuotaError);
    expect(quota).toMatchObject({ retryable: false, status: 429 });
  });
});
