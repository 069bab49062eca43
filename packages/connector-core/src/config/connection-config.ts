import { z } from 'zod';
import { Secret } from '../secrets/secret.js';

/** A credential: a string (or an existing Secret) in, a redacting Secret out. */
const secret = z
  .union([z.string().min(1, 'must not be empty'), z.custom<Secret>((value) => Secret.isInstance(value), 'expected a string')])
  .transform((value) => Secret.from(value));

/** A service-account key as an object or a JSON string (from a secret manager), kept as a Secret. */
const credentialsJson = z
  .union([
    z.string().min(2, 'must be the JSON key'),
    z.record(z.string(), z.unknown()),
    z.custom<Secret>((value) => Secret.isInstance(value), 'expected a JSON string or object'),
  ])
  .transform((value) => (Secret.isInstance(value) ? value : new Secret(typeof value === 'string' ? value : JSON.stringify(value))));

const positive = z.number().positive();

/** The keys every connection accepts: the shared resilience policy and limits. */
const common = {
  requestsPerMinute: z.number().min(0, 'must be >= 0 (0 disables the limiter)').optional(),
  rateLimitWindowSeconds: positive.optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  retryBackoffSeconds: z.number().min(0).optional(),
  retryBackoffFactor: z.number().min(1, 'must be >= 1').optional(),
  maxBackoffSeconds: positive.optional(),
  requestTimeoutSeconds: positive.optional(),
  connectTimeoutSeconds: positive.optional(),
  maxRows: z.number().int().positive().optional(),
  /** Endpoint override: a proxy, a private endpoint, or the local sandbox. */
  baseUrl: z.url().optional(),
};

const google = {
  projectId: z.string().min(1).optional(),
  credentialsPath: z.string().min(1).optional(),
  credentialsJson: credentialsJson.optional(),
};

const crmType = <T extends string>(value: T) => z.literal(value).optional();

export const excelConfigSchema = z.strictObject({
  connectionType: z.literal('excel'),
  filePath: z.string().min(1).optional(),
  sheetName: z.string().min(1).optional(),
  ...common,
});

export const googleSheetsConfigSchema = z.strictObject({
  connectionType: z.literal('googlesheets'),
  spreadsheetId: z.string().min(1).optional(),
  sheetName: z.string().min(1).optional(),
  ...google,
  ...common,
});

export const bigQueryConfigSchema = z.strictObject({
  connectionType: z.literal('bigquery'),
  datasetId: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  /** Refuse a query that would bill more than this many bytes. */
  maximumBytesBilled: z.number().int().positive().optional(),
  ...google,
  ...common,
});

export const databricksConfigSchema = z.strictObject({
  connectionType: z.literal('databricks'),
  host: z.string().min(1).optional(),
  httpPath: z.string().min(1).optional(),
  token: secret.optional(),
  catalog: z.string().min(1).optional(),
  schema: z.string().min(1).optional(),
  ...common,
});

export const mongoDbConfigSchema = z.strictObject({
  connectionType: z.literal('mongodb'),
  connectionUri: secret.optional(),
  database: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  username: z.string().min(1).optional(),
  password: secret.optional(),
  ...common,
});

export const hubSpotConfigSchema = z.strictObject({
  connectionType: z.literal('hubspot'),
  crmType: crmType('hubspot'),
  apiKey: secret.optional(),
  ...common,
});

export const salesforceConfigSchema = z.strictObject({
  connectionType: z.literal('salesforce'),
  crmType: crmType('salesforce'),
  apiKey: secret.optional(),
  instanceUrl: z.url().optional(),
  apiVersion: z.string().regex(/^\d+\.\d$/, 'like "62.0"').optional(),
  ...common,
});

export const pipedriveConfigSchema = z.strictObject({
  connectionType: z.literal('pipedrive'),
  crmType: crmType('pipedrive'),
  apiKey: secret.optional(),
  ...common,
});

export const connectionConfigSchema = z.discriminatedUnion('connectionType', [
  excelConfigSchema,
  googleSheetsConfigSchema,
  bigQueryConfigSchema,
  databricksConfigSchema,
  mongoDbConfigSchema,
  hubSpotConfigSchema,
  salesforceConfigSchema,
  pipedriveConfigSchema,
]);

export type ConnectionConfig = z.output<typeof connectionConfigSchema>;
/** What a caller may pass: camelCase keys, strings or Secrets for credentials. */
export type ConnectionConfigInput = z.input<typeof connectionConfigSchema>;
export type ConnectionType = ConnectionConfig['connectionType'];
export type ConfigOf<T extends ConnectionType> = Extract<ConnectionConfig, { connectionType: T }>;
export type ConfigInputOf<T extends ConnectionType> = Extract<ConnectionConfigInput, { connectionType: T }>;

export const connectionTypes = connectionConfigSchema.options.map((option) => option.shape.connectionType.value) as ConnectionType[];
