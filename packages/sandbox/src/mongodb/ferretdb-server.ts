import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface FerretDbOptions {
  /** The FerretDB v1 binary (scripts/ferretdb.sh prints its path). */
  binary: string;
  /** Creates this user in `admin` at start and turns SCRAM authentication on. Without it, any credentials pass. */
  user?: { username: string; password: string };
  /** Claims to be a one-member replica set, so the driver sends retryable-write transaction numbers. */
  replicaSetName?: string;
  /** How long to wait for the listener; 20 s by default (a loaded CI machine). */
  startTimeoutMs?: number;
  /** An existing directory to start from (what `stop({ keepData: true })` left); a new temporary one by default. */
  directory?: string;
}

/** A running FerretDB process on a loopback port, with its own temporary data directory. */
export interface FerretDbServer {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The directory holding the SQLite files and state.json; removed by stop(). */
  readonly directory: string;
  /** `mongodb://user:password@127.0.0.1:<port>/?authSource=admin` (or no credentials without a user). */
  uri(options?: { database?: string; username?: string; password?: string }): string;
  /** Whether the process has exited (stopped, killed or crashed). */
  readonly exited: boolean;
  /** The last lines FerretDB logged, for a failing test's message. */
  recentLog(): string[];
  /** SIGTERM, wait for the exit, remove the directory (unless `keepData`: restart from it). Safe to call twice. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

const LISTENING = /Listening on TCP ([\d.]+):(\d+)/;

/**
 * Starts FerretDB with its embedded SQLite backend, the way the MongoDB connector's tests need it:
 * port 0 (FerretDB logs the port it bound, so parallel runs never race for one), no debug HTTP
 * listener (its fixed default port would collide), no telemetry, state in a temporary directory.
 */
export async function startFerretDb(options: FerretDbOptions): Promise<FerretDbServer> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'ferretdb-'));
  mkdirSync(join(directory, 'data'), { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${join(directory, 'data')}/`,
    `--state-dir=${directory}`,
    '--listen-addr=127.0.0.1:0',
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=info',
  ];
  if (options.user) {
    args.push('--test-enable-new-auth', '--setup-database=admin', `--setup-username=${options.user.username}`, `--setup-password=${options.user.password}`);
  }
  if (options.replicaSetName) args.push(`--repl-set-name=${options.replicaSetName}`);

  const child = spawn(options.binary, args, {
    env: { ...process.env, DO_NOT_TRACK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      log.push(String(error));
      exited = true;
      resolve();
    });
  });

  try {
    const port = await waitForListener(child, log, exit, options.startTimeoutMs ?? 20_000);
    return makeServer(child, port, directory, log, exit, () => exited, options.user);
  } catch (error) {
    child.kill('SIGKILL');
    await exit;
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

function waitForListener(child: ChildProcess, log: string[], exit: Promise<void>, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let found = false;
    const timer = setTimeout(() => fail(`FerretDB did not listen within ${timeoutMs} ms`), timeoutMs);
    const fail = (message: string) => {
      clearTimeout(timer);
      reject(new Error(`${message}\n${log.slice(-20).join('\n')}`));
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        log.push(line);
        if (log.length > 200) log.shift();
        const match = found ? null : LISTENING.exec(line);
        if (match) {
          found = true;
          clearTimeout(timer);
          resolve(Number(match[2]));
        }
      });
    }
    void exit.then(() => {
      if (!found) fail(`FerretDB exited before listening (code ${child.exitCode})`);
    });
  });
}

function makeServer(
  child: ChildProcess,
  port: number,
  directory: string,
  log: string[],
  exit: Promise<void>,
  hasExited: () => boolean,
  user: FerretDbOptions['user'],
): FerretDbServer {
  let stopping: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid ?? -1,
    directory,
    get exited() {
      return hasExited();
    },
    uri(overrides = {}) {
      const username = overrides.username ?? user?.username;
      const password = overrides.password ?? user?.password;
      const credentials = username ? `${encodeURIComponent(username)}:${encodeURIComponent(password ?? '')}@` : '';
      const query = username ? '?authSource=admin' : '';
      return `mongodb://${credentials}127.0.0.1:${port}/${overrides.database ?? ''}${query}`;
    },
    recentLog: () => [...log],
    stop(options = {}) {
      stopping ??= (async () => {
        if (!hasExited()) child.kill('SIGTERM');
        await exit;
        if (!options.keepData) rmSync(directory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
