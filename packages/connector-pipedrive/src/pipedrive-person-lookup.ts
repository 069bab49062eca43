import type { PipedriveClient } from './pipedrive-client.js';
import { personEmails } from './convert-pipedrive-record.js';
import { type CallScope, nextCursor, pipedriveRequest, rfc3339 } from './pipedrive-remote.js';

/** A person as the write needs it: its id, its emails, and (when read from the list) its current values. */
export interface PersonMatch {
  id: number;
  name?: string;
  /** The person's custom field values by hash, when known (list reads carry them; search results do not). */
  custom?: Record<string, unknown>;
}

export interface V2Person {
  id: number;
  name?: string;
  emails?: Array<{ value?: string }>;
  custom_fields?: Record<string, unknown>;
}

/** How long a write may take to show in search. Pipedrive documents no figure; treated as minutes to be safe. */
export const searchLagAllowanceMs = 10 * 60_000;

/** Rows up to which a write searches each email instead of indexing every person (see README: cost). */
export const searchLookupMaxRows = 20;

const matchOf = (person: V2Person): PersonMatch => ({
  id: person.id,
  ...(person.name !== undefined ? { name: person.name } : {}),
  ...(person.custom_fields ? { custom: person.custom_fields } : {}),
});

/**
 * Finds the person an email belongs to, across all of a person's emails and ignoring case, in one
 * of two ways chosen per write:
 * - `index`: every person read once from the list endpoint (500 per page), then matched in memory.
 *   A list page costs about what one search costs, for 500 persons, and it reads the database, not
 *   the lagging search index, so a person created a second ago is found;
 * - `search`: an exact email search per row (cheaper for a few rows in a large account), plus one
 *   read of the persons changed in the last minutes, which the search index may not show yet.
 * Persons the write creates or updates are remembered, so a key seen again is matched without a call.
 * When two persons share an email, the oldest (lowest id) is the match.
 */
export class PersonLookup {
  readonly strategy: 'index' | 'search';
  readonly #client: PipedriveClient;
  readonly #byEmail = new Map<string, PersonMatch>();
  #loading: Promise<void> | undefined;

  constructor(client: PipedriveClient, strategy: 'index' | 'search') {
    this.#client = client;
    this.strategy = strategy;
  }

  async find(email: string, scope: CallScope): Promise<PersonMatch | undefined> {
    const key = email.trim().toLowerCase();
    await this.#load(scope);
    const known = this.#byEmail.get(key);
    if (known || this.strategy === 'index') return known;
    const reply = await pipedriveRequest<{ items?: Array<{ item?: { id?: number; emails?: string[]; name?: string } }> }>(
      this.#client,
      scope,
      'lookup',
      (apis) => apis.persons.searchPersons({ term: email.trim(), fields: 'email', exact_match: true, limit: 100 }),
    );
    const ids = (reply.body.data?.items ?? [])
      .map((entry) => entry.item)
      .filter(
        (item): item is { id: number; emails?: string[]; name?: string } =>
          typeof item?.id === 'number' && (item.emails ?? []).some((value) => value.toLowerCase() === key),
      )
      .sort((a, b) => a.id - b.id);
    const found = ids[0];
    if (!found) return undefined;
    const match: PersonMatch = { id: found.id, ...(found.name !== undefined ? { name: found.name } : {}) };
    this.#byEmail.set(key, match);
    return match;
  }

  /** Records a person (a v2 record: list, create or update reply) under every email it has. */
  remember(person: V2Person): void {
    const match = matchOf(person);
    for (const email of personEmails(person)) {
      const existing = this.#byEmail.get(email);
      if (!existing || existing.id >= match.id) this.#byEmail.set(email, match);
    }
  }

  /**
   * A person with this email updated at or after `since` (ms), read from the list endpoint, which
   * does not lag: how a create whose reply was lost is checked before anything is sent again.
   */
  async findUpdatedSince(email: string, since: number, scope: CallScope): Promise<PersonMatch | undefined> {
    const key = email.trim().toLowerCase();
    let found: V2Person | undefined;
    await this.#scan(scope, 'lookup', rfc3339(since), (person) => {
      if (personEmails(person).includes(key) && (!found || person.id < found.id)) found = person;
    });
    if (found) this.remember(found);
    return found ? matchOf(found) : undefined;
  }

  #load(scope: CallScope): Promise<void> {
    this.#loading ??= (async () => {
      const since = this.strategy === 'search' ? rfc3339(Date.now() - searchLagAllowanceMs) : undefined;
      await this.#scan(scope, 'lookup', since, (person) => this.remember(person));
    })();
    // A failed load is not cached: the next row tries again.
    this.#loading.catch(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #scan(scope: CallScope, operation: string, updatedSince: string | undefined, visit: (person: V2Person) => void): Promise<void> {
    let cursor: string | undefined;
    do {
      const reply = await pipedriveRequest<V2Person[]>(this.#client, scope, operation, (apis) =>
        apis.persons.getPersons({ limit: 500, ...(cursor ? { cursor } : {}), ...(updatedSince ? { updated_since: updatedSince } : {}) }),
      );
      for (const person of reply.body.data ?? []) visit(person);
      cursor = nextCursor(reply);
    } while (cursor);
  }
}
