import { hubSpotPropertiesParamMax } from './hubspot-limits.js';
import type { HubSpotListPage } from './hubspot-client.js';

/**
 * Splits property names into groups whose `properties` parameter (names joined by commas) fits the
 * URL budget. Order is kept; a name longer than the budget goes alone. No names: one empty group
 * (a request for HubSpot's default properties).
 */
export function chunkProperties(names: readonly string[], budget = hubSpotPropertiesParamMax): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const name of names) {
    const cost = encodeURIComponent(name).length + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && length + cost > budget) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    length += current.length > 0 ? cost : encodeURIComponent(name).length;
    current.push(name);
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

export interface MergedListPage {
  data: HubSpotListPage['data'];
  /** Records of the first answer that a later answer for the same page no longer had (deleted or archived in between). */
  dropped: number;
}

/**
 * One page read as several requests (the same cursor and limit, a different group of properties
 * each) merged into one, record by record on id. The first answer decides the records and the next
 * cursor; a record the other answers lack was deleted or archived between the requests and is
 * dropped rather than delivered half-filled; a record only the later answers have (one that moved
 * into the page meanwhile) lies past the first answer's cursor and comes with the next page.
 */
export function mergePropertyChunks(answers: readonly HubSpotListPage['data'][]): MergedListPage {
  const [first, ...others] = answers;
  if (!first) throw new Error('mergePropertyChunks needs at least one answer');
  if (others.length === 0) return { data: first, dropped: 0 };
  const byId = others.map((answer) => new Map(answer.results.map((record) => [record.id, record])));
  const results: HubSpotListPage['data']['results'] = [];
  for (const record of first.results) {
    const parts = byId.map((records) => records.get(record.id));
    if (parts.some((part) => part === undefined)) continue;
    for (const part of parts) Object.assign(record.properties, part!.properties);
    results.push(record);
  }
  return { data: { ...first, results }, dropped: first.results.length - results.length };
}
