// The "install only what you need" path, as a user meets it: core and one connector packed as they
// would be published, installed alone into a scratch project (npm's flat layout, then pnpm's strict
// one), and loaded by core's factory from there. Slow (it installs from the registry), so it runs
// once for both layouts.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHubSpotEmulator } from '@automl/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packagesDirectory = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'automl-packaging-'));
const emulator = createHubSpotEmulator({ rateLimit: false });
// A user's shell: without the NODE_PATH that pnpm sets for the test runner (it would point into
// this workspace and let the scratch project see packages it never installed).
const { NODE_PATH: _workspacePath, ...userEnvironment } = process.env;
let baseUrl = '';

function pack(packageDirectory: string): string {
  if (!existsSync(join(packageDirectory, 'dist/index.js'))) execFileSync('pnpm', ['run', 'build'], { cwd: packageDirectory, stdio: 'pipe' });
  const destination = join(scratch, 'tarballs');
  mkdirSync(destination, { recursive: true });
  const before = new Set(readdirSync(destination));
  execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDirectory, stdio: 'pipe' });
  const created = readdirSync(destination).find((file) => !before.has(file));
  if (!created) throw new Error(`pnpm pack produced nothing in ${packageDirectory}`);
  return join(destination, created);
}

// What a user's application does: no import of the connector package, only core's factory.
const application = `
import { createConnector, CRMConnector } from '@automl/connector-core';
const connector = await createConnector({ connection_type: 'hubspot', api_key: process.env.TOKEN, base_url: process.env.BASE_URL });
const rows = await connector.readAll({ table: 'contacts' });
let missing = '';
try { await createConnector({ connectionType: 'excel', filePath: 'x.xlsx' }); } catch (error) { missing = error.message + ' | ' + error.hint; }
const crm = new CRMConnector({ crm_type: 'hubspot', api_key: process.env.TOKEN, base_url: process.env.BASE_URL });
const tables = await crm.listTables();
console.log(JSON.stringify({ className: connector.constructor.name, rows: rows.length, tables, missing }));
await connector.close();
await crm.close();
`;

function scratchProject(name: string): string {
  const directory = join(scratch, name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: `scratch-${name}`, private: true, type: 'module' }));
  writeFileSync(join(directory, 'app.mjs'), application);
  return directory;
}

interface ApplicationOutput {
  className: string;
  rows: number;
  tables: string[];
  missing: string;
}

// Asynchronous: the emulator answers from this very process, so the event loop must stay free.
async function runApplication(directory: string): Promise<ApplicationOutput> {
  const { stdout } = await promisify(execFile)(process.execPath, ['app.mjs'], {
    cwd: directory,
    env: { ...userEnvironment, TOKEN: emulator.token, BASE_URL: baseUrl },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ApplicationOutput;
}

describe('published packages, installed alone', () => {
  let tarballs: string[] = [];
  beforeAll(async () => {
    baseUrl = await emulator.start();
    emulator.portal.seedObjects('contacts', [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }]);
    tarballs = [pack(join(packagesDirectory, 'connector-core')), pack(join(packagesDirectory, 'connector-hubspot'))];
  }, 180_000);
  afterAll(async () => {
    await emulator.stop();
    // Two installs of the packages and their dependencies: over 100 MB a run if left behind.
    rmSync(scratch, { recursive: true, force: true });
  });

  const expectWorking = (result: ApplicationOutput) => {
    expect(result.className).toBe('HubSpotConnector');
    expect(result.rows).toBe(3);
    expect(result.tables).toEqual(expect.arrayContaining(['contacts', 'companies', 'deals']));
    expect(result.missing).toContain('npm install @automl/connector-excel');
  };

  it('npm flat layout: core finds the connector the user installed beside it', async () => {
    const directory = scratchProject('npm');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, 'prom-client'], {
      cwd: directory,
      stdio: 'pipe',
      env: userEnvironment,
    });
    // Only what the user asked for: no other connector came along.
    expect(existsSync(join(directory, 'node_modules/@automl/connector-excel'))).toBe(false);
    expectWorking(await runApplication(directory));
  }, 240_000);

  it('pnpm strict layout: core resolves the connector from the application', async () => {
    const directory = scratchProject('pnpm');
    // Until core is on the registry, the connector's dependency on it must point at the tarball too.
    const [coreTarball] = tarballs;
    // hoist: false is pnpm's strictest layout: no hidden .pnpm/node_modules hoisting for core to lean on.
    writeFileSync(join(directory, 'pnpm-workspace.yaml'), `hoist: false\noverrides:\n  '@automl/connector-core': 'file:${coreTarball}'\n`);
    execFileSync('pnpm', ['add', ...tarballs, 'prom-client'], {
      cwd: directory,
      stdio: 'pipe',
      env: { ...userEnvironment, npm_config_frozen_lockfile: 'false' },
    });
    // Strict layout: core's own folder has no node_modules entry for the connector.
    const coreFolder = readdirSync(join(directory, 'node_modules/.pnpm')).find((entry) => entry.startsWith('@automl+connector-core'));
    expect(coreFolder).toBeDefined();
    expect(existsSync(join(directory, 'node_modules/.pnpm', coreFolder!, 'node_modules/@automl/connector-hubspot'))).toBe(false);
    expectWorking(await runApplication(directory));
  }, 240_000);
});
