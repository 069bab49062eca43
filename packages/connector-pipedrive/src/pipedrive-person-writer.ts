import { type BatchOutcome, type ConnectorContext, DataError, type PreparedRow, type Row, type WriteSession } from '@automl/connector-core';
import type { PipedriveClient } from './pipedrive-client.js';
import type { PipedriveFieldCatalog } from './pipedrive-field-catalog.js';
import { createOutcomeUnknown, createPersonOnce } from './pipedrive-person-create.js';
import type { MissingFieldCreator } from './pipedrive-person-fields.js';
import type { PersonLookup, PersonMatch, V2Person } from './pipedrive-person-lookup.js';
import { pipedriveRequest } from './pipedrive-remote.js';

export interface PersonWriteOptions {
  mode: 'upsert' | 'append';
  /** `email` (matched against every email of a person, ignoring case) or `id` (the Pipedrive person id). */
  keyColumn: 'email' | 'id';
  /** Create the custom fields a row names that the account lacks, instead of failing those rows. */
  createMissingFields: boolean;
}

interface PersonWriteDependencies {
  client: PipedriveClient;
  catalog: () => PipedriveFieldCatalog;
  lookup: PersonLookup;
  fields: MissingFieldCreator;
}

/** Columns a read gives that a write leaves alone: computed or owned by Pipedrive. */
const readOnlyColumns = new Set(['id', 'email', 'emails', 'phones', 'first_name', 'last_name', 'add_time', 'update_time', 'label_ids']);
const integerColumns = new Set(['org_id', 'owner_id', 'visible_to']);
const textColumns = new Set(['name', 'job_title']);

/** A row's key email, trimmed; undefined when it has none that looks like one. */
export function rowEmail(row: Row): string | undefined {
  const value = row.email;
  if (typeof value !== 'string') return undefined;
  const email = value.trim();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

interface PersonBody {
  standard: Record<string, unknown>;
  custom: Record<string, unknown>;
  phone?: string;
}

/**
 * The write session of persons: each row is matched by email (or id), then updated with only the
 * fields it gives (PATCH: a person's other emails and fields are never touched; nothing is sent when
 * the person already holds the values) or created once (see createPersonOnce). One row per batch:
 * Pipedrive has no bulk create or update for persons, and core runs `writeConcurrency` of them at
 * once within the rate limit, one at a time per email.
 */
export function personWriteSession(dependencies: PersonWriteDependencies, options: PersonWriteOptions): WriteSession<Row> {
  const { client, lookup } = dependencies;
  /** Emails whose create may still land, with when it was sent: no other create for them in this write. */
  const pendingCreates = new Map<string, number>();

  const unknownColumns = (row: Row): string[] =>
    Object.keys(row).filter(
      (column) =>
        row[column] !== undefined &&
        !readOnlyColumns.has(column) &&
        !integerColumns.has(column) &&
        !textColumns.has(column) &&
        column !== 'phone' &&
        !dependencies.catalog().customField(column),
    );

  const bodyOf = async (row: Row, context: ConnectorContext): Promise<PersonBody> => {
    const body: PersonBody = { standard: {}, custom: {} };
    for (const [column, value] of Object.entries(row)) {
      if (value === undefined || readOnlyColumns.has(column)) continue;
      if (textColumns.has(column)) {
        if (value !== null && value !== '') body.standard[column] = String(value);
      } else if (integerColumns.has(column)) {
        const number = value === null || value === '' ? null : Number(value);
        if (number !== null && !Number.isInteger(number)) throw invalid(`Column "${column}" takes a Pipedrive id (an integer); got ${JSON.stringify(value)}`);
        body.standard[column] = number;
      } else if (column === 'phone') {
        if (typeof value === 'string' && value.trim() !== '') body.phone = value.trim();
      } else {
        const known = dependencies.catalog().customField(column);
        // A missing field is created from its first value; with none yet (null clears), there is nothing to clear.
        if (!known && options.createMissingFields && (value === null || value === '')) continue;
        const field = known ?? (options.createMissingFields ? await dependencies.fields.ensure(column, value, context) : undefined);
        if (!field) throw unknownFieldError([column]);
        // A value an enum field has no option for becomes one, when the caller lets the connector add what is missing.
        if (options.createMissingFields && field.field_type === 'enum' && typeof value === 'string' && value.trim() !== '') {
          await dependencies.fields.ensureOption(field, value, context);
        }
        // The catalog may have been read again meanwhile: take its copy of the field.
        const catalog = dependencies.catalog();
        body.custom[field.key] = catalog.toApiValue(catalog.customField(field.key) ?? field, value);
      }
    }
    return body;
  };

  const unchanged = (match: PersonMatch, body: PersonBody): boolean => {
    if (!match.custom) return false;
    if (body.standard.name !== undefined && body.standard.name !== match.name) return false;
    if (Object.keys(body.standard).some((key) => key !== 'name')) return false;
    return Object.entries(body.custom).every(([key, value]) => JSON.stringify(match.custom![key] ?? null) === JSON.stringify(value ?? null));
  };

  const update = async (id: number, body: PersonBody, context: ConnectorContext): Promise<'updated' | 'unchanged'> => {
    if (Object.keys(body.standard).length === 0 && Object.keys(body.custom).length === 0) return 'unchanged';
    const patch = { ...body.standard, ...(Object.keys(body.custom).length > 0 ? { custom_fields: body.custom } : {}) };
    // PATCH sets the fields given: sending it twice leaves the same state, so core may retry it.
    const reply = await pipedriveRequest<V2Person>(client, context, 'write', (apis) => apis.persons.updatePerson({ id, UpdatePersonRequest: patch }));
    if (options.keyColumn === 'email') lookup.remember(reply.body.data);
    return 'updated';
  };

  const create = async (email: string, body: PersonBody, context: ConnectorContext): Promise<'created' | 'updated' | 'unchanged'> => {
    const request = {
      name: (body.standard.name as string | undefined) ?? email,
      ...body.standard,
      emails: [{ value: email, primary: true, label: 'work' }],
      ...(body.phone ? { phones: [{ value: body.phone, primary: true, label: 'work' }] } : {}),
      ...(Object.keys(body.custom).length > 0 ? { custom_fields: body.custom } : {}),
    };
    if (options.mode === 'append') {
      // A plain create: no key to check it against, so never retried.
      const reply = await pipedriveRequest<V2Person>(client, context, 'write', (apis) => apis.persons.addPerson({ AddPersonRequest: request }), {
        idempotent: false,
      });
      lookup.remember(reply.body.data);
      return 'created';
    }
    const sentAt = Date.now();
    let result: Awaited<ReturnType<typeof createPersonOnce>>;
    try {
      result = await createPersonOnce(client, lookup, context, email, request);
    } catch (error) {
      if (DataError.isInstance(error) && error.code === createOutcomeUnknown) pendingCreates.set(email.toLowerCase(), sentAt - 5 * 60_000);
      throw error;
    }
    if ('created' in result) {
      lookup.remember(result.created);
      return 'created';
    }
    // The create had landed after all (or someone created the person meanwhile): make sure it holds this row's values.
    return unchanged(result.adopted, body) ? 'unchanged' : update(result.adopted.id, body, context);
  };

  const writeRow = async (row: Row, context: ConnectorContext): Promise<'created' | 'updated' | 'unchanged'> => {
    const body = await bodyOf(row, context);
    if (options.keyColumn === 'id') return update(Number(row.id), body, context);
    const email = rowEmail(row)!;
    const pendingSince = pendingCreates.get(email.toLowerCase());
    if (pendingSince !== undefined) {
      // An earlier row's create for this email may still land: only a person now visible may be written.
      const landed = await lookup.findUpdatedSince(email, pendingSince, context);
      if (!landed) throw outcomeStillUnknown();
      pendingCreates.delete(email.toLowerCase());
      return update(landed.id, body, context);
    }
    if (options.mode === 'upsert') {
      const match = await lookup.find(email, context);
      if (match) return unchanged(match, body) ? 'unchanged' : update(match.id, body, context);
    }
    return create(email, body, context);
  };

  return {
    destination: 'persons',
    prepare(row: Row): PreparedRow<Row> {
      if (options.keyColumn === 'id') {
        const id = Number(row.id);
        if (!Number.isInteger(id) || id <= 0) return { failure: { reason: 'The row has no Pipedrive person id in column "id"', code: 'MISSING_KEY' } };
        return { payload: row, key: String(id) };
      }
      const email = rowEmail(row);
      if (!email)
        return { failure: { reason: `The row has no valid email in column "email" (got ${JSON.stringify(row.email ?? null)})`, code: 'MISSING_KEY' } };
      if (!options.createMissingFields) {
        const unknown = unknownColumns(row);
        if (unknown.length > 0) return { failure: { reason: unknownFieldError(unknown).message, code: 'UNKNOWN_FIELD' } };
      }
      return { payload: row, key: email.toLowerCase() };
    },
    async writeBatch(batch, context): Promise<BatchOutcome> {
      const outcome: Required<Pick<BatchOutcome, 'failed' | 'created' | 'updated'>> = { failed: [], created: 0, updated: 0 };
      for (const entry of batch) {
        try {
          const done = await writeRow(entry.payload, context);
          if (done === 'created') outcome.created += 1;
          else if (done === 'updated') outcome.updated += 1;
        } catch (error) {
          // A row's own problem (a value that does not fit, an unknown outcome) fails that row; the rest stops or fails the batch in core.
          if (!DataError.isInstance(error) && !(isNotFound(error) && options.keyColumn === 'id')) throw error;
          const typed = error as DataError;
          outcome.failed.push({ index: entry.index, reason: typed.message, code: typed.code ?? typed.kind });
        }
      }
      return outcome;
    },
  };
}

const isNotFound = (error: unknown): boolean => (error as { kind?: string })?.kind === 'not-found';

const outcomeStillUnknown = () =>
  new DataError({
    connector: 'pipedrive',
    operation: 'write',
    code: createOutcomeUnknown,
    message: 'An earlier row of this write created this person without an answer, and the person is not in Pipedrive yet: not created a second time.',
    hint: 'Run the write again later: it finds the person if the create landed and creates it otherwise.',
  });

const invalid = (message: string) => new DataError({ connector: 'pipedrive', operation: 'write', code: 'INVALID_VALUE', message });

function unknownFieldError(columns: string[]): DataError {
  return new DataError({
    connector: 'pipedrive',
    operation: 'write',
    code: 'UNKNOWN_FIELD',
    message: `Pipedrive has no person field named ${columns.map((column) => `"${column}"`).join(', ')}`,
    hint: 'Create the fields in Pipedrive (Settings -> Data fields -> Person), or pass createMissingProperties: true to let the connector create them (numbers as numeric fields, text as single-option fields).',
  });
}
