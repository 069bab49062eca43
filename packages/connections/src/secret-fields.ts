import { type ConnectionType, configJsonSchema } from '@automl/connector-core';

const cache = new Map<string, string[]>();

/** The config keys of a system that hold credentials (marked secret in its descriptor's schema). */
export function secretFieldsOf(connectionType: ConnectionType): string[] {
  let fields = cache.get(connectionType);
  if (!fields) {
    const properties = (configJsonSchema(connectionType).properties ?? {}) as Record<string, { secret?: boolean }>;
    fields = Object.entries(properties)
      .filter(([, property]) => property.secret === true)
      .map(([key]) => key);
    cache.set(connectionType, fields);
  }
  return fields;
}
