import { createHash } from 'node:crypto';
import type { PipedriveField } from './pipedrive-fields.js';

/** One lead as the emulator keeps it: its standard values and its custom values by (deal field) hash. */
export interface LeadRecord {
  /** Leads have UUIDs, not numbers. */
  id: string;
  values: Record<string, unknown>;
  custom: Record<string, unknown>;
  add_time: string;
  update_time: string;
}

/** The standard keys of a v1 lead, in the order the client's `Lead` model lists them, with their defaults. */
const leadDefaults: Array<[string, unknown]> = [
  ['title', ''],
  ['owner_id', 1],
  ['creator_id', 1],
  ['label_ids', []],
  ['person_id', null],
  ['organization_id', null],
  ['source_name', 'API'],
  ['origin', 'API'],
  ['origin_id', null],
  ['channel', null],
  ['channel_id', null],
  ['source_deal_id', null],
  ['is_archived', false],
  ['was_seen', false],
  ['value', null],
  ['expected_close_date', null],
  ['next_activity_id', null],
];

/** ISO 8601 to the second, as the client's `Lead` model documents `add_time` / `update_time` (`YYYY-MM-DDTHH:MM:SSZ`). */
const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The leads of a company (the Leads Inbox). Pipedrive has no v2 leads endpoint: `GET /v1/leads`
 * pages them with `start` / `limit`, oldest first, archived ones apart (`/v1/leads/archived`).
 * Leads "do not have a separate set of custom fields, instead they inherit the custom fields'
 * structure from deals", and a lead's custom values sit at the root of the lead under their hashes,
 * only when set, "in the same format as with the Deals endpoints" of v1 (client docstrings).
 */
export class LeadBook {
  readonly #companyId: number;
  #records = new Map<string, LeadRecord>();
  #serial = 1;

  constructor(companyId: number) {
    this.#companyId = companyId;
  }

  reset(): void {
    this.#records = new Map();
    this.#serial = 1;
  }

  count(): number {
    return this.#records.size;
  }

  list(): LeadRecord[] {
    return [...this.#records.values()];
  }

  /** A lead id: a UUID derived from the company and a counter, so a run is reproducible. */
  #nextId(): string {
    const hex = createHash('sha1')
      .update(`${this.#companyId}:lead:${this.#serial++}`)
      .digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  add(values: Record<string, unknown>, custom: Record<string, unknown>, times: { add_time?: string; update_time?: string } = {}): LeadRecord {
    const now = isoSeconds(Date.now());
    const record: LeadRecord = { id: this.#nextId(), values, custom, add_time: times.add_time ?? now, update_time: times.update_time ?? times.add_time ?? now };
    this.#records.set(record.id, record);
    return record;
  }

  /** Leads from `start` (oldest first), archived or not, updated at or after `updatedSince` (ms), at most `limit`. */
  page(start: number, limit: number, archived: boolean, updatedSince?: number): { records: LeadRecord[]; more: boolean } {
    const matching = this.list().filter(
      (record) => Boolean(record.values.is_archived) === archived && (updatedSince === undefined || Date.parse(record.update_time) >= updatedSince),
    );
    return { records: matching.slice(start, start + limit), more: start + limit < matching.length };
  }

  /** A lead as v1 answers it: standard keys, then each custom value that is set, under its hash (monetary with `<hash>_currency`, a set as "11,12"). */
  view(record: LeadRecord, dealFields: PipedriveField[]): Record<string, unknown> {
    const result: Record<string, unknown> = { id: record.id };
    for (const [key, fallback] of leadDefaults) result[key] = record.values[key] ?? fallback;
    result.add_time = record.add_time;
    result.update_time = record.update_time;
    result.visible_to = String(record.values.visible_to ?? 3);
    result.cc_email = `sandbox+leads+${record.id.slice(0, 8)}@pipedrivemail.com`;
    for (const field of dealFields) {
      if (!field.edit_flag) continue;
      const value = record.custom[field.key];
      if (value === undefined || value === null) continue;
      if (field.field_type === 'monetary' && typeof value === 'object') {
        const amount = value as { value?: unknown; currency?: unknown };
        result[field.key] = amount.value ?? null;
        result[`${field.key}_currency`] = amount.currency ?? null;
      } else if (field.field_type === 'set' && Array.isArray(value)) result[field.key] = value.join(',');
      else result[field.key] = value;
    }
    return result;
  }

  export(): { serial: number; records: LeadRecord[] } {
    return { serial: this.#serial, records: this.list() };
  }

  import(state: { serial: number; records: LeadRecord[] } | undefined): void {
    this.reset();
    if (!state) return;
    this.#serial = state.serial;
    for (const record of state.records) this.#records.set(record.id, record);
  }
}
