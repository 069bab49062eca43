import type { DBSQLClient } from '@databricks/sql';

/** CloudFetch downloads kept in flight by default (`cloudFetchConcurrentDownloads`). */
export const defaultCloudFetchDownloads = 3;

/**
 * Bounds the CloudFetch result files the driver downloads ahead of the reader. The driver starts
 * up to 10 at once, and each holds a whole file (up to about 20 MB of LZ4 on a warehouse) until its
 * rows are read. Building rows is slower than downloading them at any realistic bandwidth, so
 * files beyond a few only hold memory: reading 1,000,000 x 20 columns from the emulator peaked
 * about 100 MB higher with 10 downloads than with 3, and was not faster.
 *
 * The value lives in the driver's client configuration (`ClientConfig.cloudFetchConcurrentDownloads`,
 * read at each fetch through its public `getConfig()`), which its connect options do not take; the
 * shape is checked, and a driver shaped otherwise keeps its own default. Returns whether it applied.
 */
export function limitCloudFetchDownloads(client: DBSQLClient, downloads: number): boolean {
  const config = (client as { getConfig?: () => unknown }).getConfig?.() as { cloudFetchConcurrentDownloads?: unknown } | undefined;
  if (typeof config?.cloudFetchConcurrentDownloads !== 'number') return false;
  config.cloudFetchConcurrentDownloads = downloads;
  return true;
}
