import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors/connector-error.js';

/** The npm package that implements a connection type. */
export function connectorPackageName(connectionType: string): string {
  return `@automl/connector-${connectionType}`;
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = String((error as { message?: string } | null)?.message ?? '');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

/**
 * Imports a connector package the user installed beside core. A plain import works with npm's flat
 * node_modules; with pnpm's strict layout core cannot see its siblings, so the package is then
 * resolved from the application itself (the working directory and the entry script), where the
 * user's own dependency makes it visible.
 */
export async function loadConnectorPackage(connectionType: string, resolveFrom: string[] = []): Promise<Record<string, unknown>> {
  const specifier = connectorPackageName(connectionType);
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw error;
  }
  const bases = [...resolveFrom, join(process.cwd(), 'package.json'), process.argv[1]].filter((base): base is string => !!base);
  for (const base of bases) {
    try {
      const resolved = createRequire(base).resolve(specifier);
      return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
    } catch (error) {
      if (!isModuleNotFound(error, specifier) && (error as { code?: string }).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    }
  }
  throw new ConfigError({
    message: `The ${connectionType} connector is not installed: ${specifier} could not be found. Install it with: npm install ${specifier}`,
    connector: connectionType,
    operation: 'createConnector',
    hint: `Install it beside @automl/connector-core: npm install ${specifier} (or pnpm add ${specifier}).`,
  });
}
