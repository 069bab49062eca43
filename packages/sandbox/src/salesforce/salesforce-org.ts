import { normaliseId, recordId } from './salesforce-ids.js';
import {
  createDefaults,
  defaultObjects,
  field as makeField,
  type FieldSpec,
  type SalesforceField,
  type SalesforceObjectDefinition,
} from './salesforce-schema.js';
import { coerceValue, salesforceDateTime, type SalesforceRecordError, type StoredValue } from './salesforce-values.js';

/** One record: canonical field names to stored values (Id, audit fields and every set field). */
export type SalesforceRecord = Record<string, StoredValue>;

export type WriteOutcome = { id: string; created: boolean } | { errors: SalesforceRecordError[] };

interface ObjectStore {
  definition: SalesforceObjectDefinition;
  fieldsByLowerName: Map<string, SalesforceField>;
  records: Map<string, SalesforceRecord>;
  /** Live record ids by lower-cased value, per field, built on first lookup and kept up to date by #put. */
  indexes: Map<string, Map<string, Set<string>>>;
}

export interface OrgState {
  objects: SalesforceObjectDefinition[];
  records: Record<string, SalesforceRecord[]>;
  counter: number;
}

/** Thrown for a problem with the whole request (unknown field, bad upsert key), answered as a 400. */
export class OrgRequestError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const recordError = (statusCode: string, message: string, fields: string[] = []): { errors: SalesforceRecordError[] } => ({
  errors: [{ statusCode, message, fields }],
});

const keyOf = (value: StoredValue | undefined) => (typeof value === 'string' ? value.toLowerCase() : String(value));

/**
 * The data of one emulated org: object definitions and records, with the write rules of the REST
 * API (field-level create/update rights, required fields, lengths, types, unique and external id
 * fields, upsert matching) applied the same way for REST, sObject Collections and Bulk API 2.0.
 */
export class SalesforceOrg {
  readonly organizationId = '00DWg000000AuToML';
  readonly userId = '005Wg000000AuToML';
  #stores = new Map<string, ObjectStore>();
  #counter = 0;

  constructor(objects: SalesforceObjectDefinition[] = defaultObjects()) {
    for (const definition of objects) this.defineObject(definition);
  }

  /** Every object, in definition order. */
  objects(): SalesforceObjectDefinition[] {
    return [...this.#stores.values()].map((store) => store.definition);
  }

  /** An object by its API name, case-insensitively, as the API resolves names. */
  object(name: string): SalesforceObjectDefinition | undefined {
    return this.#stores.get(name.toLowerCase())?.definition;
  }

  field(objectName: string, fieldName: string): SalesforceField | undefined {
    return this.#stores.get(objectName.toLowerCase())?.fieldsByLowerName.get(fieldName.toLowerCase());
  }

  defineObject(definition: SalesforceObjectDefinition): void {
    const existing = this.#stores.get(definition.name.toLowerCase());
    this.#stores.set(definition.name.toLowerCase(), {
      definition: { ...definition, fields: [...definition.fields] },
      fieldsByLowerName: new Map(definition.fields.map((field) => [field.name.toLowerCase(), field])),
      records: existing?.records ?? new Map(),
      indexes: new Map(),
    });
  }

  /** Adds a field (e.g. churn_risk__c) to an object, as an admin creating a custom field would. */
  defineField(objectName: string, spec: FieldSpec): SalesforceField {
    const store = this.#store(objectName);
    const created = makeField(spec);
    store.definition.fields.push(created);
    store.fieldsByLowerName.set(created.name.toLowerCase(), created);
    return created;
  }

  /** Records of an object, deleted ones only when asked (queryAll). */
  records(objectName: string, options: { includeDeleted?: boolean } = {}): SalesforceRecord[] {
    const all = [...this.#store(objectName).records.values()];
    return options.includeDeleted ? all : all.filter((record) => record.IsDeleted !== true);
  }

  count(objectName: string): number {
    return this.records(objectName).length;
  }

  get(objectName: string, id: string): SalesforceRecord | undefined {
    const normalised = normaliseId(id);
    const record = normalised ? this.#store(objectName).records.get(normalised) : undefined;
    return record && record.IsDeleted !== true ? record : undefined;
  }

  /** The live records whose `fieldName` equals `value` (text compared case-insensitively). */
  findBy(objectName: string, fieldName: string, value: StoredValue): SalesforceRecord[] {
    const field = this.field(objectName, fieldName);
    if (!field || value === null) return [];
    const store = this.#store(objectName);
    const ids = this.#index(store, field.name).get(keyOf(value)) ?? new Set();
    return [...ids].map((id) => store.records.get(id)!);
  }

  /** Inserts rows directly (fixtures), with the same validation as an API create; throws on the first invalid row. */
  seed(objectName: string, rows: Array<Record<string, unknown>>): SalesforceRecord[] {
    return rows.map((row, index) => {
      const outcome = this.create(objectName, row);
      if ('errors' in outcome)
        throw new Error(`seed ${objectName}[${index}]: ${outcome.errors.map((error) => `${error.statusCode}: ${error.message}`).join('; ')}`);
      return this.get(objectName, outcome.id)!;
    });
  }

  /** Throws OrgRequestError when a record names a field the object does not have. */
  checkFieldNames(objectName: string, values: Record<string, unknown>): void {
    const definition = this.#store(objectName).definition;
    for (const name of Object.keys(values)) {
      if (name === 'attributes') continue;
      if (!this.field(objectName, name)) {
        throw new OrgRequestError('INVALID_FIELD', `No such column '${name}' on sobject of type ${definition.name}`);
      }
    }
  }

  create(objectName: string, values: Record<string, unknown>): WriteOutcome {
    const store = this.#store(objectName);
    if (values.Id !== undefined && values.Id !== null && values.Id !== '') {
      return recordError('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
    }
    const { Id: _ignored, ...rest } = values;
    const prepared = this.#prepare(store, rest, 'create');
    if ('errors' in prepared) return prepared;
    const defaults = createDefaults[store.definition.name] ?? {};
    const record: SalesforceRecord = {};
    for (const field of store.definition.fields) if (field.type !== 'address') record[field.name] = null;
    Object.assign(record, defaults, prepared.values);
    const missing = store.definition.fields.filter(
      (field) => !field.nillable && field.createable && !field.defaultedOnCreate && (record[field.name] ?? null) === null,
    );
    if (missing.length > 0) {
      const names = missing.map((field) => field.name);
      return recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names);
    }
    const duplicate = this.#duplicateUnique(store, record, undefined);
    if (duplicate) return duplicate;
    this.#counter += 1;
    const id = recordId(store.definition.keyPrefix, this.#counter);
    const stamp = this.#stamp();
    Object.assign(record, { Id: id, IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp });
    this.#computeName(store, record);
    this.#put(store, record);
    return { id, created: true };
  }

  update(objectName: string, id: unknown, values: Record<string, unknown>): WriteOutcome {
    const store = this.#store(objectName);
    const normalised = typeof id === 'string' ? normaliseId(id) : undefined;
    if (!normalised) return recordError('MALFORMED_ID', `${store.definition.label} ID: id value of incorrect type: ${String(id)}`, ['Id']);
    const current = store.records.get(normalised);
    if (!current) {
      return normalised.startsWith(store.definition.keyPrefix)
        ? recordError('ENTITY_IS_DELETED', 'entity is deleted')
        : recordError('MALFORMED_ID', `${store.definition.label} ID: id value of incorrect type: ${String(id)}`, ['Id']);
    }
    if (current.IsDeleted === true) return recordError('ENTITY_IS_DELETED', 'entity is deleted');
    const { Id: _ignored, ...rest } = values;
    const prepared = this.#prepare(store, rest, 'update');
    if ('errors' in prepared) return prepared;
    const record = { ...current, ...prepared.values };
    const cleared = store.definition.fields.filter(
      (field) => !field.nillable && field.updateable && field.name in prepared.values && record[field.name] === null,
    );
    if (cleared.length > 0) {
      const names = cleared.map((field) => field.name);
      return recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names);
    }
    const duplicate = this.#duplicateUnique(store, record, normalised);
    if (duplicate) return duplicate;
    const stamp = this.#stamp();
    Object.assign(record, { LastModifiedDate: stamp, SystemModstamp: stamp });
    this.#computeName(store, record);
    this.#put(store, record);
    return { id: normalised, created: false };
  }

  /**
   * Creates or updates by a key field (an External ID, an idLookup field or Id). Which keys a
   * resource accepts is checked by the routes with `upsertKeyField`.
   */
  upsert(objectName: string, keyFieldName: string, values: Record<string, unknown>): WriteOutcome {
    const keyField = this.upsertKeyField(objectName, keyFieldName, false);
    if (keyField.name === 'Id') {
      const id = values.Id;
      if (id === undefined || id === null || id === '') return this.create(objectName, values);
      return this.update(objectName, id, values);
    }
    const entry = Object.entries(values).find(([name]) => name.toLowerCase() === keyField.name.toLowerCase());
    const keyValue = entry?.[1];
    if (keyValue === undefined || keyValue === null || keyValue === '') {
      return recordError('MISSING_ARGUMENT', `${keyField.name} not specified`, [keyField.name]);
    }
    const coerced = coerceValue(keyField, keyValue);
    if ('error' in coerced) return { errors: [coerced.error] };
    const matches = this.findBy(objectName, keyField.name, coerced.value);
    if (matches.length > 1) {
      return recordError(
        'DUPLICATE_EXTERNAL_ID',
        `${keyField.label}: more than one record found for external id field: ${matches.map((record) => record.Id).join(', ')}`,
        [keyField.name],
      );
    }
    const { Id: _ignored, ...rest } = values;
    if (matches.length === 0) return this.create(objectName, rest);
    // The key itself is not rewritten on a match (its case may differ from the stored value).
    const { [entry![0]]: _key, ...changes } = rest;
    const updated = this.update(objectName, matches[0]!.Id, changes);
    return updated;
  }

  /** The field an upsert keys on, or the whole-request error Salesforce gives for a bad one. */
  upsertKeyField(objectName: string, keyFieldName: string, requireExternalId: boolean): SalesforceField {
    const store = this.#store(objectName);
    const keyField = this.field(objectName, keyFieldName);
    if (!keyField) throw new OrgRequestError('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${keyFieldName}`, 404);
    const allowed = keyField.name === 'Id' || keyField.externalId || (!requireExternalId && keyField.idLookup);
    if (!allowed) {
      throw new OrgRequestError('INVALID_FIELD', `Field name provided, ${keyField.name} is not an External ID or indexed field for ${store.definition.name}`);
    }
    return keyField;
  }

  delete(objectName: string, id: string): WriteOutcome {
    const store = this.#store(objectName);
    const normalised = normaliseId(id);
    const current = normalised ? store.records.get(normalised) : undefined;
    if (!current) return recordError('MALFORMED_ID', `malformed id ${id}`);
    if (current.IsDeleted === true) return recordError('ENTITY_IS_DELETED', 'entity is deleted');
    const stamp = this.#stamp();
    this.#put(store, { ...current, IsDeleted: true, LastModifiedDate: stamp, SystemModstamp: stamp });
    return { id: normalised!, created: false };
  }

  /** Runs writes that must all succeed or all be undone (allOrNone). */
  transaction<T>(objectName: string, work: () => T, shouldRollback: (result: T) => boolean): T {
    const store = this.#store(objectName);
    const snapshot = new Map(store.records);
    const counter = this.#counter;
    const result = work();
    if (shouldRollback(result)) {
      store.records = snapshot;
      store.indexes.clear();
      this.#counter = counter;
    }
    return result;
  }

  /** Forgets every record and custom definition: the org as constructed with the default objects. */
  reset(objects: SalesforceObjectDefinition[] = defaultObjects()): void {
    this.#stores.clear();
    this.#counter = 0;
    for (const definition of objects) this.defineObject(definition);
  }

  export(): OrgState {
    const records: Record<string, SalesforceRecord[]> = {};
    for (const store of this.#stores.values()) records[store.definition.name] = [...store.records.values()];
    return { objects: this.objects(), records, counter: this.#counter };
  }

  import(state: unknown): void {
    const data = state as OrgState;
    this.reset(data.objects);
    for (const [name, list] of Object.entries(data.records)) {
      const store = this.#store(name);
      for (const record of list) store.records.set(String(record.Id), record);
    }
    this.#counter = data.counter;
  }

  /** Stores a record (new or changed), keeping the built indexes in step; deleted records leave them. */
  #put(store: ObjectStore, record: SalesforceRecord): void {
    const id = String(record.Id);
    const previous = store.records.get(id);
    store.records.set(id, record);
    for (const [fieldName, index] of store.indexes) {
      if (previous && previous.IsDeleted !== true && previous[fieldName] !== null && previous[fieldName] !== undefined)
        index.get(keyOf(previous[fieldName]))?.delete(id);
      if (record.IsDeleted !== true && record[fieldName] !== null && record[fieldName] !== undefined) {
        const key = keyOf(record[fieldName]);
        const ids = index.get(key) ?? new Set<string>();
        ids.add(id);
        index.set(key, ids);
      }
    }
  }

  #index(store: ObjectStore, fieldName: string): Map<string, Set<string>> {
    let index = store.indexes.get(fieldName);
    if (!index) {
      index = new Map();
      for (const record of store.records.values()) {
        if (record.IsDeleted === true || record[fieldName] === null || record[fieldName] === undefined) continue;
        const key = keyOf(record[fieldName]);
        const ids = index.get(key) ?? new Set<string>();
        ids.add(String(record.Id));
        index.set(key, ids);
      }
      store.indexes.set(fieldName, index);
    }
    return index;
  }

  #store(objectName: string): ObjectStore {
    const store = this.#stores.get(objectName.toLowerCase());
    if (!store) throw new OrgRequestError('NOT_FOUND', `The requested resource does not exist`, 404);
    return store;
  }

  /** Field rights and value types of a create or update; canonical names to stored values. */
  #prepare(store: ObjectStore, values: Record<string, unknown>, mode: 'create' | 'update'): { values: SalesforceRecord } | { errors: SalesforceRecordError[] } {
    const prepared: SalesforceRecord = {};
    const readOnly: string[] = [];
    const errors: SalesforceRecordError[] = [];
    for (const [name, value] of Object.entries(values)) {
      if (name === 'attributes') continue;
      const field = store.fieldsByLowerName.get(name.toLowerCase());
      if (!field) {
        errors.push({ statusCode: 'INVALID_FIELD', message: `No such column '${name}' on sobject of type ${store.definition.name}`, fields: [name] });
        continue;
      }
      if (mode === 'create' ? !field.createable : !field.updateable) {
        readOnly.push(field.name);
        continue;
      }
      const coerced = coerceValue(field, value, typeof value === 'string' && value === '');
      if ('error' in coerced) errors.push(coerced.error);
      else prepared[field.name] = coerced.value;
    }
    if (readOnly.length > 0) {
      errors.unshift({
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to ${mode} fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: readOnly,
      });
    }
    if (errors.length > 0) return { errors };
    for (const field of store.definition.fields) {
      if (field.type !== 'reference' || typeof prepared[field.name] !== 'string') continue;
      const target = field.referenceTo[0];
      if (target && !this.get(target, prepared[field.name] as string)) {
        return recordError('INVALID_CROSS_REFERENCE_KEY', `${field.label}: id value of incorrect type: ${String(prepared[field.name])}`, [field.name]);
      }
    }
    return { values: prepared };
  }

  #duplicateUnique(store: ObjectStore, record: SalesforceRecord, ownId: string | undefined): { errors: SalesforceRecordError[] } | undefined {
    for (const field of store.definition.fields) {
      if (!field.unique || record[field.name] === null || record[field.name] === undefined) continue;
      const other = this.findBy(store.definition.name, field.name, record[field.name]!).find((candidate) => candidate.Id !== ownId);
      if (other) {
        return recordError('DUPLICATE_VALUE', `duplicate value found: ${field.name} duplicates value on record with id: ${other.Id}`, [field.name]);
      }
    }
    return undefined;
  }

  #computeName(store: ObjectStore, record: SalesforceRecord): void {
    const name = store.fieldsByLowerName.get('name');
    if (name?.calculated) record.Name = [record.FirstName, record.LastName].filter((part) => part !== null && part !== undefined && part !== '').join(' ');
  }

  #stamp(): string {
    return salesforceDateTime(new Date());
  }
}
