import { randomInt, randomUUID } from 'node:crypto';
import type { ConnectorContext } from '@automl/connector-core';
import type { sheets_v4 } from '@googleapis/sheets';
import type { SheetProperties, SheetsTarget } from './googlesheets-layout.js';

/** The developer-metadata key every batch marker carries. */
export const MARKER_KEY = 'automl-connectors/sheets-write-batch';
/** Markers left by earlier writes (of a batch whose outcome was uncertain) are removed once this old. */
const STALE_MARKER_MS = 60 * 60 * 1000;

/** One batch's marker: a metadata id only that batch uses, and a value naming the write and batch. */
export interface BatchMarker {
  metadataId: number;
  value: string;
  /** Whether an attempt of the batch went unanswered (timed out, connection lost): it may still land. */
  uncertain: boolean;
}

/**
 * Exactly-once batches on a spreadsheet. Each batch's batchUpdate carries, besides its cells, a
 * `createDeveloperMetadata` with a `metadataId` drawn for that batch: metadata ids are unique in a
 * spreadsheet and a batchUpdate applies whole or not at all, so at most one attempt of a batch can
 * ever apply, however many retries and late arrivals there are. A refused or unanswered batch is
 * looked up by its marker before it counts as failed: found, it landed. Markers are removed when the
 * write ends, except those of batches with an unanswered attempt: such an attempt may still arrive,
 * and the marker is what turns it away. Those are removed by a later write once an hour old.
 */
export class BatchMarkers {
  readonly #write = randomUUID();
  readonly #sheetId: number;
  readonly #markers: BatchMarker[] = [];
  readonly #stale: number[];
  #sequence = 0;

  constructor(sheet: SheetProperties, now = Date.now()) {
    this.#sheetId = sheet.sheetId;
    this.#stale = (sheet.developerMetadata ?? [])
      .filter((metadata) => metadata.metadataKey === MARKER_KEY && isStale(metadata.metadataValue, now))
      .map((metadata) => metadata.metadataId);
  }

  /** A marker for the next batch, and the request that creates it. */
  next(): { marker: BatchMarker; request: sheets_v4.Schema$Request } {
    const marker: BatchMarker = {
      metadataId: randomInt(1, 2 ** 31 - 1),
      value: JSON.stringify({ write: this.#write, batch: this.#sequence++, at: Date.now() }),
      uncertain: false,
    };
    this.#markers.push(marker);
    return {
      marker,
      request: {
        createDeveloperMetadata: {
          developerMetadata: {
            metadataId: marker.metadataId,
            metadataKey: MARKER_KEY,
            metadataValue: marker.value,
            location: { sheetId: this.#sheetId },
            visibility: 'DOCUMENT',
          },
        },
      },
    };
  }

  /** Whether the batch's marker is on the spreadsheet: then one of its attempts applied. */
  async landed(target: SheetsTarget, context: ConnectorContext, marker: BatchMarker): Promise<boolean> {
    const response = await context.call('write', ({ signal }) =>
      target.api.spreadsheets.developerMetadata.search(
        { spreadsheetId: target.spreadsheetId, requestBody: { dataFilters: [{ developerMetadataLookup: { metadataId: marker.metadataId } }] } },
        { signal },
      ),
    );
    return (response.data.matchedDeveloperMetadata ?? []).some(
      ({ developerMetadata }) => developerMetadata?.metadataKey === MARKER_KEY && developerMetadata.metadataValue === marker.value,
    );
  }

  /** Removes this write's settled markers and old ones of earlier writes, in one batchUpdate (none when there is nothing to remove). */
  async remove(target: SheetsTarget, context: Pick<ConnectorContext, 'call'>): Promise<void> {
    const ids = [...this.#markers.filter((marker) => !marker.uncertain).map((marker) => marker.metadataId), ...this.#stale];
    this.#markers.length = 0;
    this.#stale.length = 0;
    if (ids.length === 0) return;
    const requests = ids.map((metadataId) => ({ deleteDeveloperMetadata: { dataFilter: { developerMetadataLookup: { metadataId } } } }));
    await context.call('write', ({ signal }) =>
      target.api.spreadsheets.batchUpdate({ spreadsheetId: target.spreadsheetId, requestBody: { requests } }, { signal }),
    );
  }
}

function isStale(value: string | undefined, now: number): boolean {
  try {
    const at = (JSON.parse(value ?? '') as { at?: unknown }).at;
    return typeof at === 'number' && now - at > STALE_MARKER_MS;
  } catch {
    return false;
  }
}
