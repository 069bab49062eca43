import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDirectory } from './app-paths.js';
import { temporaryDirectory, writeSmallWorkbook } from './test-support/temporary-workspace.js';

const cliPath = join(appDirectory, 'dist', 'cli.js');

/** The environment of the child without any credential (a developer's own must not switch it online). */
function offlineEnvironment(): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of ['GOOGLE_SHEETS_CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS', 'NEW_CUSTOMERS_SPREADSHEET_ID', 'HUBSPOT_API_KEY'])
    delete environment[name];
  return environment;
}

function runCli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, env: offlineEnvironment(), encoding: 'utf8', timeout: 50_000 });
}

describe('the built CLI (node dist/cli.js)', () => {
  const workspace = temporaryDirectory('pipeline-demo-cli-');
  let smallData: string;

  beforeAll(async () => {
    // Build the app as `pnpm demo` does (its dependencies are built by `turbo run build` first), so
    // this test runs today's code, never a stale dist/.
    execFileSync(
      process.execPath,
      [join(appDirectory, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(appDirectory, 'tsconfig.build.json')],
      { stdio: 'pipe' },
    );
    smallData = await writeSmallWorkbook(join(workspace.path, 'small.xlsx'), 400);
  });
  afterAll(() => workspace.remove());

  it('runs the demo offline and ends its output with "report: <absolute path>"', () => {
    const stateDirectory = join(workspace.path, 'state');
    // Arguments as pnpm forwards them from `pnpm run demo -- --fresh ...`, leading "--" included.
    const result = runCli(['--', '--fresh', '--data', smallData, '--state-dir', stateDirectory], workspace.path);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lastLine = result.stdout.trimEnd().split('\n').at(-1)!;
    expect(lastLine).toMatch(/^report: /);
    const reportPath = lastLine.slice('report: '.length);
    expect(isAbsolute(reportPath)).toBe(true);
    expect(reportPath.startsWith(join(stateDirectory, 'reports'))).toBe(true);
    expect(existsSync(reportPath)).toBe(true);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report).toMatchObject({
      ok: true,
      mode: 'offline',
      sources: { excel: { rows: 400 }, googlesheets: { rows: 300 } },
      crm: { created: 300, updated: 0, failed: 0 },
    });
    expect(result.stdout).toContain('[6/6] Upserting 300 contacts into HubSpot by email ... created 300, updated 0, failed 0');
  });

  it('Ctrl+C (SIGINT) during training: exits 130 after writing the report, marked interrupted', async () => {
    const stateDirectory = join(workspace.path, 'interrupted');
    const child = spawn(process.execPath, [cliPath, '--fresh', '--data', smallData, '--state-dir', stateDirectory], {
      cwd: workspace.path,
      env: offlineEnvironment(),
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const before = stdout;
      stdout += chunk;
      if (!before.includes('Training AutoML') && stdout.includes('Training AutoML')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));

    expect(code).toBe(130);
    const lastLine = stdout.trimEnd().split('\n').at(-1)!;
    expect(lastLine).toMatch(/^report: /);
    const report = JSON.parse(readFileSync(lastLine.slice('report: '.length), 'utf8'));
    expect(report).toMatchObject({ ok: false, interrupted: { signal: 'SIGINT', stage: 'train' }, sources: { excel: { rows: 400 } } });
    expect(report.crm).toBeUndefined();
    expect(stdout).toContain('SIGINT: stopping');
  });

  it('prints the usage for --help, and exits 2 on an unknown option', () => {
    const help = runCli(['--help'], workspace.path);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--fresh');

    const wrong = runCli(['--no-such-option'], workspace.path);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('no-such-option');
  });
});
