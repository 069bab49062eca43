import { Command, InvalidArgumentError, Option } from 'commander';
import { CliContext, describeError, type GlobalOptions, type Output } from './cli-context.js';
import { dashboardCommand } from './commands/dashboard.js';
import { describeTable, listTables } from './commands/browse.js';
import { checkConnections } from './commands/check.js';
import { addConnection, listConnections, removeConnection, testConnection } from './commands/connections.js';
import { metricsCommand } from './commands/metrics.js';
import { pipelineCommand } from './commands/pipeline.js';
import { readCommand } from './commands/read.js';
import { writeCommand } from './commands/write.js';
import { outputFormats } from './io/format-rows.js';

const positiveInteger = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('must be a positive integer');
  return number;
};
const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The `automl-connectors` program. Each action returns its exit code; errors print as one line
 * with the typed error's hint (the stack with --debug). Ctrl-C cancels the running operation
 * (a write reports what landed); a second Ctrl-C exits at once.
 */
export function buildProgram(output: Output, cwd = process.cwd(), onContext?: (context: CliContext) => void): { program: Command; exitCode: () => number } {
  let code = 0;
  const program = new Command('automl-connectors')
    .description('Connections to the systems your data lives in: check, browse, read, write, run the churn pipeline, open the dashboard.')
    .option('--config <file>', 'connections file (default: automl-connectors.json or .yaml in the working directory)')
    .option('--json', 'machine-readable output')
    .option('--debug', 'stack traces and connector logs')
    .configureOutput({ writeOut: (text) => output.out(text), writeErr: (text) => output.err(text) })
    .showHelpAfterError()
    .exitOverride();

  const run =
    (action: (context: CliContext, ...args: never[]) => Promise<number> | number) =>
    async (...args: unknown[]) => {
      const context = new CliContext(program.opts<GlobalOptions>(), output, cwd);
      onContext?.(context);
      try {
        code = await (action as (context: CliContext, ...rest: unknown[]) => Promise<number> | number)(context, ...args.slice(0, -1));
      } catch (error) {
        output.err(`${describeError(error, context.options.debug)}\n`);
        code = context.signal.aborted ? 130 : 1;
      } finally {
        await context.saveMetrics().catch(() => undefined);
      }
    };

  program
    .command('check')
    .argument('[names...]', 'connections to check (all by default)')
    .description('connect, test, list tables and read a few rows of every configured connection; skips those without credentials')
    .action(run((context, names: string[]) => checkConnections(context, names)));

  const connections = program.command('connections').description('the connections of this project');
  connections
    .command('list')
    .description('every connection, its system and where its secrets come from')
    .action(run((context) => listConnections(context)));
  connections
    .command('add')
    .argument('<type>', 'the system: excel, googlesheets, bigquery, databricks, mongodb, hubspot, salesforce, pipedrive')
    .argument('<name>', 'a name for the connection')
    .option('--set <key=value>', 'a config key (repeat); secrets as env:VAR, file:path, or a value stored encrypted', collect, [])
    .option('--replace', 'replace an existing connection of that name')
    .description('add a connection; secret values go to the local encrypted store, never into the file')
    .action(
      run((context, type: string, name: string, options: { set: string[]; replace?: boolean }) =>
        addConnection(context, type, name, options.set, options.replace ?? false),
      ),
    );
  connections
    .command('remove')
    .argument('<name>')
    .description('remove a connection and its stored secrets')
    .action(run((context, name: string) => removeConnection(context, name)));
  connections
    .command('test')
    .argument('<name>')
    .description('check one connection')
    .action(run((context, name: string) => testConnection(context, name)));

  program
    .command('tables')
    .argument('<name>')
    .description('the tables, sheets, collections or objects of a connection')
    .action(run((context, name: string) => listTables(context, name)));
  program
    .command('describe')
    .argument('<name>')
    .argument('<table>')
    .description('the columns of a table and their types')
    .action(run((context, name: string, table: string) => describeTable(context, name, table)));

  program
    .command('read')
    .argument('<name>')
    .option('--table <table>', 'table, sheet, collection or object')
    .option('--query <sql>', 'a query, where the system takes one (SQL, SOQL)')
    .option('--limit <n>', 'at most this many rows (table format: 100 by default)', positiveInteger)
    .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('table'))
    .option('--out <file>', 'write to a file instead of stdout')
    .description('read rows')
    .action(
      run((context, name: string, options: { table?: string; query?: string; limit?: number; format: 'table'; out?: string }) =>
        readCommand(context, name, options),
      ),
    );

  program
    .command('write')
    .argument('<name>')
    .argument('[file]', 'a .csv, .ndjson, .json or .xlsx file (stdin when omitted)')
    .option('--table <table>', 'table, sheet, collection or object')
    .addOption(new Option('--mode <mode>', 'write mode').choices(['append', 'overwrite', 'upsert']))
    .option('--key <column>', 'the column an upsert matches records on')
    .option('--format <format>', 'input format when it is not the file extension (stdin: ndjson)')
    .description('write rows and report created / updated / failed, with each failed row and why')
    .action(
      run((context, name: string, file: string | undefined, options: { table?: string; mode?: 'upsert'; key?: string; format?: string }) =>
        writeCommand(context, name, file, options),
      ),
    );

  program
    .command('metrics')
    .description('Prometheus text of the last run')
    .action(run((context) => metricsCommand(context)));

  program
    .command('pipeline')
    .argument('[spec]', 'a JSON or YAML pipeline spec')
    .option('--training-connection <name>')
    .option('--training-table <table>')
    .option('--training-query <query>')
    .option('--label <column>', 'the column to learn')
    .option('--scoring-connection <name>')
    .option('--scoring-table <table>')
    .option('--scoring-query <query>')
    .option('--destination-connection <name>')
    .option('--destination-table <table>')
    .option('--key <column>', 'the destination key (email for CRM contacts)')
    .option('--fields <columns>', 'comma-separated columns copied to the destination besides churn_risk and segment')
    .option('--dry-run', 'report what would be created, updated or left unchanged; write nothing')
    .option('--sandbox', 'run over the offline emulators (the demo)')
    .option('--fresh', 'with --sandbox: start from an empty sandbox')
    .description('train on one source, score another, write churn_risk and segment to a CRM or table')
    .action(run((context, spec: string | undefined, flags: Record<string, unknown>) => pipelineCommand(context, spec, flags)));

  program
    .command('dashboard')
    .option('--port <port>', 'port (a free one by default)', positiveInteger)
    .option('--host <host>', 'interface to bind (127.0.0.1 by default)')
    .option('--sandbox', 'start the offline emulators and add their connections')
    .description('start the web dashboard')
    .action(run((context, options: { port?: number; host?: string; sandbox?: boolean }) => dashboardCommand(context, options)));

  return { program, exitCode: () => code };
}
