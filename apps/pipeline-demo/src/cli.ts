#!/usr/bin/env node
import { parseCliArguments, usage } from './cli-arguments.js';
import { runDemo } from './run-demo.js';

let parsed: ReturnType<typeof parseCliArguments>;
try {
  parsed = parseCliArguments(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${usage}\n`);
} else {
  // A closed pipe (`... | head`) must not kill the run half-way: stop printing, finish, write the report.
  let outputOpen = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    outputOpen = false;
  });
  const { exitCode } = await runDemo(parsed.options, (text) => {
    if (outputOpen) process.stdout.write(text);
  });
  process.exitCode = exitCode;
}
