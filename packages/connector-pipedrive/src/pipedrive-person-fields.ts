import type { PipedriveClient } from './pipedrive-client.js';
import type { PipedriveFieldCatalog, PipedriveFieldDefinition } from './pipedrive-field-catalog.js';
import { type CallScope, pipedriveRequest } from './pipedrive-remote.js';

/** The Pipedrive field type a new custom field gets from the first value written to it. */
export const fieldTypeFor = (value: unknown): 'double' | 'varchar' =>
  typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) ? 'double' : 'varchar';

/**
 * Creates the person fields a write names that the account lacks (`churn_risk` as a number,
 * `segment` as text), once each even with rows in flight. Creating a field is not idempotent (two
 * calls make two fields of the same name), so it is never retried; after a failure the fields are
 * read again and a field that did land is used.
 */
export class MissingFieldCreator {
  readonly #client: PipedriveClient;
  readonly #catalog: () => PipedriveFieldCatalog;
  readonly #reload: (scope: CallScope) => Promise<PipedriveFieldCatalog>;
  readonly #pending = new Map<string, Promise<PipedriveFieldDefinition>>();

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
      pending = this.#create(name, fieldTypeFor(sample), scope);
      this.#pending.set(name, pending);
      pending.catch(() => this.#pending.delete(name));
    }
    return pending;
  }

  async #create(name: string, fieldType: 'double' | 'varchar', scope: CallScope): Promise<PipedriveFieldDefinition> {
    try {
      const reply = await pipedriveRequest<PipedriveFieldDefinition>(
        this.#client,
        scope,
        'write',
        (apis) => apis.personFields.addPersonField({ CreateFieldRequest: { name, field_type: fieldType } }),
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
}
