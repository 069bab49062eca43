import { EmulatorServer, type StartOptions } from '../harness/emulator-server.js';
import { FaultInjector } from '../harness/faults.js';
import type { EmulatorRequest, EmulatorResponse } from '../harness/types.js';
import { GOOGLE_TOKEN_URL, ServiceAccountRegistry, type ServiceAccountKey } from '../google/google-service-accounts.js';
import type { BigQueryContext, JobState } from './bigquery-context.js';
import { bigQueryError, decodeFaultMessage } from './bigquery-errors.js';
import { jobRoutes } from './bigquery-job-routes.js';
import { loadRoutes } from './bigquery-load-routes.js';
import type { TableFieldSchema } from './bigquery-schema.js';
import { PageCache } from './bigquery-page-cache.js';
import { BigQueryStorageServer } from './bigquery-storage-server.js';
import { tableRoutes } from './bigquery-table-routes.js';
import { coerceRecord } from './bigquery-values.js';
import { BigQueryWarehouse, type TableRef } from './bigquery-warehouse.js';
import { detectSchema } from './bigquery-load-routes.js';

export interface BigQueryEmulatorOptions {
  /** Requests per window per service account, answered with BigQuery's 403 `rateLimitExceeded` past it. None by default (BigQuery allows 100/s per method). */
  rateLimit?: { limit: number; windowMs: number };
  /** The location datasets and jobs get when none is given. Default US. */
  location?: string;
  /** Largest upload a load job accepts (bytes). Default 100 MB (BigQuery's limit for a multipart request is far higher; lower it to test splitting). */
  maxUploadBytes?: number;
  /** Serve the Storage Read API over gRPC too (a second loopback port). Default true. */
  storage?: boolean;
  /** Rows per Arrow record batch in a ReadRows response. Default 10,000. */
  storageRowsPerBatch?: number;
  /** Bytes of encoded pages and Arrow batches kept per cache (REST pages, Storage batches) for unchanged tables. Default 256 MB. */
  pageCacheBytes?: number;
  verbose?: boolean;
}

/** The scopes (or the audience of a self-signed JWT) that give a token access to BigQuery. */
const BIGQUERY_SCOPES = new Set([
  'https://www.googleapis.com/auth/bigquery',
  'https://www.googleapis.com/auth/bigquery.readonly',
  'https://www.googleapis.com/auth/bigquery.insertdata',
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/cloud-platform.read-only',
]);
const BIGQUERY_AUDIENCE = 'https://bigquery.googleapis.com/';

function unauthenticated(
  message = 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
): EmulatorResponse {
  return bigQueryError('authError', message, { location: 'Authorization', locationType: 'header' }, 401);
}

/** `project.dataset.table` or `dataset.table` (in `defaultProject`) as a table reference. */
export function parseTableName(name: string | TableRef, defaultProject: string): TableRef {
  if (typeof name !== 'string') return name;
  const parts = name.replace(/^`|`$/g, '').split('.');
  if (parts.length === 3) return { projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! };
  if (parts.length === 2) return { projectId: defaultProject, datasetId: parts[0]!, tableId: parts[1]! };
  throw new Error(`Table name "${name}" must be dataset.table or project.dataset.table`);
}

/**
 * An emulator of the BigQuery v2 REST API on the sandbox harness, with an in-memory DuckDB as its
 * storage and SQL engine. The real @google-cloud/bigquery client is pointed at it with
 * `apiEndpoint: emulator.url` and a self-signed JWT from a key made by `createServiceAccount()`:
 * the JWT's RS256 signature is verified against that key, as Google does.
 */
export function createBigQueryEmulator(options: BigQueryEmulatorOptions = {}) {
  const accounts = new ServiceAccountRegistry();
  const callers = new WeakMap<EmulatorRequest, string>();
  const denied = new Set<string>();
  const disabledProjects = new Set<string>();
  const location = options.location ?? 'US';
  let warehouse: BigQueryWarehouse | undefined;
  let runningChecks = 0;
  let defaultProject = 'automl-sandbox';

  const context: BigQueryContext = {
    get warehouse() {
      if (!warehouse) throw new Error('bigquery emulator is not started');
      return warehouse;
    },
    jobs: new Map<string, JobState>(),
    lateFaults: new FaultInjector(),
    runningChecks: () => runningChecks,
    location,
    callerOf: (request) => callers.get(request) ?? '',
    billedBytes: new Map(),
    requestIds: new Map(),
    pages: new PageCache<string>(options.pageCacheBytes),
    uploads: new Map(),
  };

  const authenticate = (request: EmulatorRequest): { principal: string } | EmulatorResponse => {
    const header = request.headers.authorization;
    if (!header)
      return unauthenticated(
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return unauthenticated();
    const verified = accounts.verify(token);
    if (!verified.ok)
      return unauthenticated(verified.reason === 'expired' ? 'Request had invalid authentication credentials: the token has expired.' : undefined);
    const { claims, account } = verified;
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (claims.aud !== BIGQUERY_AUDIENCE && !scopes.some((scope) => BIGQUERY_SCOPES.has(scope))) {
      return bigQueryError('accessDenied', 'Request had insufficient authentication scopes.', {}, 403);
    }
    if (disabledProjects.has(account.projectId)) {
      const url = `https://console.developers.google.com/apis/api/bigquery.googleapis.com/overview?project=${account.projectNumber}`;
      return bigQueryError(
        'accessNotConfigured',
        `BigQuery API has not been used in project ${account.projectNumber} before or it is disabled. Enable it by visiting ${url} then retry.`,
      );
    }
    if (denied.has(account.clientEmail)) {
      const projectId = request.params.projectId ?? account.projectId;
      const permission = request.route.startsWith('jobs')
        ? 'bigquery.jobs.create'
        : request.route.startsWith('tables') || request.route.startsWith('tabledata')
          ? 'bigquery.tables.getData'
          : 'bigquery.datasets.get';
      return bigQueryError('accessDenied', `Access Denied: Project ${projectId}: User does not have ${permission} permission in project ${projectId}.`);
    }
    callers.set(request, account.clientEmail);
    return { principal: account.clientEmail };
  };

  const server = new EmulatorServer({
    name: 'bigquery',
    verbose: options.verbose,
    authenticate,
    rateLimit: options.rateLimit,
    errorResponse: (status, message, detail) => {
      // BigQuery answers its short-term limits with 403 rateLimitExceeded, not 429.
      if (status === 429 && detail?.kind === 'rate') return bigQueryError('rateLimitExceeded');
      if (status === 401)
        return unauthenticated(detail?.kind === 'auth' ? 'Request had invalid authentication credentials: the token has expired.' : undefined);
      if (status === 404 && message.startsWith('No route')) return bigQueryError('notFound', `Not found: ${message.replace('No route for ', '')}`);
      const decoded = decodeFaultMessage(status, message);
      return bigQueryError(decoded.reason, decoded.message, {}, status);
    },
    routes: [...tableRoutes(context), ...jobRoutes(context), ...loadRoutes(context, options.maxUploadBytes ?? 100 * 1024 * 1024)],
  });

  const storage =
    options.storage === false
      ? undefined
      : new BigQueryStorageServer({
          warehouse: () => context.warehouse,
          faults: server.faults,
          rowsPerBatch: options.storageRowsPerBatch,
          cacheBytes: options.pageCacheBytes,
        });

  const emulator = {
    faults: server.faults,
    /** Faults that answer after the write was done (the job exists, the client sees an error): routes `jobs.insert`, `jobs.upload`, `jobs.query`, `tabledata.insertAll`. */
    lateFaults: context.lateFaults,
    requests: server.requests,
    requestsTo: server.requestsTo.bind(server),
    clearLog: server.clearLog.bind(server),
    get rateWindow() {
      return server.rateWindow;
    },
    get peakConcurrentRequests() {
      return server.peakConcurrentRequests;
    },
    /** The REST root: the client's `apiEndpoint` (requests go to `/bigquery/v2/...` under it). */
    get url() {
      return server.url;
    },
    get warehouse(): BigQueryWarehouse {
      return context.warehouse;
    },
    jobs: context.jobs,
    /** Bytes billed per project since start (the sum of each query's totalBytesBilled). */
    billedBytes: context.billedBytes,

    /**
     * The Storage Read API's gRPC endpoint: `new BigQueryReadClient({ apiEndpoint: host, port,
     * sslCreds: grpc.credentials.createInsecure() })`. Faults on `storage.createReadSession` and
     * `storage.readRows` answer with the gRPC code of their status.
     */
    get storageEndpoint(): { host: string; port: number } {
      if (!storage) throw new Error('the Storage Read API is off (storage: false)');
      return storage.endpoint;
    },
    /** CreateReadSession and ReadRows calls the Storage server answered. */
    get storageRequests() {
      return storage?.requests ?? [];
    },

    async start(startOptions: StartOptions = {}): Promise<string> {
      warehouse ??= await BigQueryWarehouse.create();
      await storage?.start();
      return server.start(startOptions);
    },

    async stop(): Promise<void> {
      await server.stop();
      await storage?.stop();
      warehouse?.close();
      warehouse = undefined;
    },

    /** Back to empty: datasets, tables, jobs, faults and the request log (service accounts stay). */
    async reset(): Promise<void> {
      await warehouse?.reset();
      context.pages.clear();
      storage?.reset();
      context.jobs.clear();
      context.requestIds.clear();
      context.uploads.clear();
      context.billedBytes.clear();
      server.faults.clear();
      context.lateFaults.clear();
      server.clearLog();
      server.rateWindow?.reset();
      runningChecks = 0;
    },

    /** A service account with a fresh RSA key, as the Console's "Add key -> JSON" gives it. Its project becomes the default of the helpers. */
    createServiceAccount(account: { clientEmail?: string; projectId?: string } = {}): ServiceAccountKey {
      const projectId = account.projectId ?? defaultProject;
      defaultProject = projectId;
      return accounts.create({
        projectId,
        clientEmail: account.clientEmail ?? `bigquery-${Math.random().toString(16).slice(2, 8)}@${projectId}.iam.gserviceaccount.com`,
        tokenUri: GOOGLE_TOKEN_URL,
      });
    },
    /** Deletes a key: JWTs it signs are refused from then on (401). */
    revokeKey: (privateKeyId: string) => accounts.revokeKey(privateKeyId),
    /** Takes the account's roles away: every call answers 403 accessDenied naming the missing permission. */
    denyAccess: (clientEmail: string) => denied.add(clientEmail),
    allowAccess: (clientEmail: string) => denied.delete(clientEmail),
    /** The BigQuery API disabled in a project: 403 accessNotConfigured with the activation link. */
    disableApi: (projectId: string) => disabledProjects.add(projectId),
    enableApi: (projectId: string) => disabledProjects.delete(projectId),
    /** Every new job answers RUNNING (jobComplete: false) to this many status checks before DONE. */
    setRunningChecks(checks: number): void {
      runningChecks = checks;
    },

    async createDataset(datasetId: string, datasetOptions: { projectId?: string; location?: string } = {}): Promise<void> {
      await context.warehouse.createDataset({
        projectId: datasetOptions.projectId ?? defaultProject,
        datasetId,
        location: datasetOptions.location ?? location,
      });
    },

    async createTable(table: string | TableRef, fields: TableFieldSchema[]): Promise<void> {
      await context.warehouse.createTable(parseTableName(table, defaultProject), fields);
    },

    /**
     * Writes rows into a table (`dataset.table` or `project.dataset.table`), creating the dataset and
     * the table when needed, with `fields` or a schema detected from the rows. Rows are JSON values
     * as a load job takes them (timestamps as text, BYTES as base64).
     */
    async seed(table: string | TableRef, rows: Array<Record<string, unknown>>, fields?: TableFieldSchema[]): Promise<void> {
      const ref = parseTableName(table, defaultProject);
      if (!context.warehouse.getDataset(ref.projectId, ref.datasetId))
        await context.warehouse.createDataset({ projectId: ref.projectId, datasetId: ref.datasetId, location });
      const exists = await context.warehouse.tableExists(ref);
      const schema = exists ? await context.warehouse.schemaOf(ref) : (fields ?? detectSchema(rows));
      const checked = rows.map((row, index) => {
        const coerced = coerceRecord(schema, row, '', false);
        if (!coerced.ok) throw new Error(`seed row ${index}: ${coerced.message}`);
        return coerced.value as Record<string, unknown>;
      });
      await context.warehouse.writeRows(ref, schema, checked, { truncate: false, create: !exists });
    },

    /** How many rows a table holds now. */
    async countRows(table: string | TableRef): Promise<number> {
      return context.warehouse.countRows(parseTableName(table, defaultProject));
    },

    /** A table's rows as JSON objects (DuckDB's JSON rendering: INT64 and NUMERIC as text), in storage order. */
    async rows(table: string | TableRef): Promise<Array<Record<string, unknown>>> {
      const ref = parseTableName(table, defaultProject);
      return context.warehouse.serial(async (connection) => {
        const reader = await connection.runAndReadAll(`SELECT * FROM "${ref.projectId}"."${ref.datasetId}"."${ref.tableId}" ORDER BY rowid`);
        return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
      });
    },

    /** Load and query jobs created in a project, in creation order. */
    jobsIn(projectId: string = defaultProject): JobState[] {
      return [...context.jobs.values()].filter((job) => job.projectId === projectId);
    },

    async [Symbol.asyncDispose](): Promise<void> {
      await emulator.stop();
    },
  };
  return emulator;
}

export type BigQueryEmulator = ReturnType<typeof createBigQueryEmulator>;
