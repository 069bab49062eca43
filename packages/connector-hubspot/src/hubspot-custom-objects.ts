import { PermissionError } from '@automl/connector-core';
import { resolveObjectType, standardObjectTypes, type CustomObjectType } from './hubspot-object-types.js';
import type { HubSpotCalls } from './hubspot-calls.js';

/** The portal's custom object types, read once per connection, and the resolution of table names to object types. */
export class HubSpotCustomObjects {
  readonly #remote: HubSpotCalls;
  #customObjects: Promise<CustomObjectType[]> | undefined;

  constructor(remote: HubSpotCalls) {
    this.#remote = remote;
  }

  /**
   * The custom objects, read once. A token without `crm.schemas.custom.read` (the spec's scope list
   * has none) still lists the standard objects: a warning, not a failure.
   */
  list(): Promise<CustomObjectType[]> {
    this.#customObjects ??= (async () => {
      const remote = this.#remote;
      const apis = await remote.connected();
      try {
        const answer = await remote.call('listTables', () => apis.schemas.getAll());
        return answer.results.map((schema) => ({
          name: schema.name,
          objectTypeId: schema.objectTypeId ?? schema.id,
          fullyQualifiedName: schema.fullyQualifiedName ?? schema.name,
        }));
      } catch (error) {
        if (!PermissionError.isInstance(error)) throw error;
        remote.logger.warn({ connector: 'hubspot', operation: 'listTables' }, `Custom objects not listed: ${error.message}. ${error.hint ?? ''}`);
        return [];
      }
    })();
    // A failed read is forgotten so the next call tries again.
    this.#customObjects.catch(() => {
      this.#customObjects = undefined;
    });
    return this.#customObjects;
  }

  /** The object type a table name stands for; the custom objects are read only for a non-standard name. */
  async objectType(table: string): Promise<string> {
    const standard = resolveObjectType(table, []);
    if (standard !== table || (standardObjectTypes as readonly string[]).includes(table)) return standard;
    return resolveObjectType(table, await this.list());
  }

  clear(): void {
    this.#customObjects = undefined;
  }
}
