import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionsProject } from '@automl/connections';
import { ConfigError } from '@automl/connector-core';
import { parsePipelineSpec, type PipelineReport, type PipelineSpec, runPipelineJob, startDemoSandbox } from '@automl/pipeline';
import { parse as parseYaml } from 'yaml';
import type { CliContext } from '../cli-context.js';

export interface PipelineFlags {
  trainingConnection?: string;
  trainingTable?: string;
  trainingQuery?: string;
  label?: string;
  scoringConnection?: string;
  scoringTable?: string;
  scoringQuery?: string;
  destinationConnection?: string;
  destinationTable?: string;
  key?: string;
  fields?: string;
  dryRun?: boolean;
  sandbox?: boolean;
  fresh?: boolean;
}

function specFrom(file: string | undefined, flags: PipelineFlags): Record<string, unknown> {
  const base = file
    ? ((/\.ya?ml$/i.test(file) ? parseYaml(readFileSync(file, 'utf8')) : JSON.parse(readFileSync(file, 'utf8'))) as Record<string, unknown>)
    : {};
  const merge = (part: string, values: Record<string, unknown>) => {
    const defined = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
    if (Object.keys(defined).length > 0) base[part] = { ...((base[part] as object) ?? {}), ...defined };
  };
  merge('training', { connection: flags.trainingConnection, table: flags.trainingTable, query: flags.trainingQuery, labelColumn: flags.label });
  merge('scoring', { connection: flags.scoringConnection, table: flags.scoringTable, query: flags.scoringQuery });
  merge('destination', {
    connection: flags.destinationConnection,
    table: flags.destinationTable,
    keyColumn: flags.key,
    fields: flags.fields?.split(',').map((field) => field.trim()),
  });
  return base;
}

/**
 * The demo's Excel -> model -> Sheets -> CRM as a job over any connections, from a JSON/YAML spec
 * and flags. `--sandbox` runs it over the offline emulators (the demo, with its default spec);
 * `--dry-run` reports what the destination write would create, update or leave unchanged.
 */
export async function pipelineCommand(context: CliContext, file: string | undefined, flags: PipelineFlags): Promise<number> {
  let project = context.project;
  let spec: PipelineSpec;
  let stop: () => Promise<void> = async () => {};
  if (flags.sandbox) {
    const directory = join(context.project.directory, '.automl-connectors', 'sandbox');
    const sandbox = await startDemoSandbox({ stateDirectory: join(directory, 'state'), fresh: flags.fresh ?? false });
    stop = () => sandbox.stop();
    project = new ConnectionsProject({ cwd: directory, environment: {} });
    for (const [name, config] of Object.entries(sandbox.connections)) project.add(name, config, { replace: true });
    spec = parsePipelineSpec({ ...sandbox.spec, ...specFrom(file, flags) });
  } else {
    const raw = specFrom(file, flags);
    if (Object.keys(raw).length === 0) {
      throw new ConfigError({
        message: 'No pipeline spec: give a spec file, flags, or --sandbox',
        operation: 'pipeline',
        hint: 'automl-connectors pipeline --sandbox runs the demo offline.',
      });
    }
    spec = parsePipelineSpec(raw);
  }
  try {
    const report = await runPipelineJob(spec, {
      project,
      signal: context.signal,
      dryRun: flags.dryRun ?? false,
      connectorOptions: context.connectorOptions(),
      onEvent: (event) => {
        if (context.options.json) return;
        if (event.type === 'stage')
          context.output.err(`${event.status === 'started' ? '…' : event.status === 'done' ? '✓' : '✗'} ${event.stage}: ${event.message}\n`);
      },
    });
    print(context, report);
    return report.status === 'completed' || report.status === 'dry-run' ? 0 : report.status === 'interrupted' ? 130 : 1;
  } finally {
    await stop();
  }
}

function print(context: CliContext, report: PipelineReport): void {
  if (context.options.json) {
    context.output.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const best = report.leaderboard[0];
  if (best) context.output.out(`model: ${best.model} (${best.metric} ${best.score.toFixed(3)})\n`);
  const segments = Object.entries(report.predictions.segments)
    .map(([segment, count]) => `${segment} ${count}`)
    .join(', ');
  context.output.out(`predictions: ${report.predictions.rows} rows (${segments})\n`);
  const destination = report.destination;
  if (report.status === 'dry-run') {
    context.output.out(
      `dry run: would create ${destination.created}, update ${destination.updated}, leave ${destination.unchanged ?? 0} unchanged; nothing written\n`,
    );
    for (const change of destination.sample ?? []) {
      context.output.out(`  ${change.action} ${change.key}: ${change.before ? `${JSON.stringify(change.before)} -> ` : ''}${JSON.stringify(change.after)}\n`);
    }
  } else {
    context.output.out(`destination: ${destination.created} created, ${destination.updated} updated, ${destination.failed.length} failed\n`);
    for (const failure of destination.failed.slice(0, 10)) context.output.out(`  row ${failure.index + 1}: ${failure.reason}\n`);
  }
  if (report.error)
    context.output.out(`${report.status === 'interrupted' ? '⚠' : '✗'} ${report.error.message}${report.error.hint ? `\n  hint: ${report.error.hint}` : ''}\n`);
}
