import { ConfigError, type ConnectionType, connectionTypes, systemDescriptor } from '@automl/connector-core';
import type { CliContext } from '../cli-context.js';
import { checkConnections } from './check.js';

/** `--set key=value`: numbers, booleans and JSON objects parsed, the rest kept as text. */
export function parseSettings(pairs: string[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0)
      throw new ConfigError({ message: `--set ${pair}: expected key=value`, operation: 'connections', hint: 'For example --set api_key=env:HUBSPOT_API_KEY' });
    const key = pair.slice(0, equals);
    const text = pair.slice(equals + 1);
    let value: unknown = text;
    if (/^-?\d+(\.\d+)?$/.test(text)) value = Number(text);
    else if (text === 'true' || text === 'false') value = text === 'true';
    else if (/^[{[]/.test(text)) {
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
    }
    settings[key] = value;
  }
  return settings;
}

export function listConnections(context: CliContext): number {
  const connections = context.project.list();
  if (context.options.json) {
    context.output.out(`${JSON.stringify(connections, null, 2)}\n`);
    return 0;
  }
  if (connections.length === 0) context.output.out(`No connections in ${context.project.path}\n`);
  for (const connection of connections) {
    const secrets = Object.entries(connection.secrets).map(([field, source]) => `${field} from ${source}`);
    context.output.out(`${connection.name}\t${connection.displayName}${secrets.length ? `\t(${secrets.join(', ')})` : ''}\n`);
  }
  return 0;
}

export function addConnection(context: CliContext, type: string, name: string, pairs: string[], replace: boolean): number {
  if (!(connectionTypes as string[]).includes(type)) {
    throw new ConfigError({ message: `Unknown system "${type}"`, operation: 'connections', hint: `One of: ${connectionTypes.join(', ')}` });
  }
  const summary = context.project.add(name, { connectionType: type, ...parseSettings(pairs) }, { replace });
  const secrets = Object.entries(summary.secrets).map(([field, source]) => `${field}: ${source}`);
  context.output.out(
    `✓ added ${name} (${systemDescriptor(type as ConnectionType).displayName}) to ${context.project.path}${secrets.length ? `; secrets: ${secrets.join(', ')}` : ''}\n`,
  );
  return 0;
}

export function removeConnection(context: CliContext, name: string): number {
  context.project.remove(name);
  context.output.out(`✓ removed ${name}\n`);
  return 0;
}

export function testConnection(context: CliContext, name: string): Promise<number> {
  return checkConnections(context, [name]);
}
