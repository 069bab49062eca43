import { ConnectorError, PermissionError, hints, type Row } from '@automl/connector-core';
import { toHubSpotProperties } from './convert-hubspot-record.js';
import { defaultPropertyGroup, scopeFamily } from './hubspot-object-types.js';
import type { HubSpotCalls } from './hubspot-calls.js';
import { inferPropertyDefinition } from './map-hubspot-property-type.js';

/** What the connector keeps of one HubSpot property. */
export interface PropertyInfo {
  type: string;
  groupName: string;
}

/** The properties of each object type (name -> type and group), discovered once per connection, and the creation of missing ones. */
export class HubSpotProperties {
  readonly #remote: HubSpotCalls;
  readonly #properties = new Map<string, Promise<Map<string, PropertyInfo>>>();

  constructor(remote: HubSpotCalls) {
    this.#remote = remote;
  }

  /** The object's properties (name -> type), read once per object type and connection. */
  load(objectType: string): Promise<Map<string, PropertyInfo>> {
    let pending = this.#properties.get(objectType);
    if (!pending) {
      pending = (async () => {
        const remote = this.#remote;
        const apis = await remote.connected();
        const answer = await remote.call('describe', () => apis.properties.getAll(objectType, false));
        return new Map(answer.results.map((property) => [property.name, { type: property.type, groupName: property.groupName }]));
      })();
      this.#properties.set(objectType, pending);
      // A failed read is forgotten so the next call tries again.
      pending.catch(() => this.#properties.delete(objectType));
    }
    return pending;
  }

  /** Creates, before writing, the properties the rows use that the object lacks (when the caller asked for it). */
  async ensure(objectType: string, rows: readonly Row[]): Promise<void> {
    const remote = this.#remote;
    const known = await this.load(objectType);
    const missing = new Map<string, Row[keyof Row][]>();
    for (const row of rows) {
      for (const name of Object.keys(toHubSpotProperties(row))) {
        if (known.has(name)) continue;
        const values = missing.get(name) ?? [];
        values.push(row[name]);
        missing.set(name, values);
      }
    }
    if (missing.size === 0) return;
    const apis = await remote.connected();
    const groupName = defaultPropertyGroup(objectType) ?? [...known.values()][0]?.groupName ?? `${objectType}_information`;
    for (const [name, values] of missing) {
      const definition = inferPropertyDefinition(
        name,
        values.filter((value) => value !== undefined),
        groupName,
      );
      try {
        // Idempotent: a retry after a lost answer meets 409 "already exists", taken as success below.
        await remote.call('createProperty', () => apis.properties.create(objectType, definition as never));
      } catch (error) {
        if (!(ConnectorError.isInstance(error) && error.status === 409)) {
          if (PermissionError.isInstance(error) && !error.hint?.includes('crm.schemas')) {
            throw new PermissionError({
              message: error.message,
              connector: 'hubspot',
              operation: 'createProperty',
              status: error.status,
              hint: hints.hubspotScopes([`crm.schemas.${scopeFamily(objectType)}.write`]),
            });
          }
          throw error;
        }
      }
      known.set(name, { type: definition.type, groupName });
      remote.logger.info({ connector: 'hubspot', objectType, property: name, type: definition.type }, 'created a missing HubSpot property');
    }
  }

  clear(): void {
    this.#properties.clear();
  }
}
