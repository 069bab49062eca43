import { z } from 'zod';
import { Secret } from '../secrets/secret.js';

/**
 * Field builders shared by the system descriptors. A secret field is marked in its zod metadata
 * (`secret: true`), so the JSON Schema the dashboard builds its forms from says which inputs to mask,
 * and the config parser knows which values to wrap as `Secret`.
 */
export const secretField = () =>
  z
    .union([z.string().min(1, 'must not be empty'), z.custom<Secret>((value) => Secret.isInstance(value), 'expected a string')])
    .transform((value) => Secret.from(value))
    .meta({ secret: true });

/** A service-account key as an object or a JSON string (from a secret manager), kept as a Secret. */
export const credentialsJsonField = () =>
  z
    .union([
      z.string().min(2, 'must be the JSON key'),
      z.record(z.string(), z.unknown()),
      z.custom<Secret>((value) => Secret.isInstance(value), 'expected a JSON string or object'),
    ])
    .transform((value) => (Secret.isInstance(value) ? value : new Secret(typeof value === 'string' ? value : JSON.stringify(value))))
    .meta({ secret: true, format: 'service-account-json' });

const positive = z.number().positive();

/** The keys every connection accepts: the shared resilience policy and limits. */
export const commonConfigFields = {
  requestsPerMinute: z.number().min(0, 'must be >= 0 (0 disables the limiter)').optional(),
  rateLimitWindowSeconds: positive.optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  retryBackoffSeconds: z.number().min(0).optional(),
  retryBackoffFactor: z.number().min(1, 'must be >= 1').optional(),
  maxBackoffSeconds: positive.optional(),
  /** The longest wait a server may ask for (Retry-After); past it the call fails with a RateLimitError. */
  maxRetryAfterSeconds: positive.optional(),
  requestTimeoutSeconds: positive.optional(),
  connectTimeoutSeconds: positive.optional(),
  maxRows: z.number().int().positive().optional(),
  /** Endpoint override: a proxy, a private endpoint, or the local sandbox. */
  baseUrl: z.url().optional(),
};

/** The keys of the Google systems (Sheets, BigQuery): a service-account key by path or inline. */
export const googleConfigFields = {
  projectId: z.string().min(1).optional(),
  credentialsPath: z.string().min(1).optional(),
  credentialsJson: credentialsJsonField().optional(),
};

/** The `crmType` key of a CRM system: optional, and when given it must name the same system. */
export const crmTypeField = <T extends string>(value: T) => z.literal(value).optional();

/**
 * Where a Google system's key comes from when the config gives none: its own variable holding the
 * JSON itself, else GOOGLE_APPLICATION_CREDENTIALS holding a path (alternatives: the config setting
 * either key wins over both).
 */
export function googleCredentialsEnvironment(inlineVariable: string) {
  return [
    { key: 'credentialsJson', variable: inlineVariable, group: 'credentials' },
    { key: 'credentialsPath', variable: 'GOOGLE_APPLICATION_CREDENTIALS', group: 'credentials' },
  ];
}
