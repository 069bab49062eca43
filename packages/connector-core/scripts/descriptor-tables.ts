// The README tables that come from the system descriptors (config keys, environment variables,
// default rates), generated so the docs cannot drift from the code. `pnpm --filter
// @automl/connector-core docs` rewrites the marked blocks; test/readme-tables.test.ts fails when a
// README is out of date.
import { z } from 'zod';
import { commonConfigFields, systems } from '@automl/connector-core';

const isSecret = (field: z.ZodType) => (z.globalRegistry.get(field) as { secret?: boolean } | undefined)?.secret === true || isSecretDeep(field);
function isSecretDeep(field: z.ZodType): boolean {
  const inner = (field as unknown as { unwrap?: () => z.ZodType }).unwrap?.();
  return inner ? isSecret(inner) : false;
}

function rateText(requestsPerMinute: number, windowSeconds: number): string {
  if (requestsPerMinute === 0) return 'off';
  const perWindow = (requestsPerMinute * windowSeconds) / 60;
  return windowSeconds === 60 ? `${requestsPerMinute}/min` : `${perWindow} per ${windowSeconds} s (${requestsPerMinute}/min)`;
}

/** Per system: its keys (secrets marked), its environment variables, its default rate. */
export function systemsTable(): string {
  const lines = ['| system | `connectionType` | keys (🔒 secret) | environment variables | default rate |', '|---|---|---|---|---|'];
  for (const system of systems) {
    const fields = Object.entries(system.fields as Record<string, z.ZodType>)
      .map(([key, field]) => `\`${key}\`${isSecret(field) ? ' 🔒' : ''}`)
      .join(', ');
    const variables = system.environment.map((fallback) => `\`${fallback.variable}\` → \`${fallback.key}\``).join(', ') || '—';
    lines.push(
      `| ${system.displayName} | \`${system.id}\` | ${fields} | ${variables} | ${rateText(system.rate.requestsPerMinute, system.rate.windowSeconds)} |`,
    );
  }
  return lines.join('\n');
}

/** The environment variables of the specification, per system (the root README's short table). */
export function environmentTable(): string {
  const lines = ['| system | environment variables |', '|---|---|'];
  for (const system of systems) {
    if (system.environment.length === 0) continue;
    lines.push(`| ${system.displayName} | ${system.environment.map((fallback) => `\`${fallback.variable}\``).join(', ')} |`);
  }
  return lines.join('\n');
}

/** The keys every connection accepts. */
export function commonKeysList(): string {
  return Object.keys(commonConfigFields)
    .map((key) => `\`${key}\``)
    .join(', ');
}

export const generatedBlocks = {
  'systems-table': systemsTable,
  'environment-table': environmentTable,
  'common-keys': commonKeysList,
} as const;

/** Replaces each `<!-- generated:NAME -->...<!-- /generated:NAME -->` block of a README. */
export function renderReadme(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(generatedBlocks)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`, 'g');
    out = out.replace(pattern, (_match, open: string, close: string) => `${open}\n${render()}\n${close}`);
  }
  return out;
}
