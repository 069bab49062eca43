import { ConfigError } from '@automl/connector-core';

/**
 * Where the driver connects. `DATABRICKS_HOST` is documented as a URL or a bare host name; the
 * driver wants the host alone (a scheme or a port in it gives `ENOTFOUND https` or `Invalid URL`)
 * and the port apart, and always speaks HTTPS.
 */
export function databricksEndpoint(host: string | undefined, baseUrl: string | undefined): { host: string; port: number } {
  const raw = (baseUrl ?? host ?? '').trim();
  if (!raw) {
    throw new ConfigError({
      message: 'Missing Databricks host: set `host` or DATABRICKS_HOST',
      connector: 'databricks',
      operation: 'connect',
      hint: 'The Server Hostname of the SQL warehouse (Connection details), e.g. adb-12345.6.azuredatabricks.net.',
    });
  }
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new ConfigError({
      message: `Invalid Databricks host: ${raw}`,
      connector: 'databricks',
      operation: 'connect',
      hint: 'A host name or an https:// URL.',
    });
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError({
      message: `Databricks is reached over HTTPS only, not ${url.protocol}`,
      connector: 'databricks',
      operation: 'connect',
      hint: 'Use an https:// URL or a bare host name.',
    });
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 443 };
}
