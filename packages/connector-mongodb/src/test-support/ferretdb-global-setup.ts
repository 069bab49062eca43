import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startFerretDb } from '@automl/sandbox/mongodb';
import type { TestProject } from 'vitest/node';

/** What the tests learn about the server this run started (see `ferretDb()` in ferretdb-test-server.ts). */
export interface FerretDbContext {
  /** The FerretDB binary, so a test can start a server of its own (to stop it mid-read). */
  binary: string;
  host: string;
  port: number;
  username: string;
  /** A fresh random password per run: secret-leak tests look for it everywhere. */
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    ferretdb: FerretDbContext;
  }
}

const script = fileURLToPath(new URL('../../../../scripts/ferretdb.sh', import.meta.url));

/**
 * One FerretDB per test run: built once into .toolchain/ by scripts/ferretdb.sh (a cold build takes
 * minutes, a cached one returns at once), started on a free loopback port in a temporary directory
 * with SCRAM authentication on, stopped when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = await buildOnce();
  const username = 'automl-tests';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const server = await startFerretDb({ binary, user: { username, password } });
  project.provide('ferretdb', { binary, host: server.host, port: server.port, username, password });
  return () => server.stop();
}

/** Runs scripts/ferretdb.sh, its progress (a cold build's "building ... about 5 minutes") shown on stderr. */
function buildOnce(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const binary = output.trim().split('\n').at(-1) ?? '';
      if (code === 0 && binary) resolve(binary);
      else reject(new Error(`scripts/ferretdb.sh failed (exit code ${code}): the MongoDB tests need FerretDB built with Go`));
    });
  });
}
