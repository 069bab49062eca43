import { DataError } from '@automl/connector-core';
import type { PipedriveClient } from './pipedrive-client.js';
import type { PipedriveFieldCatalog, PipedriveFieldDefinition } from './pipedrive-field-catalog.js';
import { certainlyNotApplied, createOutcomeUnknown, exchangeEnded } from './pipedrive-person-create.js';
import { quotaFromHeaders } from './pipedrive-rate-limit-headers.js';
import { type CallScope, pipedriveRequest } from './pipedrive-remote.js';

/**
 * The Pipedrive field type a new custom field gets from the first value written to it: a number
 * (or a numeric string) makes a numeric field, other text an enum (a model's `segment` is a label
 * out of a few: its values become the options), anything else text.
 */
export const fieldTypeFor = (value: unknown): 'double' | 'enum' | 'varchar' => {
  if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) return 'double';
  return typeof value === 'string' && value.trim() !== '' ? 'enum' : 'varchar';
};

/**
 * Creates the person fields a write names that the account lacks (`churn_risk` as a number,
 * `segment` as an enum whose first option is the first value written), once each even with rows in
 * flight, and adds an enum field's missing options the same way (`POST /api/v2/personFields/{code}/options`,
 * which adds options without resending the others, so two new values written at once both land).
 * Neither call is idempotent (two calls make two fields, or two options, of the same name), so they
 * are never retried; after a failure the fields are read again and whatever did land is used. An
 * option add that got no answer and may still land (our timeout, a gateway's 502/504) is not sent
 * again by this write: its rows fail with CREATE_OUTCOME_UNKNOWN until the fields show the option.
 */
export class MissingFieldCreator {
  readonly #client: PipedriveClient;
  readonly #catalog: () => PipedriveFieldCatalog;
  readonly #reload: (scope: CallScope) => Promise<PipedriveFieldCatalog>;
  readonly #pending = new Map<string, Promise<PipedriveFieldDefinition>>();
  readonly #pendingOptions = new Map<string, Promise<void>>();
  /** Options (field key and label) whose add got no answer and may still land. */
  readonly #optionsInDoubt = new Set<string>();

  constructor(client: PipedriveClient, catalog: () => PipedriveFieldCatalog, reload: (scope: CallScope) => Promise<PipedriveFieldCatalog>) {
    this.#client = client;
    this.#catalog = catalog;
    this.#reload = reload;
  }

  ensure(name: string, sample: unknown, scope: CallScope): Promise<PipedriveFieldDefinition> {
    const existing = this.#catalog().customField(name);
    if (existing) return Promise.resolve(existing);
    let pending = this.#pending.get(name);
    if (!pending) {
      pending = this.#create(name, fieldTypeFor(sample), String(sample).trim(), scope);
      this.#pending.set(name, pending);
      pending.catch(() => this.#pending.delete(name));
    }
    return pending;
  }

  /** Makes `label` an option of the enum field `field` (matched ignoring case, as values are). */
  async ensureOption(field: PipedriveFieldDefinition, label: string, scope: CallScope): Promise<void> {
    const wanted = label.trim();
    if (this.#optionOf(field.key, wanted) !== undefined) return;
    const key = `${field.key}\u0000${wanted.toLowerCase()}`;
    let pending = this.#pendingOptions.get(key);
    if (!pending) {
      pending = this.#addOption(field.key, wanted, key, scope);
      this.#pendingOptions.set(key, pending);
      // Once settled the catalog knows the option (or the next row tries again).
      pending.then(
        () => this.#pendingOptions.delete(key),
        () => this.#pendingOptions.delete(key),
      );
    }
    return pending;
  }

  /** The option id of `label` in the current catalog's copy of the field. */
  #optionOf(key: string, label: string): number | undefined {
    const catalog = this.#catalog();
    const field = catalog.customField(key);
    return field ? catalog.optionId(field, label) : undefined;
  }

  async #create(name: string, fieldType: 'double' | 'enum' | 'varchar', firstLabel: string, scope: CallScope): Promise<PipedriveFieldDefinition> {
    const request = fieldType === 'enum' ? { name, field_type: fieldType, options: [{ label: firstLabel }] } : { name, field_type: fieldType };
    try {
      const reply = await pipedriveRequest<PipedriveFieldDefinition>(
        this.#client,
        scope,
        'write',
        (apis) => apis.personFields.addPersonField({ CreateFieldRequest: request }),
        { idempotent: false },
      );
      this.#catalog().add(reply.body.data);
      return reply.body.data;
    } catch (error) {
      const landed = (await this.#reload(scope).catch(() => undefined))?.customField(name);
      if (landed) return landed;
      throw error;
    }
  }

  async #addOption(fieldKey: string, label: string, doubtKey: string, scope: CallScope): Promise<void> {
    if (this.#optionsInDoubt.has(doubtKey)) {
      await this.#reload(scope);
      if (this.#optionOf(fieldKey, label) === undefined) throw optionOutcomeUnknown(label);
      this.#optionsInDoubt.delete(doubtKey);
      return;
    }
    let mayLand = false;
    try {
      const added = await scope.call(
        'write',
        async ({ signal }) => {
          try {
            const reply = await this.#client.send<Array<{ id: number; label: string }>>(signal, (apis) =>
              apis.personFieldsV2.addPersonFieldOptions({ field_code: fieldKey, AddDealFieldOptionsRequestInner: [{ label }] }),
            );
            const quota = quotaFromHeaders(reply.headers);
            if (quota) scope.observeServerQuota(quota);
            return reply.body.data ?? [];
          } catch (error) {
            mayLand = !certainlyNotApplied(error) && !exchangeEnded(error);
            throw error;
          }
        },
        { idempotent: false },
      );
      const field = this.#catalog().customField(fieldKey);
      if (field) field.options = [...(field.options ?? []), ...added];
    } catch (error) {
      if ((await this.#reload(scope).catch(() => undefined)) && this.#optionOf(fieldKey, label) !== undefined) return;
      if (mayLand) {
        this.#optionsInDoubt.add(doubtKey);
        throw optionOutcomeUnknown(label);
      }
      throw error;
    }
  }
}

const optionOutcomeUnknown = (label: string) =>
  new DataError({
    connector: 'pipedrive',
    operation: 'write',
    code: createOutcomeUnknown,
    message: `Adding the option "${label}" got no answer and the option is not in Pipedrive yet: the request may still land, so it was not sent again.`,
    hint: 'Run the write again later: it uses the option if it landed and adds it otherwise.',
  });
