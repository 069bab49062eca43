import type { ConnectionConfigInput, ConnectionType } from '../config/connection-config.js';
import { normaliseConfigKeys, parseConnectionConfig } from '../config/parse-connection-config.js';
import { connectorSpecificationVersion, type Connector } from '../contract/connector.js';
import { ConfigError } from '../errors/connector-error.js';
import type { ConnectorOptions } from '../base/base-connector.js';
import { systemDescriptor, systems } from '../systems/index.js';
import { loadConnectorPackage } from './load-connector-package.js';

/** What a connector package exports for the factory: `createConnector(config, options)`. */
export type ConnectorModuleFactory = (config: unknown, options?: ConnectorOptions) => Connector;

export interface CreateConnectorOptions extends ConnectorOptions {
  /** Extra places to resolve connector packages from (a path to a package.json or a file of your app). */
  resolveFrom?: string[];
}

/**
 * Builds the connector a config names, loading its package on demand: users install only the
 * connectors they use, and a missing one is a clear error naming the package to install. A package
 * built for another version of the connector contract is refused with the versions named.
 */
export async function createConnector(config: ConnectionConfigInput | Record<string, unknown>, options: CreateConnectorOptions = {}): Promise<Connector> {
  // Validate first, so a typo is reported before any package is loaded.
  const parsed = parseConnectionConfig(config, undefined, { environment: options.environment ?? process.env });
  const { packageName } = systemDescriptor(parsed.connectionType);
  const module = await loadConnectorPackage(parsed.connectionType, options.resolveFrom);
  const factory = module.createConnector as ConnectorModuleFactory | undefined;
  if (typeof factory !== 'function') {
    throw new ConfigError({
      message: `${packageName} does not export createConnector(); is it an old version?`,
      connector: parsed.connectionType,
      operation: 'createConnector',
      hint: `Upgrade ${packageName} to the version matching @automl/connector-core.`,
    });
  }
  const { resolveFrom: _ignored, ...connectorOptions } = options;
  const connector = factory(normaliseConfigKeys(config as Record<string, unknown>), connectorOptions);
  try {
    checkSpecificationVersion(connector, packageName, parsed.connectionType);
  } catch (error) {
    await connector.close?.().catch(() => undefined);
    throw error;
  }
  return connector;
}

/** Refuses a connector built for another version of the contract, naming both versions. */
export function checkSpecificationVersion(connector: unknown, packageName: string, connectionType: string): void {
  const version = (connector as Partial<Connector> | null)?.specificationVersion;
  if (version === connectorSpecificationVersion) return;
  throw new ConfigError({
    message: `${packageName} implements connector contract ${String(version ?? 1)}, this @automl/connector-core implements ${connectorSpecificationVersion}`,
    connector: connectionType,
    operation: 'createConnector',
    hint: `Install versions of ${packageName} and @automl/connector-core released together (npm ls @automl/connector-core shows the copies installed).`,
  });
}

/** The factory under the name of the specification (`ConnectorFactory.create(config)`). */
export const ConnectorFactory = {
  create: createConnector,
  types: (): ConnectionType[] => systems.map((system) => system.id),
} as const;
