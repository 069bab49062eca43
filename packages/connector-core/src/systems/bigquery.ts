import { z } from 'zod';
import { googleConfigFields, googleCredentialsEnvironment } from '../config/config-fields.js';
import { hints } from '../errors/hints.js';
import { defineSystem } from './system-descriptor.js';

export const bigQuerySystem = defineSystem({
  id: 'bigquery',
  displayName: 'Google BigQuery',
  packageName: '@automl/connector-bigquery',
  crm: false,
  summary: 'BigQuery tables and SQL, Storage Read API, idempotent load jobs',
  fields: {
    datasetId: z.string().min(1).optional(),
    location: z.string().min(1).optional(),
    /** Refuse a query that would bill more than this many bytes. */
    maximumBytesBilled: z.number().int().positive().optional(),
    /** Read large tables and results through the Storage Read API (Arrow over gRPC). Default true. */
    storageRead: z.boolean().optional(),
    /** Tables and query results with fewer rows are read through the REST API instead. Default 10,000. */
    storageReadMinRows: z.number().int().min(0).optional(),
    /** Storage Read streams read in parallel. Default 4. */
    maxStreams: z.number().int().min(1).max(100).optional(),
    /** File format of load jobs: NDJSON (per-row errors by position) or PARQUET (typed columns, smaller uploads). Default NDJSON. */
    loadFormat: z.enum(['NDJSON', 'PARQUET']).optional(),
    /** The TIMESTAMP, DATETIME or DATE column of last modification that `since` reads filter on; without it `since` is refused. */
    incrementalColumn: z.string().min(1).optional(),
    /** How long a job (query, load, MERGE) still running is waited for, polls spaced by the policy's backoff; spent, the call fails with NotReadyError. Default 21,600 (6 h, BigQuery's own limit on a job's run time). */
    jobTimeoutSeconds: z.number().positive().optional(),
    /** Storage Read API endpoint: `host:port`, or `http://host:port` for a plaintext channel (the local sandbox). Default bigquerystorage.googleapis.com:443. */
    storageApiEndpoint: z.string().min(1).optional(),
    ...googleConfigFields,
  },
  rate: { requestsPerMinute: 60, windowSeconds: 60, source: 'the specification: 60 requests per minute per connector' },
  environment: googleCredentialsEnvironment('GOOGLE_BIGQUERY_CREDENTIALS_JSON'),
  quotaIdentity: ['baseUrl', 'credentialsPath', 'projectId'],
  hints: {
    apiNotEnabled: hints.googleApiNotEnabled('BigQuery API'),
    invalidCredentials: hints.googleInvalidCredentials,
  },
});
