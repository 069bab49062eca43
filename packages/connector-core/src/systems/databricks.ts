import { z } from 'zod';
import { secretField } from '../config/config-fields.js';
import { defineSystem } from './system-descriptor.js';

export const databricksSystem = defineSystem({
  id: 'databricks',
  displayName: 'Databricks SQL Warehouse',
  packageName: '@automl/connector-databricks',
  crm: false,
  summary: 'Databricks SQL warehouses: paged reads, staging + MERGE writes',
  fields: {
    /** Server Hostname, or an https:// URL (a port in it is used). */
    host: z.string().min(1).optional(),
    httpPath: z.string().min(1).optional(),
    token: secretField().optional(),
    catalog: z.string().min(1).optional(),
    schema: z.string().min(1).optional(),
    /** BIGINT and DECIMAL read as exact decimal strings instead of JS numbers. */
    exactNumerics: z.boolean().optional(),
    /** A private CA (PEM) to trust besides the system's, for a TLS-inspecting proxy or a local emulator. */
    caCert: z.string().min(1).optional(),
    /** Rows per page of a read (the driver's fetch size). */
    pageSize: z.number().int().positive().optional(),
    /** The TIMESTAMP column incremental reads (`since`) filter on; without it `since` is refused. */
    incrementalColumn: z.string().min(1).optional(),
    /**
     * How long a SQL warehouse that is starting (503 TEMPORARILY_UNAVAILABLE, or a session it has
     * not initialized yet) is waited for, per call, before the call fails. 600 s by default.
     */
    warehouseStartupTimeoutSeconds: z.number().positive().optional(),
    /**
     * How long a statement may run on the warehouse (a read's query; a write's MERGE, INSERT,
     * INSERT OVERWRITE or COPY INTO), waited for by polling its status (each poll one request),
     * before it is given up and cancelled (a write is then rolled back). 21,600 s (6 hours) by default.
     */
    statementTimeoutSeconds: z.number().positive().optional(),
    /**
     * CloudFetch result files the driver downloads at a time, ahead of the reader (3 by default;
     * the driver's own default is 10). Each holds a result file until its rows are read.
     */
    cloudFetchConcurrentDownloads: z.number().int().min(1).max(32).optional(),
    /** Rows per staging INSERT of a write (1,000 by default; each statement stays under ~1 MB). */
    writeBatchSize: z.number().int().min(1).max(10_000).optional(),
    /**
     * A Unity Catalog volume (`/Volumes/<catalog>/<schema>/<volume>[/dir]`) the token may write to:
     * large writes are staged there as files (the driver's staging PUT) and loaded with COPY INTO.
     */
    stagingVolume: z
      .string()
      .regex(/^(dbfs:)?\/Volumes\/[^/]+\/[^/]+\/[^/]+(\/.*)?$/, 'a volume path: /Volumes/<catalog>/<schema>/<volume>[/dir]')
      .optional(),
    /** From how many rows a write batch goes through `stagingVolume` (10,000 by default). */
    volumeThresholdRows: z.number().int().min(1).optional(),
  },
  rate: { requestsPerMinute: 120, windowSeconds: 60, source: 'the specification: 120 requests per minute' },
  environment: [
    { key: 'host', variable: 'DATABRICKS_HOST' },
    { key: 'httpPath', variable: 'DATABRICKS_HTTP_PATH' },
    { key: 'token', variable: 'DATABRICKS_TOKEN' },
  ],
  quotaIdentity: ['baseUrl', 'host', 'httpPath'],
  hints: {
    token: 'Check DATABRICKS_TOKEN: a personal access token (dapi...) from Settings → Developer.',
    httpPath: 'Check DATABRICKS_HTTP_PATH: the SQL warehouse\u2019s HTTP path, e.g. /sql/1.0/warehouses/abcdef.',
  },
});
