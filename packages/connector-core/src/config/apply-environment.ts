import type { SystemDescriptor } from '../systems/system-descriptor.js';

/** Where credentials may come from besides the config: an environment, or nowhere (`false`). */
export type EnvironmentSource = Readonly<Record<string, string | undefined>> | false;

/**
 * Fills the keys a config leaves unset from the environment variables its system's descriptor
 * names (the specification's `HUBSPOT_API_KEY`, `GOOGLE_SHEETS_CREDENTIALS`...). Alternatives of one
 * group are skipped when the config sets any key of the group. With `false` nothing is read: a
 * server running connectors for several tenants never lends the operator's key to a config without one.
 * Returns the filled config and, per filled key, the variable it came from (for error messages).
 */
export function applyEnvironment(
  config: Record<string, unknown>,
  system: Pick<SystemDescriptor, 'environment'>,
  environment: EnvironmentSource = process.env,
): { config: Record<string, unknown>; sources: Record<string, string> } {
  const sources: Record<string, string> = {};
  if (environment === false) return { config, sources };
  const filled: Record<string, unknown> = { ...config };
  const groupsSet = new Set<string>();
  for (const fallback of system.environment) {
    if (fallback.group && filled[fallback.key] !== undefined) groupsSet.add(fallback.group);
  }
  for (const fallback of system.environment) {
    if (filled[fallback.key] !== undefined) continue;
    if (fallback.group && groupsSet.has(fallback.group)) continue;
    const value = environment[fallback.variable];
    if (value === undefined || value.trim() === '') continue;
    filled[fallback.key] = value;
    sources[fallback.key] = fallback.variable;
    if (fallback.group) groupsSet.add(fallback.group);
  }
  return { config: filled, sources };
}
