import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The workbook reader against mutated workbooks (real files' bytes, and their XML edited with the
// tokens that matter): no crash, no hang past a bound, only the library's typed errors. The cases
// run in a child process, so a case that loops for good (synchronous code no timer can interrupt)
// is seen, killed and named. Bounded here by count and time with a fixed seed; `pnpm fuzz` runs
// it for minutes (FUZZ_SECONDS, FUZZ_CASES, FUZZ_SEED; FUZZ_ONLY=<index> replays one case).
const seconds = Number(process.env.FUZZ_SECONDS ?? 6);
const caseBoundMs = Number(process.env.FUZZ_CASE_MS ?? 15_000);

interface Message {
  type: 'case' | 'untyped' | 'end';
  index?: number;
  kind?: string;
  error?: string;
  count?: number;
  outcomes?: Record<string, number>;
}

it(
  'reads mutated workbooks without a crash, a hang or an untyped error',
  async () => {
    const worker = fileURLToPath(new URL('./fuzz/fuzz-worker.ts', import.meta.url));
    const hooks = fileURLToPath(new URL('./fuzz/register-ts-hooks.mjs', import.meta.url));
    // A small heap: a case that needs more than bounded memory is a crash, not a slow pass.
    const child = fork(worker, [], {
      execArgv: ['--experimental-transform-types', '--no-warnings', '--import', hooks, '--max-old-space-size=768'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const untyped: Message[] = [];
    let current: Message | undefined;
    let caseStarted = performance.now();
    let end: Message | undefined;
    let hung: Message | undefined;
    child.on('message', (message: Message) => {
      if (message.type === 'case') {
        current = message;
        caseStarted = performance.now();
      } else if (message.type === 'untyped') untyped.push(message);
      else end = message;
    });
    const watchdog = setInterval(() => {
      if (current && performance.now() - caseStarted > caseBoundMs) {
        hung = current;
        child.kill('SIGKILL');
      }
    }, 250);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    clearInterval(watchdog);

    const replay = (message: Message | undefined) => `case ${message?.index} (${message?.kind}); replay with FUZZ_ONLY=${message?.index}`;
    expect(hung, `hung past ${caseBoundMs} ms: ${replay(hung)}`).toBeUndefined();
    expect(exit, `the reader crashed on ${replay(current)}:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(untyped.map((message) => `${replay(message)}: ${message.error}`)).toEqual([]);
    console.info(`fuzz: ${end?.count} cases in ${seconds} s at most, seed ${process.env.FUZZ_SEED ?? 'default'}: ${JSON.stringify(end?.outcomes)}`);
    expect(end?.count).toBeGreaterThan(20);
    // Both sides are exercised: workbooks that still read, and typed refusals.
    const outcomes = Object.entries(end?.outcomes ?? {});
    expect(outcomes.some(([outcome]) => outcome === 'read')).toBe(true);
    expect(outcomes.some(([outcome]) => outcome.startsWith('DataError'))).toBe(true);
  },
  seconds * 1000 + 60_000,
);
