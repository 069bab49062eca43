import {
  buildField,
  customFieldKey,
  defaultFields,
  type FieldOption,
  type PipedriveEntity,
  type PipedriveField,
  pipedriveEntities,
} from './pipedrive-fields.js';
import { LeadBook, type LeadRecord } from './pipedrive-leads.js';

/** One email or phone entry of a v2 person (`PersonItemEmail`). */
export interface ContactItem {
  value: string;
  primary: boolean;
  label: string;
}

/** One record as the emulator keeps it: standard values in their v2 shape, custom values by hash. */
export interface PipedriveRecord {
  id: number;
  values: Record<string, unknown>;
  custom: Record<string, unknown>;
  add_time: string;
  update_time: string;
}

/** What the search index shows of a person, from `visibleAt` on (search lags writes). */
interface SearchVersion {
  visibleAt: number;
  name: string;
  emails: string[];
  phones: string[];
}

interface EntityState {
  fields: PipedriveField[];
  records: Map<number, PipedriveRecord>;
  search: Map<number, SearchVersion[]>;
}

export interface PipedriveCompanyState {
  companyId: number;
  nextId: number;
  nextFieldId: number;
  fieldSerial: number;
  entities: Record<string, { fields: PipedriveField[]; records: PipedriveRecord[] }>;
  leads?: { serial: number; records: LeadRecord[] };
}

/** RFC 3339 without fractions, as v2 answers (`2025-01-01T10:20:00Z`). */
export const rfc3339 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The in-memory state of one emulated Pipedrive company: persons, organizations and deals with
 * their standard and custom fields (custom ones under 40-character hash keys), and a person search
 * index that shows writes only `searchLagMs` after they happen. Tests and the demo seed and inspect
 * it directly.
 */
export class PipedriveCompany {
  readonly companyId: number;
  /** How long a write takes to reach the search index (Pipedrive documents no figure). */
  searchLagMs: number;
  #nextId = 1;
  #nextFieldId = 9001;
  #fieldSerial = 1;
  #entities = new Map<PipedriveEntity, EntityState>();
  #lastTimestamp = 0;
  /** The Leads Inbox: v1 only, custom fields those of deals. */
  readonly leads: LeadBook;

  constructor(companyId = 7654321, searchLagMs = 0) {
    this.companyId = companyId;
    this.searchLagMs = searchLagMs;
    this.leads = new LeadBook(companyId);
    this.reset();
  }

  reset(): void {
    this.leads.reset();
    this.#nextId = 1;
    this.#nextFieldId = 9001;
    this.#fieldSerial = 1;
    this.#lastTimestamp = 0;
    const now = new Date().toISOString();
    for (const entity of pipedriveEntities) {
      const fields = defaultFields(entity, this.#nextFieldId, now);
      this.#nextFieldId += fields.length;
      this.#entities.set(entity, { fields, records: new Map(), search: new Map() });
    }
  }

  fields(entity: PipedriveEntity): PipedriveField[] {
    return this.#state(entity).fields;
  }

  customFields(entity: PipedriveEntity): PipedriveField[] {
    return this.fields(entity).filter((field) => field.edit_flag);
  }

  /** A field by key (standard name or hash) or, for custom fields, by its display name. */
  field(entity: PipedriveEntity, keyOrName: string): PipedriveField | undefined {
    const fields = this.fields(entity);
    return fields.find((field) => field.key === keyOrName) ?? fields.find((field) => field.edit_flag && field.name === keyOrName);
  }

  /** Adds a custom field (what `POST /v1/personFields` does); its key is a fresh 40-character hash. */
  addField(entity: PipedriveEntity, name: string, fieldType: string, optionLabels: string[] = []): PipedriveField {
    const state = this.#state(entity);
    const id = this.#nextFieldId++;
    const options: FieldOption[] = optionLabels.map((label, index) => ({ id: id * 100 + index + 1, label }));
    const field = buildField(
      id,
      state.fields.length,
      customFieldKey(this.companyId, entity, this.#fieldSerial++),
      name,
      fieldType,
      true,
      new Date().toISOString(),
      options,
    );
    state.fields.push(field);
    return field;
  }

  /**
   * Adds options to an enum or set field (what `POST /api/v2/personFields/{field_code}/options`
   * does: all or none, a label already there is added again, as nothing says Pipedrive refuses it).
   * Returns the new options, or undefined when the field does not exist or takes no options.
   */
  addOptions(entity: PipedriveEntity, key: string, labels: string[]): FieldOption[] | undefined {
    const field = this.fields(entity).find((candidate) => candidate.key === key && candidate.edit_flag);
    if (!field || (field.field_type !== 'enum' && field.field_type !== 'set')) return undefined;
    const options = field.options ?? [];
    let next = options.reduce((highest, option) => Math.max(highest, option.id), field.id * 100) + 1;
    const added = labels.map((label) => ({ id: next++, label }));
    field.options = [...options, ...added];
    field.update_time = new Date().toISOString().slice(0, 19).replace('T', ' ');
    return added;
  }

  /** A strictly increasing timestamp, so `updated_since` never misses a write made in the same millisecond. */
  #now(): number {
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp + 1);
    return this.#lastTimestamp;
  }

  list(entity: PipedriveEntity): PipedriveRecord[] {
    return [...this.#state(entity).records.values()];
  }

  count(entity: PipedriveEntity): number {
    return this.#state(entity).records.size;
  }

  get(entity: PipedriveEntity, id: number): PipedriveRecord | undefined {
    return this.#state(entity).records.get(id);
  }

  /** Records with id above `afterId`, in id order, updated at or after `updatedSince` (ms), at most `limit`. */
  page(entity: PipedriveEntity, afterId: number, limit: number, updatedSince?: number, updatedUntil?: number): { records: PipedriveRecord[]; more: boolean } {
    const records: PipedriveRecord[] = [];
    for (const record of this.#state(entity).records.values()) {
      if (record.id <= afterId) continue;
      const updated = Date.parse(record.update_time);
      if (updatedSince !== undefined && updated < updatedSince) continue;
      if (updatedUntil !== undefined && updated >= updatedUntil) continue;
      if (records.length === limit) return { records, more: true };
      records.push(record);
    }
    return { records, more: false };
  }

  create(entity: PipedriveEntity, values: Record<string, unknown>, custom: Record<string, unknown>, options: { indexNow?: boolean } = {}): PipedriveRecord {
    const state = this.#state(entity);
    const now = this.#now();
    const record: PipedriveRecord = { id: this.#nextId++, values: { ...values }, custom: { ...custom }, add_time: rfc3339(now), update_time: rfc3339(now) };
    if (typeof values.add_time === 'string') record.add_time = values.add_time;
    delete record.values.add_time;
    state.records.set(record.id, record);
    this.#index(entity, record, options.indexNow ? 0 : this.searchLagMs);
    return record;
  }

  /** Sets only the values given (custom fields key by key), as v2's PATCH does. */
  update(entity: PipedriveEntity, id: number, values: Record<string, unknown>, custom: Record<string, unknown>): PipedriveRecord | undefined {
    const record = this.#state(entity).records.get(id);
    if (!record) return undefined;
    Object.assign(record.values, values);
    Object.assign(record.custom, custom);
    record.update_time = rfc3339(this.#now());
    this.#index(entity, record, this.searchLagMs);
    return record;
  }

  #index(entity: PipedriveEntity, record: PipedriveRecord, lagMs: number): void {
    if (entity !== 'persons') return;
    const versions = this.#state(entity).search.get(record.id) ?? [];
    const items = (key: string) => ((record.values[key] as ContactItem[] | undefined) ?? []).map((item) => item.value);
    versions.push({ visibleAt: Date.now() + lagMs, name: String(record.values.name ?? ''), emails: items('emails'), phones: items('phones') });
    this.#state(entity).search.set(record.id, versions);
  }

  /**
   * Persons whose indexed emails (or name) match `term`, as the search index shows them now: a write
   * made less than `searchLagMs` ago is not visible yet. Exact matching ignores case, as Pipedrive's does.
   */
  searchPersons(term: string, fields: string[], exact: boolean): Array<{ record: PipedriveRecord; indexed: SearchVersion }> {
    const needle = term.toLowerCase();
    const now = Date.now();
    const found: Array<{ record: PipedriveRecord; indexed: SearchVersion }> = [];
    const state = this.#state('persons');
    for (const [id, versions] of state.search) {
      let visible: SearchVersion | undefined;
      for (const version of versions) if (version.visibleAt <= now) visible = version;
      if (!visible) continue;
      const candidates = [
        ...(fields.includes('email') ? visible.emails : []),
        ...(fields.includes('name') ? [visible.name] : []),
        ...(fields.includes('phone') ? visible.phones : []),
      ];
      const hit = candidates.some((value) => (exact ? value.toLowerCase() === needle : value.toLowerCase().includes(needle)));
      const record = state.records.get(id);
      if (hit && record) found.push({ record, indexed: visible });
    }
    return found;
  }

  /**
   * Creates records from plain rows, bypassing validation, quota and search lag (fixtures for tests
   * and the demo). Keys are standard keys (`name`, `title`, `org_id`), `email` / `phone` (a string or
   * a list), or custom field names, which are defined on first use (double for numbers, varchar
   * otherwise); an enum field's value may be given by its label.
   */
  seed(entity: PipedriveEntity, rows: Array<Record<string, unknown>>): PipedriveRecord[] {
    return rows.map((row) => {
      const values: Record<string, unknown> = {};
      const custom: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (key === 'email' || key === 'emails' || key === 'phone' || key === 'phones') {
          values[key.startsWith('email') ? 'emails' : 'phones'] = contactItems(value);
          continue;
        }
        const standard = this.fields(entity).find((field) => !field.edit_flag && field.key === key);
        if (standard) {
          values[key] = value;
          continue;
        }
        const field = this.field(entity, key) ?? this.addField(entity, key, typeof value === 'number' ? 'double' : 'varchar');
        custom[field.key] = optionValue(field, value);
      }
      if (entity === 'persons') values.emails ??= [];
      if (entity === 'persons') values.phones ??= [];
      return this.create(entity, values, custom, { indexNow: true });
    });
  }

  /**
   * Leads from plain rows (fixtures): standard keys as the v1 lead has them (`title`, `person_id`,
   * `organization_id`, `is_archived`...), `value` as an amount (EUR) or `{ amount, currency }`,
   * `add_time` / `update_time` as given, and deal custom field names (defined on first use, as `seed` does).
   */
  seedLeads(rows: Array<Record<string, unknown>>): LeadRecord[] {
    return rows.map((row) => {
      const values: Record<string, unknown> = {};
      const custom: Record<string, unknown> = {};
      const times: { add_time?: string; update_time?: string } = {};
      for (const [key, value] of Object.entries(row)) {
        if (key === 'add_time' || key === 'update_time') times[key] = String(value);
        else if (key === 'value') values.value = typeof value === 'number' ? { amount: value, currency: 'EUR' } : value;
        else if (leadKeys.has(key)) values[key] = value;
        else {
          const field = this.field('deals', key) ?? this.addField('deals', key, typeof value === 'number' ? 'double' : 'varchar');
          custom[field.key] = optionValue(field, value);
        }
      }
      return this.leads.add(values, custom, times);
    });
  }

  export(): PipedriveCompanyState {
    const entities: PipedriveCompanyState['entities'] = {};
    for (const [entity, state] of this.#entities) entities[entity] = { fields: state.fields, records: [...state.records.values()] };
    return {
      companyId: this.companyId,
      nextId: this.#nextId,
      nextFieldId: this.#nextFieldId,
      fieldSerial: this.#fieldSerial,
      entities,
      leads: this.leads.export(),
    };
  }

  import(data: unknown): void {
    const state = data as PipedriveCompanyState;
    this.#nextId = state.nextId;
    this.#nextFieldId = state.nextFieldId;
    this.#fieldSerial = state.fieldSerial;
    for (const entity of pipedriveEntities) {
      const saved = state.entities[entity];
      if (!saved) continue;
      const entityState: EntityState = { fields: saved.fields, records: new Map(saved.records.map((record) => [record.id, record])), search: new Map() };
      this.#entities.set(entity, entityState);
      for (const record of saved.records) this.#index(entity, record, 0);
    }
    this.leads.import(state.leads);
  }

  #state(entity: PipedriveEntity): EntityState {
    const state = this.#entities.get(entity);
    if (!state) throw new Error(`Unknown Pipedrive entity: ${entity}`);
    return state;
  }
}

/** The standard keys a seeded lead row may set. */
const leadKeys = new Set([
  'title',
  'owner_id',
  'creator_id',
  'label_ids',
  'person_id',
  'organization_id',
  'source_name',
  'origin',
  'channel',
  'is_archived',
  'was_seen',
  'expected_close_date',
  'next_activity_id',
  'visible_to',
]);

function contactItems(value: unknown): ContactItem[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value];
  return list.map((item, index) =>
    typeof item === 'string'
      ? { value: item, primary: index === 0, label: 'work' }
      : { label: 'work', primary: index === 0, ...(item as Partial<ContactItem>), value: String((item as ContactItem).value) },
  );
}

function optionValue(field: PipedriveField, value: unknown): unknown {
  if (field.field_type === 'enum' && typeof value === 'string') return field.options?.find((option) => option.label === value)?.id ?? value;
  if (field.field_type === 'set' && Array.isArray(value)) return value.map((item) => field.options?.find((option) => option.label === item)?.id ?? item);
  return value;
}
