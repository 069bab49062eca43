export { buildProgram } from './program.js';
export { CliContext, describeError, type GlobalOptions, type Output } from './cli-context.js';
export { checkConnections, type CheckResult } from './commands/check.js';
export { formatRows, formatTable, type OutputFormat } from './io/format-rows.js';
export { readRows, type InputFormat } from './io/read-input.js';
