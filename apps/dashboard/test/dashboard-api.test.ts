import { readFileSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxBodyBytes } from '../src/index.js';
import { HttpSession } from './support/http-session.js';
import { startTestDashboard, type TestDashboard } from './support/test-dashboard.js';

let t: TestDashboard;
let http: HttpSession;

beforeAll(async () => {
  t = await startTestDashboard();
  http = (await HttpSession.login(t.dashboard.url)).session;
});
afterAll(async () => {
  await t?.close();
});

/** fetch() will not send another Host header: node:http will. */
function statusWithHost(host: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${t.origin}/api/connections`, { headers: { host, cookie } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

/**
 * POSTs a body larger than the limit. The server answers 413 before it has read the body and closes
 * the connection, so the client may still be writing: the status is taken from the response as soon
 * as it arrives, and the write's late EPIPE/reset is not the test's concern.
 */
function postLarge(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    const url = new URL('/api/connections', t.origin);
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          cookie: http.cookie,
          origin: t.origin,
          'x-csrf-token': http.csrf,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        status = response.statusCode;
        response.resume();
        resolve(status ?? 0);
      },
    );
    request.on('error', (error) => {
      if (status === undefined) reject(error);
    });
    request.end(body);
  });
}

const privateKeyBody = () => t.key.private_key.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'))[1] ?? t.key.private_key;

describe('the dashboard server: access', () => {
  it('listens on 127.0.0.1 by default and prints a URL that carries a long random token', () => {
    const url = new URL(t.dashboard.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(t.dashboard.token);
    expect(t.dashboard.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses every request without the token or the session cookie', async () => {
    for (const path of ['/', '/api/connections', '/api/systems', '/metrics', '/assets/anything.js']) {
      const response = await fetch(`${t.origin}${path}`);
      expect(response.status, path).toBe(401);
      expect(await response.text()).not.toContain(t.dashboard.token);
    }
    expect((await fetch(`${t.origin}/?token=wrong-token`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${t.origin}/api/connections`, { headers: { cookie: 'automl_dashboard_session=forged' } })).status).toBe(401);
  });

  it('swaps the token of the URL for an HttpOnly, SameSite=Strict session cookie and drops it from the address', async () => {
    const { session, response } = await HttpSession.login(`${t.dashboard.url.replace('/?', '/?x=1&')}#/runs`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/?x=1');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(t.dashboard.token);
    const page = await session.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
  });

  it('serves the page under a strict Content-Security-Policy, no referrer, no framing, no caching', async () => {
    const response = await http.request('/');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)|<style|style="/);
  });

  it('refuses a state-changing request without the CSRF token, without an Origin, or from a foreign Origin', async () => {
    const body = JSON.stringify({ name: 'x', config: { connectionType: 'excel', filePath: 'x.xlsx' } });
    const post = (headers: Record<string, string>) =>
      fetch(`${t.origin}/api/connections`, { method: 'POST', body, headers: { 'content-type': 'application/json', cookie: http.cookie, ...headers } });
    expect((await post({ origin: t.origin })).status).toBe(403);
    expect((await post({ 'x-csrf-token': http.csrf })).status).toBe(403);
    expect((await post({ origin: 'http://evil.example', 'x-csrf-token': http.csrf })).status).toBe(403);
    expect((await post({ origin: t.origin, 'x-csrf-token': 'guess' })).status).toBe(403);
    expect(t.project.names()).not.toContain('x');
    // A foreign Origin is refused on reads too, and so is a foreign Host (DNS rebinding).
    expect((await fetch(`${t.origin}/api/connections`, { headers: { cookie: http.cookie, origin: 'http://evil.example' } })).status).toBe(403);
    expect(await statusWithHost('evil.example', http.cookie)).toBe(403);
    expect(await statusWithHost(new URL(t.origin).host, http.cookie)).toBe(200);
  });

  it('accepts the token as a bearer for scripts (no cookie, so no CSRF token needed)', async () => {
    const response = await fetch(`${t.origin}/metrics`, { headers: { authorization: `Bearer ${t.dashboard.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
  });
});

describe('the dashboard server: connections', () => {
  it('lists every system of core with its JSON Schema, secret fields marked', async () => {
    const systems = (await http.json('/api/systems')) as Array<{
      id: string;
      secretFields: string[];
      serviceAccountFields: string[];
      schema: { properties: Record<string, { secret?: boolean }> };
    }>;
    expect(systems.map((system) => system.id).sort()).toEqual([
      'bigquery',
      'databricks',
      'excel',
      'googlesheets',
      'hubspot',
      'mongodb',
      'pipedrive',
      'salesforce',
    ]);
    const sheets = systems.find((system) => system.id === 'googlesheets')!;
    expect(sheets.serviceAccountFields).toEqual(['credentialsJson']);
    expect(sheets.schema.properties.credentialsJson?.secret).toBe(true);
    expect(systems.find((system) => system.id === 'hubspot')!.secretFields).toContain('apiKey');
  });

  it('checks a service-account key on the server: not JSON, not a key, and a key without private_key are field errors', async () => {
    const add = (credentialsJson: string) =>
      http.request('/api/connections', { method: 'POST', body: { name: 'sheet', config: { connectionType: 'googlesheets', credentialsJson } } });
    const notJson = await add('{"type": "service_account",');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { fields: Record<string, string> } }).error.fields.credentialsJson).toMatch(/Not valid JSON/);
    const notKey = await add(JSON.stringify({ type: 'authorized_user', client_id: 'x' }));
    expect(((await notKey.json()) as { error: { fields: Record<string, string> } }).error.fields.credentialsJson).toMatch(/service_account/);
    const noPrivateKey = await add(JSON.stringify({ type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com' }));
    expect(((await noPrivateKey.json()) as { error: { fields: Record<string, string> } }).error.fields.credentialsJson).toMatch(/private_key/);
    expect(t.project.names()).not.toContain('sheet');
  });

  it('adds a Google Sheets connection from a key: client_email and sharing hint back, the key to the encrypted store, never out again', async () => {
    const response = await http.request('/api/connections', {
      method: 'POST',
      body: {
        name: 'sheet',
        config: { connectionType: 'googlesheets', spreadsheetId: t.spreadsheetId, baseUrl: t.sheetsUrl, credentialsJson: JSON.stringify(t.key) },
      },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { serviceAccount: { clientEmail: string; sharingHint: string }; connection: { secrets: Record<string, string> } };
    expect(body.serviceAccount.clientEmail).toBe(t.key.client_email);
    expect(body.serviceAccount.sharingHint).toContain(t.key.client_email);
    expect(body.serviceAccount.sharingHint).toMatch(/Share the spreadsheet/);
    expect(body.connection.secrets).toEqual({ credentialsJson: 'store' });
    const file = readFileSync(t.project.path, 'utf8');
    expect(file).toContain('store:sheet.credentialsJson');
    expect(file).not.toContain(privateKeyBody());
    const list = await http.request('/api/connections');
    expect(await list.text()).not.toContain(privateKeyBody());
  });

  it('tests a connection against the emulator: identity and latency, recorded as the last test', async () => {
    const result = (await http.json('/api/connections/sheet/test', { method: 'POST' })) as { ok: boolean; identity: string; latencyMs: number };
    expect(result).toMatchObject({ ok: true, identity: t.key.client_email });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const list = (await http.json('/api/connections')) as { connections: Array<{ name: string; lastTest: { ok: boolean } | null }> };
    expect(list.connections.find((connection) => connection.name === 'sheet')?.lastTest?.ok).toBe(true);
  });

  it('browses: the tables, a table schema with types, and its first rows', async () => {
    const tables = (await http.json('/api/connections/sheet/tables')) as { tables: string[] };
    expect(tables.tables).toContain('Customers');
    const preview = (await http.json('/api/connections/sheet/tables/Customers')) as {
      schema: { columns: Array<{ name: string; type: string }> };
      rows: unknown[];
    };
    expect(preview.schema.columns.map((column) => column.name)).toEqual(['email', 'plan', 'seats']);
    expect(preview.schema.columns.find((column) => column.name === 'seats')?.type).toMatch(/integer|number/);
    expect(preview.rows).toHaveLength(3);
    expect(preview.rows[0]).toMatchObject({ email: 'ada@example.com', seats: 12 });
  });

  it('a HubSpot token the portal refuses gives the typed error and its hint, and the token never comes back', async () => {
    const badToken = 'pat-na1-bad-token-for-the-test';
    const added = await http.request('/api/connections', {
      method: 'POST',
      body: { name: 'crm', config: { connectionType: 'hubspot', baseUrl: t.hubspotUrl, apiKey: badToken, maxRetries: 0 } },
    });
    expect(added.status).toBe(201);
    const result = (await http.json('/api/connections/crm/test', { method: 'POST' })) as {
      ok: boolean;
      error: { name: string; message: string; hint: string };
    };
    expect(result.ok).toBe(false);
    expect(result.error.name).toBe('AuthenticationError');
    expect(result.error.hint).toMatch(/pat-|Private App/i);
    expect(http.bodies.join('\n')).not.toContain(badToken);
  });

  it('names the bad fields of a config, validated by core', async () => {
    const response = await http.request('/api/connections', {
      method: 'POST',
      body: { name: 'bad', config: { connectionType: 'hubspot', maxRetries: 'many', nonsense: 1 } },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fields: Record<string, string> } };
    expect(Object.keys(body.error.fields)).toEqual(expect.arrayContaining(['maxRetries']));
    expect(body.error.fields.maxRetries).toBeTruthy();
  });

  it('refuses bodies over the size limit and bodies that are not JSON', async () => {
    expect(await postLarge(JSON.stringify({ name: 'big', config: { connectionType: 'excel', filePath: 'x'.repeat(maxBodyBytes) } }))).toBe(413);
    expect(t.project.has('big')).toBe(false);
    const broken = await http.request('/api/connections', { method: 'POST', raw: '{"name": "x", ' });
    expect(broken.status).toBe(400);
    const shape = await http.request('/api/connections', { method: 'POST', body: { name: 'x', config: 'not an object' } });
    expect(shape.status).toBe(400);
  });

  it('serves core metrics as Prometheus text and as per-connector summaries', async () => {
    const text = await (await http.request('/metrics')).text();
    expect(text).toMatch(/ml_connectors_requests_total\{[^}]*connector="googlesheets"/);
    const summary = (await http.json('/api/metrics')) as { connectors: Array<{ connector: string; requests: number; rowsRead: number; errors: number }> };
    const sheets = summary.connectors.find((connector) => connector.connector === 'googlesheets');
    expect(sheets?.requests).toBeGreaterThan(0);
    expect(sheets?.rowsRead).toBeGreaterThanOrEqual(3);
    expect(summary.connectors.find((connector) => connector.connector === 'hubspot')?.errors).toBeGreaterThan(0);
  });

  it('streams a run over server-sent events and offers its report for download', async () => {
    const started = (await http.json('/api/runs', {
      method: 'POST',
      body: {
        spec: {
          training: { connection: 'missing', labelColumn: 'churned' },
          scoring: { connection: 'sheet', table: 'Customers' },
          destination: { connection: 'crm', table: 'contacts', keyColumn: 'email' },
        },
      },
    })) as { id: string };
    const events = await (await http.request(`/api/runs/${started.id}/events`)).text();
    expect(events).toContain('event: pipeline');
    expect(events).toMatch(/"type":"finished"/);
    const report = await http.request(`/api/runs/${started.id}/report`);
    expect(report.headers.get('content-disposition')).toMatch(/attachment; filename="pipeline-report-/);
    expect(((await report.json()) as { status: string; error: { message: string } }).status).toBe('failed');
    const invalid = await http.request('/api/runs', { method: 'POST', body: { spec: { training: {} } } });
    expect(invalid.status).toBe(400);
  });

  it('removes a connection and its stored secret', async () => {
    expect((await http.request('/api/connections/crm', { method: 'DELETE' })).status).toBe(200);
    expect(t.project.names()).not.toContain('crm');
    expect((await http.request('/api/connections/crm', { method: 'DELETE' })).status).toBe(404);
  });

  it('never wrote the token or a secret in its log, nor sent a secret back', () => {
    const log = t.logs.join('\n');
    expect(log).toContain('POST /api/connections 201');
    expect(log).not.toContain(t.dashboard.token);
    expect(log).not.toContain(privateKeyBody());
    expect(log).not.toContain('pat-na1-bad-token-for-the-test');
    expect(http.bodies.join('\n')).not.toContain(privateKeyBody());
    expect(http.bodies.join('\n')).not.toContain(t.dashboard.token);
  });
});
