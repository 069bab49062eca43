import { DataError, TransientError } from '@automl/connector-core';
import type { PipedriveClient } from './pipedrive-client.js';
import { PipedriveHttpError, PipedriveNetworkError } from './pipedrive-errors.js';
import type { PersonLookup, PersonMatch, V2Person } from './pipedrive-person-lookup.js';
import type { CallScope } from './pipedrive-remote.js';

/** The code of a row whose create may or may not have happened: check Pipedrive before re-running it by hand. */
export const createOutcomeUnknown = 'CREATE_OUTCOME_UNKNOWN';

/** How far before a create the check for it looks: room for the clock difference between us and Pipedrive. */
const clockSkewMs = 5 * 60_000;

/**
 * A failure after which the exchange is over on Pipedrive's side: the application answered 500/501/503
 * (it finished the request), or the server closed the connection. Then the list shows whether the
 * person was created, and its absence is proof. Not so after our own timeout or a gateway's 502/504:
 * the request may still be at work behind them.
 */
export const exchangeEnded = (error: unknown): boolean =>
  (error instanceof PipedriveHttpError && [500, 501, 503].includes(error.status)) ||
  (error instanceof PipedriveNetworkError && ['ECONNRESET', 'EPIPE', 'ERR_BAD_RESPONSE'].includes(error.code ?? ''));

/** A failure that proves the create was not applied: refused before handling (429, 4xx) or never connected. */
export function certainlyNotApplied(error: unknown): boolean {
  if (error instanceof PipedriveHttpError) return error.status === 429 || (error.status >= 400 && error.status < 500 && error.status !== 408);
  if (error instanceof PipedriveNetworkError) return error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND';
  return false;
}

export type CreateResult = { created: V2Person } | { adopted: PersonMatch };

/**
 * Creates one person without ever creating it twice. There is no idempotency key in Pipedrive, so
 * a create whose outcome is unknown (timeout, reset, 5xx) is never sent again blindly. Each attempt
 * the policy makes sends exactly one request, chosen by what the previous attempts established:
 * - the first attempt, and any attempt after a failure that proves nothing was created (429, 4xx),
 *   sends the create;
 * - after an unknown outcome, the next attempt looks for the person in the list of persons updated
 *   since just before the create (the list, unlike search, does not lag): found, it is adopted;
 *   absent after a 500/503 or a reset (the exchange is over and created nothing), the next attempt
 *   creates again; absent after a client timeout or a gateway's 502/504, the request may still land,
 *   so the row fails with CREATE_OUTCOME_UNKNOWN rather than risk a duplicate (and so do later rows
 *   of the write with the same email, until the person shows up). A second run of the same write
 *   finds the person if it landed.
 * Retries, backoff and their limits are core's; the create is declared idempotent to core only
 * because of this check.
 */
export async function createPersonOnce(
  client: PipedriveClient,
  lookup: PersonLookup,
  scope: CallScope & { signal: AbortSignal },
  email: string,
  body: Record<string, unknown>,
): Promise<CreateResult> {
  /** Set while an earlier create's outcome is unknown: since when to look, and whether absence is proof. */
  let unknown: { since: number; absenceIsProof: boolean } | undefined;
  try {
    return await scope.call<CreateResult>(
      'write',
      async ({ signal }) => {
        if (unknown) {
          const found = await lookupFor(lookup, email, unknown.since, signal, scope);
          if (found) return { adopted: found };
          if (!unknown.absenceIsProof) {
            throw new DataError({
              connector: 'pipedrive',
              operation: 'write',
              code: createOutcomeUnknown,
              message:
                'The create of this person got no answer (timeout or lost connection) and the person is not in Pipedrive yet: the request may still land, so it was not sent again.',
              hint: 'Run the write again later: it finds the person if the create landed and creates it otherwise.',
            });
          }
          unknown = undefined;
          throw new TransientError({ connector: 'pipedrive', operation: 'write', message: 'A failed create left no person behind: creating it again' });
        }
        // Dated before sending: if this attempt is abandoned (timeout), the next one checks from here.
        unknown = { since: Date.now() - clockSkewMs, absenceIsProof: false };
        try {
          const reply = await client.send<V2Person>(signal, (apis) => apis.persons.addPerson({ AddPersonRequest: body }));
          unknown = undefined;
          return { created: reply.body.data };
        } catch (error) {
          if (scope.signal.aborted) throw error;
          if (certainlyNotApplied(error)) unknown = undefined;
          else if (exchangeEnded(error)) unknown = { ...unknown!, absenceIsProof: true };
          throw error;
        }
      },
      { idempotent: true },
    );
  } catch (error) {
    // The retries ran out while the outcome was still unknown: say so, whatever the last error was.
    if (unknown && !scope.signal.aborted && !(DataError.isInstance(error) && error.code === createOutcomeUnknown)) {
      throw new DataError({
        connector: 'pipedrive',
        operation: 'write',
        code: createOutcomeUnknown,
        message: `The create of this person failed without a clear outcome and could not be checked (${error instanceof Error ? error.message : String(error)}); it was not sent again.`,
        hint: 'Run the write again later: it finds the person if the create landed and creates it otherwise.',
      });
    }
    throw error;
  }
}

/** The check inside one attempt: one list read, sent through the attempt's own signal (no nested policy call). */
async function lookupFor(lookup: PersonLookup, email: string, since: number, signal: AbortSignal, scope: CallScope): Promise<PersonMatch | undefined> {
  // A scope whose call runs the function directly: the attempt already holds the policy's slot.
  const direct: CallScope = { call: (_operation, fn) => fn({ signal, attempt: 1 }), observeServerQuota: (quota) => scope.observeServerQuota(quota) };
  return lookup.findUpdatedSince(email, since, direct);
}
