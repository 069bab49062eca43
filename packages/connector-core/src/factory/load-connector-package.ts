import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors/connector-error.js';
import { findSystem } from '../systems/index.js';

/** The npm package that implements a connection type (from its descriptor). */
export function connectorPackageName(connectionType: string): string {
  return findSystem(connectionType)?.packageName ?? `@automl/connector-${connectionType}`;
}

/**
 * Whether an import failed because the package itself is missing, not one of its own dependencies:
 * Node words the first "Cannot find package '<specifier>' imported from ..."; a missing dependency
 * of an installed connector names that dependency instead, and must surface as it is.
 */
export function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = String((error as { message?: string } | null)?.message ?? '');
  const named = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  return named === specifier || named?.startsWith(`${specifier}/`) === true;
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
    const entry = resolveEsmEntry(specifier, base);
    if (entry) return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  }
  throw new ConfigError({
    message: `The ${connectionType} connector is not installed: ${specifier} could not be found. Install it with: npm install ${specifier}`,
    connector: connectionType,
    operation: 'createConnector',
    hint: `Install it beside @automl/connector-core: npm install ${specifier} (or pnpm add ${specifier}).`,
  });
}

/**
 * Finds a package's ESM entry as seen from `base`. require.resolve() would apply the "require"
 * condition, which an ESM-only package does not export; so locate the package by its package.json
 * (every connector exports it) and read its "import" entry.
 */
function resolveEsmEntry(specifier: string, base: string): string | undefined {
  let manifestPath: string;
  try {
    manifestPath = createRequire(base).resolve(`${specifier}/package.json`);
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown; module?: string; main?: string };
  const root = (manifest.exports as Record<string, unknown> | undefined)?.['.'] ?? manifest.exports;
  const target =
    typeof root === 'string'
      ? root
      : ((root as Record<string, unknown> | undefined)?.import ?? (root as Record<string, unknown> | undefined)?.default ?? manifest.module ?? manifest.main);
  return typeof target === 'string' ? join(dirname(manifestPath), target) : undefined;
}
