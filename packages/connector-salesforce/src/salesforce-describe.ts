import { NotFoundError } from '@automl/connector-core';
import type { SalesforceRemote } from './salesforce-remote.js';

/** The slice of describe's Field the connector reads. */
export interface SalesforceFieldInfo {
  name: string;
  type: string;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  externalId: boolean;
  unique: boolean;
  idLookup: boolean;
  compoundFieldName?: string | null;
}

export interface SalesforceObjectInfo {
  name: string;
  fields: SalesforceFieldInfo[];
  /** Fields by lower-case name: the API resolves names case-insensitively. */
  byName: Map<string, SalesforceFieldInfo>;
}

interface GlobalEntry {
  name: string;
  queryable: boolean;
}

/**
 * describeGlobal and describe, fetched once per connection and object (the schema of an org changes
 * rarely; `forget` drops an object after its fields were changed, e.g. a custom field created).
 */
export class SalesforceDescribeCache {
  #global: Promise<GlobalEntry[]> | undefined;
  readonly #objects = new Map<string, Promise<SalesforceObjectInfo>>();

  globalObjects(remote: SalesforceRemote): Promise<GlobalEntry[]> {
    this.#global ??= remote.send<{ sobjects: GlobalEntry[] }>('listTables', { method: 'GET', path: '/sobjects' }).then((response) => response.body.sobjects);
    this.#global.catch(() => {
      this.#global = undefined;
    });
    return this.#global;
  }

  /** The object's describe; an unknown name is a NotFoundError naming it. */
  describe(remote: SalesforceRemote, objectName: string): Promise<SalesforceObjectInfo> {
    const key = objectName.toLowerCase();
    let pending = this.#objects.get(key);
    if (!pending) {
      pending = (async () => {
        const entries = await this.globalObjects(remote);
        const entry = entries.find((candidate) => candidate.name.toLowerCase() === key);
        if (!entry) {
          throw new NotFoundError({
            message: `Salesforce has no object named ${objectName}`,
            connector: 'salesforce',
            operation: 'describe',
            hint: 'Check the object API name (custom objects end in __c) with listTables().',
          });
        }
        const response = await remote.send<{ name: string; fields: SalesforceFieldInfo[] }>('describe', {
          method: 'GET',
          path: `/sobjects/${encodeURIComponent(entry.name)}/describe`,
        });
        const fields = response.body.fields;
        return { name: response.body.name, fields, byName: new Map(fields.map((field) => [field.name.toLowerCase(), field])) };
      })();
      pending.catch(() => this.#objects.delete(key));
      this.#objects.set(key, pending);
    }
    return pending;
  }

  forget(objectName: string): void {
    this.#objects.delete(objectName.toLowerCase());
  }

  clear(): void {
    this.#global = undefined;
    this.#objects.clear();
  }
}
