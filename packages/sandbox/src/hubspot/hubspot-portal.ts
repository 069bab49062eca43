import { buildProperty, defaultProperties, lastModifiedProperty, type HubSpotProperty } from './hubspot-default-properties.js';

/** One CRM record as the objects API returns it (`SimplePublicObject`). */
export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** A custom object schema as the schemas API returns it (`ObjectSchema`). */
export interface HubSpotObjectSchema {
  id: string;
  objectTypeId: string;
  name: string;
  fullyQualifiedName: string;
  labels: { singular?: string; plural?: string };
  requiredProperties: string[];
  searchableProperties: string[];
  secondaryDisplayProperties: string[];
  primaryDisplayProperty?: string;
  associations: unknown[];
  properties: HubSpotProperty[];
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What `defineCustomObject` takes: the `ObjectSchemaEgg` of the schemas API. */
export interface CustomObjectDefinition {
  name: string;
  labels?: { singular?: string; plural?: string };
  primaryDisplayProperty?: string;
  requiredProperties?: string[];
  searchableProperties?: string[];
  secondaryDisplayProperties?: string[];
  associatedObjects?: string[];
  properties?: Array<Partial<HubSpotProperty> & { name: string }>;
}

interface ObjectTypeState {
  /** `contacts`, or the fullyQualifiedName of a custom object. */
  name: string;
  objectTypeId: string;
  properties: Map<string, HubSpotProperty>;
  records: Map<string, HubSpotRecord>;
  /** Record ids in creation (= numeric) order, for `after` paging without sorting. */
  order: string[];
  /** Unique property -> normalised value -> record id. */
  unique: Map<string, Map<string, string>>;
}

export interface PortalState {
  portalId: number;
  nextId: number;
  nextSchemaId: number;
  schemas: HubSpotObjectSchema[];
  objects: Record<string, { properties: HubSpotProperty[]; records: HubSpotRecord[] }>;
}

const standardTypeIds: Record<string, string> = { contacts: '0-1', companies: '0-2', deals: '0-3' };

/**
 * The in-memory state of one emulated HubSpot portal: object types with their properties and
 * records, custom object schemas, and unique-value indexes (contact email, properties with
 * `hasUniqueValue`) used by upserts. Tests and the demo seed and inspect it directly.
 */
export class HubSpotPortal {
  portalId: number;
  #nextId = 1001;
  #nextSchemaId = 1;
  #types = new Map<string, ObjectTypeState>();
  #schemas: HubSpotObjectSchema[] = [];

  constructor(portalId = 24681357) {
    this.portalId = portalId;
    this.#reset();
  }

  #reset(): void {
    this.#types.clear();
    this.#schemas = [];
    this.#nextId = 1001;
    this.#nextSchemaId = 1;
    const now = new Date().toISOString();
    for (const name of ['contacts', 'companies', 'deals'] as const) this.#addType(name, standardTypeIds[name]!, defaultProperties(name, now));
  }

  #addType(name: string, objectTypeId: string, properties: HubSpotProperty[]): ObjectTypeState {
    const state: ObjectTypeState = { name, objectTypeId, properties: new Map(), records: new Map(), order: [], unique: new Map() };
    for (const property of properties) state.properties.set(property.name, property);
    this.#types.set(name, state);
    this.#refreshUniqueIndexes(state);
    return state;
  }

  /** The properties whose values are unique in the portal: email for contacts, plus `hasUniqueValue` ones. */
  uniqueProperties(objectType: string): string[] {
    const state = this.resolve(objectType);
    if (!state) return [];
    const names = [...state.properties.values()].filter((property) => property.hasUniqueValue).map((property) => property.name);
    if (state.name === 'contacts') names.push('email');
    return names;
  }

  #refreshUniqueIndexes(state: ObjectTypeState): void {
    const names = this.uniqueProperties(state.name);
    for (const name of names) {
      if (state.unique.has(name)) continue;
      const index = new Map<string, string>();
      for (const record of state.records.values()) {
        const value = record.properties[name];
        if (value) index.set(normalise(name, value), record.id);
      }
      state.unique.set(name, index);
    }
  }

  /** Finds an object type by name (`contacts`), objectTypeId (`0-1`, `2-...`) or fullyQualifiedName. */
  resolve(objectType: string): ObjectTypeState | undefined {
    const direct = this.#types.get(objectType);
    if (direct) return direct;
    for (const state of this.#types.values()) if (state.objectTypeId === objectType) return state;
    return undefined;
  }

  objectTypes(): string[] {
    return [...this.#types.keys()];
  }

  properties(objectType: string): HubSpotProperty[] {
    return [...this.#require(objectType).properties.values()];
  }

  property(objectType: string, name: string): HubSpotProperty | undefined {
    return this.#require(objectType).properties.get(name);
  }

  /** Adds a property to an object type (what POST /crm/v3/properties/{objectType} does). */
  defineProperty(objectType: string, definition: Partial<HubSpotProperty> & { name: string }): HubSpotProperty {
    const state = this.#require(objectType);
    const now = new Date().toISOString();
    const property: HubSpotProperty = {
      ...buildProperty(state.name, [definition.name, definition.label ?? definition.name, definition.type ?? 'string', definition.fieldType ?? 'text'], now),
      hubspotDefined: false,
      modificationMetadata: { readOnlyValue: false, readOnlyDefinition: false, archivable: true },
      ...definition,
    };
    state.properties.set(property.name, property);
    this.#refreshUniqueIndexes(state);
    return property;
  }

  schemas(): HubSpotObjectSchema[] {
    return this.#schemas.map((schema) => ({ ...schema, properties: this.properties(schema.fullyQualifiedName) }));
  }

  /** Creates a custom object type (what POST /crm-object-schemas/v3/schemas does). */
  defineCustomObject(definition: CustomObjectDefinition): HubSpotObjectSchema {
    const id = String(this.#nextSchemaId++);
    const now = new Date().toISOString();
    const fullyQualifiedName = `p${this.portalId}_${definition.name}`;
    const objectTypeId = `2-${1000 + Number(id)}`;
    const builtIn: HubSpotProperty[] = [
      buildProperty(
        fullyQualifiedName,
        ['hs_object_id', 'Record ID', 'number', 'number', { modificationMetadata: { readOnlyValue: true, readOnlyDefinition: true, archivable: false } }],
        now,
      ),
      buildProperty(fullyQualifiedName, ['hs_createdate', 'Create Date', 'datetime', 'date'], now),
      buildProperty(
        fullyQualifiedName,
        [
          'hs_lastmodifieddate',
          'Last Modified Date',
          'datetime',
          'date',
          { modificationMetadata: { readOnlyValue: true, readOnlyDefinition: true, archivable: false } },
        ],
        now,
      ),
    ];
    for (const property of builtIn) property.groupName = `${definition.name}_information`;
    this.#addType(fullyQualifiedName, objectTypeId, builtIn);
    for (const property of definition.properties ?? []) {
      this.defineProperty(fullyQualifiedName, { groupName: `${definition.name}_information`, ...property });
    }
    const schema: HubSpotObjectSchema = {
      id,
      objectTypeId,
      name: definition.name,
      fullyQualifiedName,
      labels: definition.labels ?? { singular: definition.name, plural: definition.name },
      requiredProperties: definition.requiredProperties ?? [],
      searchableProperties: definition.searchableProperties ?? [],
      secondaryDisplayProperties: definition.secondaryDisplayProperties ?? [],
      primaryDisplayProperty: definition.primaryDisplayProperty,
      associations: [],
      properties: [],
      archived: false,
      createdAt: now,
      updatedAt: now,
    };
    this.#schemas.push(schema);
    return { ...schema, properties: this.properties(fullyQualifiedName) };
  }

  /** Creates records directly (no validation, no quota): test and demo fixtures. */
  seedObjects(objectType: string, propertiesList: Array<Record<string, string | number | boolean | null>>): HubSpotRecord[] {
    return propertiesList.map((properties) => this.createRecord(objectType, stringify(properties)));
  }

  listObjects(objectType: string): HubSpotRecord[] {
    const state = this.#require(objectType);
    return state.order.map((id) => state.records.get(id)!);
  }

  countObjects(objectType: string): number {
    return this.#require(objectType).records.size;
  }

  getObject(objectType: string, id: string): HubSpotRecord | undefined {
    return this.#require(objectType).records.get(id);
  }

  /** The record whose unique property `name` has `value` (email is matched case-insensitively). */
  findByUnique(objectType: string, name: string, value: string): HubSpotRecord | undefined {
    const state = this.#require(objectType);
    if (name === 'hs_object_id') return state.records.get(value);
    const id = state.unique.get(name)?.get(normalise(name, value));
    return id === undefined ? undefined : state.records.get(id);
  }

  /** Record ids from `after` on (ids are assigned in increasing order, as HubSpot's list pages them). */
  page(objectType: string, after: string | undefined, limit: number): { records: HubSpotRecord[]; next?: string } {
    const state = this.#require(objectType);
    let start = 0;
    if (after !== undefined) {
      const target = Number(after);
      let low = 0;
      let high = state.order.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (Number(state.order[middle]) < target) low = middle + 1;
        else high = middle;
      }
      start = low;
    }
    const ids = state.order.slice(start, start + limit);
    const next = state.order[start + limit];
    return { records: ids.map((id) => state.records.get(id)!), ...(next !== undefined ? { next } : {}) };
  }

  createRecord(objectType: string, properties: Record<string, string | null>): HubSpotRecord {
    const state = this.#require(objectType);
    const id = String(this.#nextId++);
    const now = new Date().toISOString();
    const createdKey = state.properties.has('hs_createdate') ? 'hs_createdate' : 'createdate';
    const record: HubSpotRecord = {
      id,
      properties: {
        ...this.#writable(state, properties),
        [createdKey]: properties[createdKey] || now,
        [lastModifiedProperty(state.name)]: now,
        hs_object_id: id,
      },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    state.records.set(id, record);
    state.order.push(id);
    this.#index(state, record);
    return record;
  }

  updateRecord(objectType: string, id: string, properties: Record<string, string | null>): HubSpotRecord | undefined {
    const state = this.#require(objectType);
    const record = state.records.get(id);
    if (!record) return undefined;
    this.#unindex(state, record);
    const now = new Date(Math.max(Date.now(), Date.parse(record.updatedAt) + 1)).toISOString();
    Object.assign(record.properties, this.#writable(state, properties), { [lastModifiedProperty(state.name)]: now });
    record.updatedAt = now;
    this.#index(state, record);
    return record;
  }

  /** Drops the values of read-only properties, which HubSpot ignores on write. */
  #writable(state: ObjectTypeState, properties: Record<string, string | null>): Record<string, string | null> {
    const result: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(properties)) {
      if (state.properties.get(name)?.modificationMetadata?.readOnlyValue) continue;
      result[name] = value;
    }
    return result;
  }

  #index(state: ObjectTypeState, record: HubSpotRecord): void {
    for (const [name, index] of state.unique) {
      const value = record.properties[name];
      if (value) index.set(normalise(name, value), record.id);
    }
  }

  #unindex(state: ObjectTypeState, record: HubSpotRecord): void {
    for (const [name, index] of state.unique) {
      const value = record.properties[name];
      if (value && index.get(normalise(name, value)) === record.id) index.delete(normalise(name, value));
    }
  }

  #require(objectType: string): ObjectTypeState {
    const state = this.resolve(objectType);
    if (!state) throw new Error(`Unknown HubSpot object type: ${objectType}`);
    return state;
  }

  /** Everything, as JSON, for `EmulatorServer` persistence. */
  export(): PortalState {
    const objects: PortalState['objects'] = {};
    for (const [name, state] of this.#types) objects[name] = { properties: [...state.properties.values()], records: this.listObjects(name) };
    return { portalId: this.portalId, nextId: this.#nextId, nextSchemaId: this.#nextSchemaId, schemas: this.#schemas, objects };
  }

  import(data: unknown): void {
    const state = data as PortalState;
    this.#types.clear();
    this.portalId = state.portalId;
    this.#nextId = state.nextId;
    this.#nextSchemaId = state.nextSchemaId;
    this.#schemas = state.schemas;
    for (const [name, objects] of Object.entries(state.objects)) {
      const objectTypeId = standardTypeIds[name] ?? state.schemas.find((schema) => schema.fullyQualifiedName === name)?.objectTypeId ?? name;
      const type = this.#addType(name, objectTypeId, objects.properties);
      for (const record of objects.records) {
        type.records.set(record.id, record);
        type.order.push(record.id);
        this.#index(type, record);
      }
    }
  }

  /** Back to a fresh portal: standard objects and properties, no records, no custom objects. */
  clear(): void {
    this.#reset();
  }
}

function normalise(property: string, value: string): string {
  return property === 'email' ? value.trim().toLowerCase() : value;
}

function stringify(properties: Record<string, string | number | boolean | null>): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(properties)) result[name] = value === null ? null : String(value);
  return result;
}
