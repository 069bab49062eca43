/**
 * What a connector can do, as data: core reads it to batch writes and to choose safe retries,
 * so a new capability never forces an edit of every connector.
 */
export interface ConnectorCapabilities {
  read: boolean;
  write: boolean;
  /** Writes match existing records by key instead of duplicating them. */
  supportsUpsert: boolean;
  /** The most records one write request may carry (HubSpot batch: 100, Salesforce collections: 200). */
  maxRecordsPerWrite: number;
  /** Incremental reads with `since`. */
  supportsIncrementalRead: boolean;
}

export const defaultCapabilities: ConnectorCapabilities = {
  read: true,
  write: false,
  supportsUpsert: false,
  maxRecordsPerWrite: Number.POSITIVE_INFINITY,
  supportsIncrementalRead: false,
};
