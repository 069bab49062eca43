import { EmulatorServer } from '../harness/emulator-server.js';
import type { Route } from '../harness/types.js';
import { invalidSession, requestLimitExceeded, salesforceErrorResponse } from './salesforce-error-bodies.js';
import { type BulkProcessing, salesforceBulkIngestRoutes } from './salesforce-bulk-ingest.js';
import { salesforceBulkQueryRoutes } from './salesforce-bulk-query.js';
import { salesforceCollectionsRoutes } from './salesforce-collections-routes.js';
import { type ConnectedApp, SalesforceSessions, type SalesforceUser } from './salesforce-oauth.js';
import { SalesforceOrg, type SalesforceRecord } from './salesforce-org.js';
import { salesforceQueryRoutes } from './salesforce-query-routes.js';
import { restHandler, type RestContext } from './salesforce-rest-context.js';
import type { SalesforceObjectDefinition } from './salesforce-schema.js';
import { salesforceSObjectRoutes } from './salesforce-sobject-routes.js';
import { salesforceToolingRoutes } from './salesforce-tooling-routes.js';

/** The emulator's default Connected App and user. Obviously not real credentials. */
export const salesforceSandboxCredentials = {
  clientId: '3MVG9sandbox.emulator.connected.app',
  clientSecret: 'sandbox-emulator-client-secret',
  username: 'automl@sandbox.example.com',
  password: 'sandbox-password',
  securityToken: 'SANDBOXSECURITYTOKEN',
} as const;

export interface SalesforceEmulatorOptions {
  users?: SalesforceUser[];
  apps?: ConnectedApp[];
  /** The org's API requests per rolling 24 hours (an Enterprise org starts near 100,000). */
  dailyApiLimit?: number;
  /** Highest API version served (66.0 by default); 31.0 and up answer. */
  maxApiVersion?: number;
  /** Records per query batch when the client asks for none (2,000, Salesforce's default and maximum). */
  queryBatchSize?: number;
  /** Most records per sObject Collections request (200). */
  collectionsMax?: number;
  /** Records per Bulk query results page without `maxRecords` (50,000, an emulator choice). */
  bulkQueryPageSize?: number;
  /** Status polls a Bulk job spends InProgress before completing (1). */
  bulkPollsToComplete?: number;
  /** Longest request URL answered; longer ones get 414 (16,384: Salesforce's URI and headers limit). */
  maxUrlLength?: number;
  objects?: SalesforceObjectDefinition[];
  verbose?: boolean;
}

export type SalesforceEmulator = EmulatorServer & {
  org: SalesforceOrg;
  sessions: SalesforceSessions;
  /** How Bulk jobs progress; set `hold` to keep jobs InProgress. */
  bulk: BulkProcessing;
  /** A valid access token for the default user. */
  token: string;
  /** A refresh token of the default app and user. */
  refreshToken: string;
  credentials: typeof salesforceSandboxCredentials;
  /** API requests counted in the current 24 hours, and the allocation. */
  apiUsage: { used: number; limit: number };
  /** The fixture contract of the conformance suite. */
  seed(object: string, rows: Array<Record<string, unknown>>): SalesforceRecord[];
  count(object: string): number;
  records(object: string): SalesforceRecord[];
  /** Back to a fresh org: default objects, no records, jobs, sessions but the default ones, faults or log. */
  reset(): void;
};

/** Requests that need no session and count against no limit. */
const openRoutes = new Set(['oauth.token', 'oauth.revoke', 'rest.versions']);

/**
 * A local Salesforce org over HTTP: the OAuth token endpoint, REST (`/services/data/vXX.X/`:
 * versions, limits, describeGlobal, describe, sObject CRUD and upsert, query / queryAll /
 * query-more), sObject Collections, Bulk API 2.0 ingest and query jobs and the Tooling API's
 * CustomField create, with Salesforce's error bodies, `Sforce-Limit-Info: api-usage=N/M` and 403
 * REQUEST_LIMIT_EXCEEDED past the daily allocation. jsforce runs against it with only its URLs changed.
 */
export function createSalesforceEmulator(options: SalesforceEmulatorOptions = {}): SalesforceEmulator {
  const org = new SalesforceOrg(options.objects);
  const users = options.users ?? [
    {
      username: salesforceSandboxCredentials.username,
      password: salesforceSandboxCredentials.password,
      securityToken: salesforceSandboxCredentials.securityToken,
    },
  ];
  const apps = options.apps ?? [
    { clientId: salesforceSandboxCredentials.clientId, clientSecret: salesforceSandboxCredentials.clientSecret, runAs: users[0]?.username },
  ];
  const sessions = new SalesforceSessions(users, apps, org.organizationId);
  const usage = { used: 0, limit: options.dailyApiLimit ?? 100_000 };
  const context: RestContext = { org, maxApiVersion: options.maxApiVersion ?? 66 };
  const bulk: BulkProcessing = { pollsToComplete: options.bulkPollsToComplete ?? 1, hold: false, maxUploadBytes: 150_000_000 };
  const query = salesforceQueryRoutes(context, { defaultBatchSize: options.queryBatchSize ?? 2000 });
  const ingest = salesforceBulkIngestRoutes(context, bulk);
  const bulkQuery = salesforceBulkQueryRoutes(context, bulk, { defaultPageSize: options.bulkQueryPageSize ?? 50_000 });
  let server: EmulatorServer;

  const versions = () => {
    const list = [];
    for (let version = 31; version <= context.maxApiVersion; version += 1) {
      list.push({ label: `v${version}.0`, url: `/services/data/v${version}.0`, version: `${version}.0` });
    }
    return list;
  };

  const dataRoutes: Route[] = [
    {
      method: 'GET',
      path: '/services/data/:version',
      name: 'rest.resources',
      handler: restHandler(context, (_request, version) => {
        const at = (path: string) => `/services/data/${version}/${path}`;
        return {
          status: 200,
          body: {
            sobjects: at('sobjects'),
            query: at('query'),
            queryAll: at('queryAll'),
            limits: at('limits'),
            composite: at('composite'),
            jobs: at('jobs'),
            tooling: at('tooling'),
          },
        };
      }),
    },
    {
      method: 'GET',
      path: '/services/data/:version/limits',
      name: 'rest.limits',
      handler: restHandler(context, () => ({
        status: 200,
        body: {
          DailyApiRequests: { Max: usage.limit, Remaining: Math.max(0, usage.limit - usage.used) },
          DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
          DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
          DataStorageMB: { Max: 1024, Remaining: 1024 },
        },
      })),
    },
    ...query.routes,
    ...salesforceCollectionsRoutes(context, { maxRecords: options.collectionsMax ?? 200 }),
    ...ingest.routes,
    ...bulkQuery.routes,
    ...salesforceToolingRoutes(context),
    ...salesforceSObjectRoutes(context),
  ];

  // Every metered answer carries the org's usage, as Salesforce's REST responses do.
  const metered: Route[] = dataRoutes.map((route) => ({
    ...route,
    handler: async (request) => {
      const response = await route.handler(request);
      response.headers = { 'sforce-limit-info': `api-usage=${usage.used}/${usage.limit}`, ...response.headers };
      return response;
    },
  }));

  server = new EmulatorServer({
    name: 'salesforce',
    routes: [
      ...sessions.routes(() => server.url),
      { method: 'GET', path: '/services/data', name: 'rest.versions', handler: () => ({ status: 200, body: versions() }) },
      ...metered,
    ],
    errorResponse: salesforceErrorResponse,
    maxUrlLength: options.maxUrlLength ?? 16_384,
    authenticate: (request) => {
      if (openRoutes.has(request.route)) return { principal: 'anonymous' };
      const header = String(request.headers.authorization ?? '');
      const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header)?.[1]?.trim();
      const principal = sessions.principal(token);
      if (!principal) return invalidSession();
      if (usage.used >= usage.limit) return requestLimitExceeded();
      usage.used += 1;
      return { principal };
    },
    state: { export: () => org.export(), import: (data) => org.import(data) },
    verbose: options.verbose,
  });

  const emulator = Object.assign(server, {
    org,
    sessions,
    bulk,
    token: sessions.issueAccessToken(),
    refreshToken: sessions.issueRefreshToken(),
    credentials: salesforceSandboxCredentials,
    apiUsage: usage,
    seed: (object: string, rows: Array<Record<string, unknown>>) => org.seed(object, rows),
    count: (object: string) => org.count(object),
    records: (object: string) => org.records(object),
    reset: () => {
      org.reset(options.objects);
      query.clear();
      ingest.clear();
      bulkQuery.clear();
      sessions.clear();
      server.faults.clear();
      server.clearLog();
      usage.used = 0;
      bulk.hold = false;
      emulator.token = sessions.issueAccessToken();
      emulator.refreshToken = sessions.issueRefreshToken();
    },
  });
  return emulator;
}
