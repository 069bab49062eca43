import { DataError } from '@automl/connector-core';
import type { PipedriveEntity } from './pipedrive-entities.js';

/** One field as the v1 fields endpoints return it (the part the connector reads). */
export interface PipedriveFieldDefinition {
  key: string;
  name: string;
  field_type: string;
  edit_flag?: boolean;
  options?: Array<{ id: number | string; label: string }> | null;
}

/** A custom field key: Pipedrive's "randomly generated 40-character hashes". */
export const isCustomFieldKey = (key: string): boolean => /^[0-9a-f]{40}$/i.test(key);

/**
 * The fields of one entity, by hash and by name: reads show custom fields under their names and
 * option fields as labels; writes turn names into hashes and labels into option ids (v2 takes ids
 * only). Loaded once per connection and entity, and reloaded after the connector adds a field.
 */
export class PipedriveFieldCatalog {
  readonly entity: PipedriveEntity;
  readonly #byKey = new Map<string, PipedriveFieldDefinition>();
  readonly #customByKey = new Map<string, PipedriveFieldDefinition>();
  readonly #customByName = new Map<string, PipedriveFieldDefinition>();
  /** Column name of each custom field key: its name, or its hash when the name is taken. */
  readonly #columnOf = new Map<string, string>();

  readonly #taken: Set<string>;

  constructor(entity: PipedriveEntity, fields: PipedriveFieldDefinition[], standardColumns: readonly string[]) {
    this.entity = entity;
    this.#taken = new Set(standardColumns);
    for (const field of fields) this.add(field);
  }

  /** Adds a field (one the connector just created). */
  add(field: PipedriveFieldDefinition): void {
    if (this.#byKey.has(field.key)) return;
    this.#byKey.set(field.key, field);
    if (!isCustomFieldKey(field.key)) return;
    this.#customByKey.set(field.key, field);
    // Two custom fields may share a name, or one may be called like a standard column: the
    // first keeps the name, the others are shown under their hash rather than overwriting it.
    const column = this.#taken.has(field.name) ? field.key : field.name;
    this.#taken.add(column);
    this.#columnOf.set(field.key, column);
    if (column === field.name) this.#customByName.set(field.name, field);
  }

  customFields(): PipedriveFieldDefinition[] {
    return [...this.#customByKey.values()];
  }

  field(key: string): PipedriveFieldDefinition | undefined {
    return this.#byKey.get(key);
  }

  /** The column a custom field's value is read into. */
  columnOf(key: string): string {
    return this.#columnOf.get(key) ?? key;
  }

  /** A custom field by its column name (its name) or its hash. */
  customField(nameOrKey: string): PipedriveFieldDefinition | undefined {
    return this.#customByKey.get(nameOrKey) ?? this.#customByName.get(nameOrKey);
  }

  /** The label of an option id (enum, set), or the id itself when the option is unknown. */
  optionLabel(field: PipedriveFieldDefinition, id: unknown): string | number | null {
    if (id === null || id === undefined) return null;
    const option = field.options?.find((candidate) => String(candidate.id) === String(id));
    return option ? option.label : (id as string | number);
  }

  /** The option id of a label (case-insensitive), or of an id given as such; undefined when no option fits. */
  optionId(field: PipedriveFieldDefinition, value: unknown): number | undefined {
    const options = field.options ?? [];
    const byId = options.find((option) => typeof value === 'number' && Number(option.id) === value);
    if (byId) return Number(byId.id);
    const text = String(value).trim().toLowerCase();
    const byLabel = options.find((option) => option.label.toLowerCase() === text);
    return byLabel ? Number(byLabel.id) : undefined;
  }

  /**
   * A value as v2 takes it for this field: numbers for double and monetary, option ids for enum and
   * set, strings for text. Throws a DataError naming the field when the value does not fit, since v2
   * coerces nothing.
   */
  toApiValue(field: PipedriveFieldDefinition, value: unknown): unknown {
    if (value === null || value === undefined || value === '') return null;
    const fail = (expected: string) =>
      new DataError({
        connector: 'pipedrive',
        operation: 'write',
        code: 'INVALID_VALUE',
        message: `Field "${field.name}" (${field.field_type}) takes ${expected}; got ${JSON.stringify(value)}`,
      });
    switch (field.field_type) {
      case 'double':
      case 'int': {
        const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
        if (!Number.isFinite(number)) throw fail('a number');
        return number;
      }
      case 'monetary': {
        // An amount without its currency would be a guess: v2 takes { value, currency }.
        const amount = value as { value?: unknown; currency?: unknown };
        if (typeof amount !== 'object' || typeof amount.value !== 'number' || typeof amount.currency !== 'string') throw fail('{ value, currency }');
        return { value: amount.value, currency: amount.currency };
      }
      case 'enum': {
        const id = this.optionId(field, value);
        if (id === undefined) throw fail(`one of ${(field.options ?? []).map((option) => option.label).join(', ')}`);
        return id;
      }
      case 'set': {
        const items = Array.isArray(value)
          ? value
          : String(value)
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean);
        const ids = items.map((item) => this.optionId(field, item));
        if (ids.length === 0 || ids.some((id) => id === undefined))
          throw fail(`options among ${(field.options ?? []).map((option) => option.label).join(', ')}`);
        return ids;
      }
      case 'date':
        if (value instanceof Date) return value.toISOString().slice(0, 10);
        return String(value);
      default:
        return value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  }
}

/** The additional_data of a v1 list page says whether more follow: under `pagination` (the docs) or at its root (the client's model). */
export function nextStart(additional: Record<string, unknown> | null | undefined, start: number, received: number): number | undefined {
  const pagination = (additional?.pagination ?? additional) as { more_items_in_collection?: boolean; next_start?: number } | undefined;
  if (!pagination?.more_items_in_collection) return undefined;
  return typeof pagination.next_start === 'number' ? pagination.next_start : start + received;
}
