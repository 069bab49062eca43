import { z } from 'zod';
import { systems, type AnySystem } from '../systems/index.js';
import { commonConfigFields } from './config-fields.js';

/** The full config schema of one system: its connectionType, its own keys and the common policy keys. */
function configSchemaOf<S extends AnySystem>(system: S) {
  return z.strictObject({
    connectionType: z.literal(system.id as S['id']),
    ...(system.fields as S['fields']),
    ...commonConfigFields,
  });
}

type SchemaOf<S extends AnySystem> = ReturnType<typeof configSchemaOf<S>>;
type SchemaMap = { [S in AnySystem as S['id']]: SchemaOf<S> };

/** Each system's config schema by id: `configSchemas.hubspot.parse(...)`. */
export const configSchemas = Object.fromEntries(systems.map((system) => [system.id, configSchemaOf(system)])) as unknown as SchemaMap;

type SchemasOf<T extends readonly AnySystem[]> = { [K in keyof T]: T[K] extends AnySystem ? SchemaOf<T[K]> : never };
type SchemaTuple = SchemasOf<typeof systems>;

/** One zod-validated discriminated union on `connectionType`, derived from the system descriptors. */
export const connectionConfigSchema = z.discriminatedUnion('connectionType', systems.map((system) => configSchemas[system.id]) as unknown as SchemaTuple);

export type ConnectionConfig = z.output<typeof connectionConfigSchema>;
/** What a caller may pass: camelCase keys, strings or Secrets for credentials. */
export type ConnectionConfigInput = z.input<typeof connectionConfigSchema>;
export type ConnectionType = ConnectionConfig['connectionType'];
export type ConfigOf<T extends ConnectionType> = Extract<ConnectionConfig, { connectionType: T }>;
export type ConfigInputOf<T extends ConnectionType> = Extract<ConnectionConfigInput, { connectionType: T }>;

export const connectionTypes = systems.map((system) => system.id) as ConnectionType[];

// The schemas each connector used to import by name, kept for existing code.
export const excelConfigSchema = configSchemas.excel;
export const googleSheetsConfigSchema = configSchemas.googlesheets;
export const bigQueryConfigSchema = configSchemas.bigquery;
export const databricksConfigSchema = configSchemas.databricks;
export const mongoDbConfigSchema = configSchemas.mongodb;
export const hubSpotConfigSchema = configSchemas.hubspot;
export const salesforceConfigSchema = configSchemas.salesforce;
export const pipedriveConfigSchema = configSchemas.pipedrive;

/**
 * A system's config as JSON Schema (zod 4's `z.toJSONSchema`), for forms: secret fields carry
 * `"secret": true` (mask them, never echo them back), `writeOnly` too.
 */
export function configJsonSchema(connectionType: ConnectionType): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchemas[connectionType], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const property of Object.values(properties)) {
    if (property.secret === true) property.writeOnly = true;
  }
  return schema;
}
