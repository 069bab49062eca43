import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, Secret } from '@automl/connector-core';
import type { SecretStore } from './secret-store.js';

/** How a connections file names a credential without holding it. */
export type SecretReference = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'store'; id: string };

const pattern = /^(env|file|store):(.+)$/;

/** The reference a value spells (`env:HUBSPOT_API_KEY`, `file:./key.json`, `store:crm.apiKey`), or undefined. */
export function parseSecretReference(value: unknown): SecretReference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const [, kind, target] = match as unknown as [string, 'env' | 'file' | 'store', string];
  if (kind === 'env') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(target) ? { kind, name: target } : undefined;
  if (kind === 'file') return { kind, path: target };
  return { kind, id: target };
}

export function formatSecretReference(reference: SecretReference): string {
  return reference.kind === 'env' ? `env:${reference.name}` : reference.kind === 'file' ? `file:${reference.path}` : `store:${reference.id}`;
}

export interface ResolveContext {
  /** The folder of the connections file: `file:` paths are relative to it. */
  directory: string;
  environment: Readonly<Record<string, string | undefined>>;
  store: SecretStore;
}

/**
 * The credential a reference points to, as a Secret; undefined when it is not available (an unset
 * variable), which `check` reports as "skipped: set HUBSPOT_API_KEY". A file that cannot be read
 * is an error naming the path (a path is not a secret) but never its content.
 */
export function resolveSecretReference(reference: SecretReference, field: string, context: ResolveContext): Secret | undefined {
  if (reference.kind === 'env') {
    const value = context.environment[reference.name];
    return value === undefined || value.trim() === '' ? undefined : new Secret(value);
  }
  if (reference.kind === 'store') return context.store.get(reference.id);
  const path = isAbsolute(reference.path) ? reference.path : resolve(context.directory, reference.path);
  try {
    return new Secret(readFileSync(path, 'utf8').trim());
  } catch (error) {
    throw new ConfigError({
      message: `${field}: cannot read ${path} (${(error as { code?: string }).code ?? 'unreadable'})`,
      operation: 'connections',
      hint: 'Fix the file: reference, or store the credential with `automl-connectors connections add`.',
    });
  }
}
