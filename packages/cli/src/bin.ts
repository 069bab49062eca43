#!/usr/bin/env node
import { CommanderError } from 'commander';
import type { CliContext } from './cli-context.js';
import { buildProgram } from './program.js';

const output = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
};
let current: CliContext | undefined;
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1 || !current) process.exit(130);
  process.stderr.write('\ninterrupted: stopping (Ctrl-C again to quit now)\n');
  current.controller.abort(new DOMException('Interrupted by the user', 'AbortError'));
});

const { program, exitCode } = buildProgram(output, process.cwd(), (context) => {
  current = context;
});
try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode();
} catch (error) {
  // commander's own exits: --help, --version, a usage error (already printed).
  process.exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1;
  if (!(error instanceof CommanderError)) process.stderr.write(`${String(error)}\n`);
}
