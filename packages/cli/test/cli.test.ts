// The real binary, as a person runs it: `node dist/bin.js ...` in a project folder, against the
// sandbox's HubSpot emulator (built by the test command's turbo step before vitest runs).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createHubSpotEmulator } from '@automl/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../dist/bin.js');
const run = promisify(execFile);
const emulator = createHubSpotEmulator({ rateLimit: false });
let baseUrl = '';
let cwd = '';

async function cli(args: string[], environment: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...environment },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  baseUrl = await emulator.start();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'automl-cli-'));
  emulator.reset();
  emulator.faults.clear();
  emulator.clearLog();
});

describe('automl-connectors', () => {
  it('check: ✓ with credentials, ⚠ skipped naming the variable without, ✗ with the hint for a bad token; exit 1 on a failure', async () => {
    await cli(['connections', 'add', 'hubspot', 'crm', '--set', `base_url=${baseUrl}`, '--set', 'api_key=env:TEST_HUBSPOT_TOKEN']);
    const skipped = await cli(['check']);
    expect(skipped.stdout).toContain('⚠ crm (hubspot) skipped: no credentials (set TEST_HUBSPOT_TOKEN)');
    expect(skipped.code).toBe(0);

    const ok = await cli(['check'], { TEST_HUBSPOT_TOKEN: emulator.token });
    expect(ok.stdout).toMatch(/✓ crm \(hubspot\).*tables/);
    expect(ok.code).toBe(0);

    const bad = await cli(['check', '--json'], { TEST_HUBSPOT_TOKEN: 'pat-na1-wrong-token-000' });
    expect(bad.code).toBe(1);
    const [result] = JSON.parse(bad.stdout) as Array<{ status: string; error: { hint?: string; message: string } }>;
    expect(result?.status).toBe('failed');
    expect(result?.error.hint).toMatch(/pat-/);
    expect(bad.stdout + bad.stderr).not.toContain('pat-na1-wrong-token-000');
  });

  it('stores a pasted secret encrypted, never in the connections file', async () => {
    await cli(['connections', 'add', 'hubspot', 'crm', '--set', `base_url=${baseUrl}`, '--set', `api_key=${emulator.token}`]);
    const file = readFileSync(join(cwd, 'automl-connectors.json'), 'utf8');
    expect(file).toContain('store:crm.apiKey');
    expect(file).not.toContain(emulator.token);
    const listed = await cli(['connections', 'list']);
    expect(listed.stdout).toContain('apiKey from store');
    expect((await cli(['check'])).stdout).toMatch(/✓ crm/);
  });

  it('write from CSV reports the row it could not write and why; read gives it back in every format', async () => {
    await cli(['connections', 'add', 'hubspot', 'crm', '--set', `base_url=${baseUrl}`, '--set', `api_key=${emulator.token}`]);
    writeFileSync(join(cwd, 'scores.csv'), 'email,firstname,lastname\na@example.com,Ann,Lee\n,NoEmail,Nobody\nb@example.com,Bob,Ray\n');
    const written = await cli(['write', 'crm', 'scores.csv', '--table', 'contacts', '--mode', 'upsert', '--key', 'email']);
    expect(written.stdout).toMatch(/3 rows read, 2 written/);
    expect(written.stdout).toMatch(/row 2: .*email/);
    expect(written.code).toBe(2);
    expect(emulator.portal.countObjects('contacts')).toBe(2);

    for (const format of ['json', 'ndjson', 'csv', 'table']) {
      const read = await cli(['read', 'crm', '--table', 'contacts', '--format', format, '--limit', '10']);
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toContain('a@example.com');
      expect(read.stdout).toContain('b@example.com');
    }
    const json = JSON.parse((await cli(['read', 'crm', '--table', 'contacts', '--format', 'json'])).stdout) as unknown[];
    expect(json).toHaveLength(2);
    const xlsx = await cli(['read', 'crm', '--table', 'contacts', '--format', 'xlsx', '--out', 'contacts.xlsx']);
    expect(xlsx.code, xlsx.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'contacts.xlsx')).subarray(0, 2).toString()).toBe('PK');
    const metrics = await cli(['metrics']);
    expect(metrics.stdout).toContain('ml_connectors_requests_total');
  });

  it('an error is one line with its hint; the stack only with --debug', async () => {
    const missing = await cli(['tables', 'nosuch']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')[0]).toMatch(/^✗ No connection named "nosuch"/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const debug = await cli(['--debug', 'tables', 'nosuch']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('Ctrl-C mid-write stops, reports what landed, and that is what HubSpot holds', async () => {
    await cli(['connections', 'add', 'hubspot', 'crm', '--set', `base_url=${baseUrl}`, '--set', `api_key=${emulator.token}`]);
    const lines = Array.from({ length: 3000 }, (_, index) => JSON.stringify({ email: `c${index}@example.com`, lastname: 'Interrupted' })).join('\n');
    writeFileSync(join(cwd, 'big.ndjson'), `${lines}\n`);
    emulator.faults.inject({ route: /batch/, fault: { kind: 'latency', ms: 150 } });
    const child = spawn(process.execPath, [bin, '--json', 'write', 'crm', 'big.ndjson', '--table', 'contacts', '--mode', 'upsert', '--key', 'email'], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Interrupt once the first batch has reached the emulator.
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (emulator.requests.some((request) => /batch/.test(request.route))) {
          clearInterval(timer);
          done();
        }
      }, 10);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    emulator.faults.clear();
    expect(code).toBe(130);
    const result = JSON.parse(stdout) as { status: string; written: number; received: number; failed: unknown[] };
    expect(result.status).toBe('interrupted');
    expect(result.received).toBeLessThan(3000);
    expect(result.written + result.failed.length).toBe(result.received);
    expect(emulator.portal.countObjects('contacts')).toBeGreaterThanOrEqual(result.written);
  });

  it('pipeline --sandbox: a dry run says what the CRM write would do, the run does it, the next dry run finds nothing to change', async () => {
    writeFileSync(join(cwd, 'fast.json'), JSON.stringify({ automl: { candidates: ['logistic-regression'], folds: 3 } }));
    const dry = await cli(['--json', 'pipeline', 'fast.json', '--sandbox', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { status: string; destination: { created: number; updated: number; unchanged: number } };
    expect(planned).toMatchObject({ status: 'dry-run', destination: { created: 300, updated: 0, unchanged: 0 } });
    const done = await cli(['pipeline', 'fast.json', '--sandbox']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('destination: 300 created, 0 updated, 0 failed');
    const again = await cli(['pipeline', 'fast.json', '--sandbox', '--dry-run']);
    expect(again.stdout).toContain('would create 0, update 0, leave 300 unchanged; nothing written');
  }, 120_000);

  it('dashboard: serves the page on loopback with its one-time token, refuses requests without it, stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, 'dashboard'], { cwd, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((done, fail) => {
      const timer = setInterval(() => {
        const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+\S*)/.exec(stdout);
        if (match) {
          clearInterval(timer);
          done(match[1] as string);
        }
      }, 20);
      child.on('exit', () => fail(new Error(`dashboard exited: ${stdout}`)));
    });
    const withToken = await fetch(url, { redirect: 'manual' });
    expect([200, 302, 303]).toContain(withToken.status);
    const origin = new URL(url).origin;
    const without = await fetch(`${origin}/api/connections`);
    expect(without.status).toBe(401);
    child.kill('SIGINT');
    expect(await new Promise<number | null>((done) => child.on('exit', done))).toBe(0);
  });
});
