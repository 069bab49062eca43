#!/usr/bin/env node
import { parseCliArguments, usage } from './cli-arguments.js';
import { PipelineInterrupted } from './pipeline-interrupted.js';
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
  // Ctrl+C (SIGINT) or SIGTERM: stop at the next safe point and still write the report, marked
  // interrupted, with what landed. A second signal ends the process at once.
  const interrupt = new AbortController();
  for (const signalName of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signalName, () => {
      if (outputOpen) process.stdout.write(`\n${signalName}: stopping after the requests in flight and writing the report (again to quit now)\n`);
      interrupt.abort(new PipelineInterrupted(signalName));
      process.once(signalName, () => process.exit(130));
    });
  }
  const { exitCode, report } = await runDemo({ ...parsed.options, signal: interrupt.signal }, (text) => {
    if (outputOpen) process.stdout.write(text);
  });
  process.exitCode = exitCode;
  // An interrupted stage may still be computing in the background (a model fit): the report is written, so end now.
  if (report.interrupted) process.exit(exitCode);
}
