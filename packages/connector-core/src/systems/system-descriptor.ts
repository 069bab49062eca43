import type { z } from 'zod';

/** An environment variable a config key falls back to, as the specification names it. */
export interface EnvironmentFallback {
  /** The config key it fills (`apiKey`, `credentialsJson`...). */
  key: string;
  variable: string;
  /**
   * Fallbacks of one group are alternatives: none is taken when the config already sets a key of
   * the group (a `credentialsPath` in the config wins over `GOOGLE_SHEETS_CREDENTIALS`).
   */
  group?: string;
}

/**
 * Everything core knows about one system, in one place: the config union, the factory, the CRM
 * facade, the docs tables, the CLI and the dashboard's forms are all derived from these.
 * Adding a system is one descriptor file (listed in systems/index.ts) and its package.
 */
export interface SystemDescriptor<Id extends string = string, Shape extends z.core.$ZodLooseShape = z.core.$ZodLooseShape, Crm extends boolean = boolean> {
  id: Id;
  displayName: string;
  /** The npm package that implements it; the factory imports it on demand. */
  packageName: string;
  /** Whether `CRMConnector` (crmType) accepts it. */
  crm: Crm;
  /** The system's own config keys (core adds `connectionType` and the common policy keys). */
  fields: Shape;
  /** The default client-side rate: requests per minute over the vendor's accounting window. */
  rate: { requestsPerMinute: number; windowSeconds: number; source: string };
  environment: EnvironmentFallback[];
  /** Non-secret keys that tell one account's quota from another's (with the secrets themselves, hashed). */
  quotaIdentity: string[];
  /** The troubleshooting hints of the specification for this system, by name. */
  hints: Record<string, string>;
  /** One line for docs and the dashboard. */
  summary: string;
}

/** Keeps the literal types of a descriptor (its id and its fields) for the config union. */
export function defineSystem<const Id extends string, Shape extends z.core.$ZodLooseShape, const Crm extends boolean>(
  descriptor: SystemDescriptor<Id, Shape, Crm>,
): SystemDescriptor<Id, Shape, Crm> {
  return descriptor;
}
