import { FaultInjector } from '../harness/faults.js';
import { CloudFetchFiles, cloudFetchPathPrefix } from './databricks-cloudfetch.js';
import { RateWindow } from '../harness/rate-window.js';
import type { RecordedRequest } from '../harness/types.js';
import { seedTable, type SeedValue } from './databricks-seed.js';
import { DuckDbWarehouse } from './duckdb-warehouse.js';
import { createSelfSignedCertificate, type TlsIdentity } from './self-signed-certificate.js';
import { type StatementFaultRule, TcliService } from './tcli-service.js';
import { ThriftHttpsFront } from './thrift-https-front.js';
import { DatabricksVolumes, presignedPathPrefix } from './databricks-volumes.js';

/** The token the emulator accepts when none are configured. Obviously not a real personal access token. */
export const databricksSandboxToken = 'dapi-sandbox-emulator-token';

export interface DatabricksEmulatorOptions {
  /** Personal access tokens the warehouse accepts; `readOnly` ones may only read. */
  tokens?: Array<{ token: string; readOnly?: boolean }>;
  /** The warehouse's HTTP path (DATABRICKS_HTTP_PATH). */
  httpPath?: string;
  /** The catalog and schema that exist from the start (`main`.`default`). */
  catalog?: string;
  schema?: string;
  /** Requests per window per token, answered with 429 + Retry-After past it; none by default. */
  rateLimit?: { limit: number; windowMs: number };
  /** Serve column-based rows instead of Arrow (older runtimes). */
  columnBased?: boolean;
  /**
   * LZ4-frame-compress Arrow batches for clients that say they can decompress them
   * (`canDecompressLZ4Result`), as warehouses do; on by default.
   */
  lz4?: boolean;
  /**
   * Serve Arrow results as CloudFetch links (`URL_BASED_SET`) to clients that can download them
   * (`canDownloadResult`, the driver's default), as warehouses do for large results; inline Arrow
   * batches otherwise. Off by default.
   */
  cloudFetch?: boolean;
  /** How long a CloudFetch link stays valid (15 minutes, as Databricks'; 0: expired as soon as given). */
  cloudFetchLinkLifetimeMs?: number;
  /** Most parameters per statement (Databricks: 256); more gets HTTP 400. */
  maxParameters?: number;
  verbose?: boolean;
}

/** How a client reaches the started emulator. */
export interface DatabricksEndpoint {
  host: string;
  port: number;
  httpPath: string;
  token: string;
  /** The test CA (PEM): the driver's `customCaCert`. */
  caCert: string;
  /** The same, as the connector reads them from the environment. */
  env: { DATABRICKS_HOST: string; DATABRICKS_HTTP_PATH: string; DATABRICKS_TOKEN: string };
}

/**
 * A local Databricks SQL warehouse: TCLIService over HTTPS (a certificate generated at start, for
 * `customCaCert`), bearer tokens, DuckDB running the Databricks SQL it receives, Arrow results,
 * and the sandbox's faults: per Thrift method (`ExecuteStatement:MERGE`, `FetchResults`, ...),
 * warm-up 503s, SQL errors on chosen statements, latency that lands after the client gave up.
 */
export class DatabricksEmulator {
  readonly faults = new FaultInjector();
  readonly requests: RecordedRequest[] = [];
  readonly warehouse: DuckDbWarehouse;
  /** Unity Catalog volumes (files for PUT / GET / REMOVE and COPY INTO). */
  readonly volumes = new DatabricksVolumes();
  /** CloudFetch result files not downloaded yet. */
  readonly cloudFetch: CloudFetchFiles;
  readonly service: TcliService;
  readonly rateWindow: RateWindow | undefined;
  readonly #statementFaults: StatementFaultRule[] = [];
  readonly #running: Array<{ match: RegExp; ms: number }> = [];
  readonly #tokens: Map<string, { principal: string; readOnly: boolean }>;
  readonly #front: ThriftHttpsFront;
  readonly #tls: TlsIdentity;
  readonly httpPath: string;
  #warmUp: { until?: number; requests?: number; retryAfterSeconds: number; mode: 'unavailable' | 'session' } | undefined;
  #latencyMs = 0;
  #endpoint: DatabricksEndpoint | undefined;

  constructor(options: DatabricksEmulatorOptions = {}) {
    this.httpPath = options.httpPath ?? '/sql/1.0/warehouses/sandbox0001';
    this.cloudFetch = new CloudFetchFiles(options.cloudFetchLinkLifetimeMs);
    const tokens = options.tokens ?? [{ token: databricksSandboxToken }];
    this.#tokens = new Map(tokens.map((entry, index) => [entry.token, { principal: `user-${index + 1}@sandbox.test`, readOnly: entry.readOnly === true }]));
    this.warehouse = new DuckDbWarehouse({ catalog: options.catalog, schema: options.schema, volumes: this.volumes });
    this.rateWindow = options.rateLimit ? new RateWindow(options.rateLimit.limit, options.rateLimit.windowMs) : undefined;
    const principals = new Map([...this.#tokens.values()].map((entry) => [entry.principal, entry]));
    this.service = new TcliService({
      warehouse: this.warehouse,
      faults: this.faults,
      statementFaults: this.#statementFaults,
      readOnly: (principal) => principals.get(principal ?? '')?.readOnly === true,
      columnBased: options.columnBased === true,
      lz4: options.lz4 !== false,
      cloudFetch: options.cloudFetch === true ? this.cloudFetch : undefined,
      maxParameters: options.maxParameters ?? 256,
      statementLatencyMs: () => this.#latencyMs,
      runningMs: (statement) => this.#running.find((rule) => rule.match.test(statement))?.ms ?? 0,
      sessionWarmUp: (refused) => this.#sessionWarmUp(refused),
      volumes: this.volumes,
      origin: () => `https://127.0.0.1:${this.endpoint.port}`,
    });
    this.#tls = createSelfSignedCertificate();
    this.#front = new ThriftHttpsFront({
      tls: this.#tls,
      httpPath: this.httpPath,
      handler: this.service.handler(),
      authenticate: (token) => this.#tokens.get(token)?.principal,
      gate: () => this.#gate(),
      rateWindow: this.rateWindow,
      storage: {
        routes: [
          { prefix: presignedPathPrefix, name: 'Volume', serve: (incoming, outgoing, body) => this.volumes.serve(incoming, outgoing, body) },
          { prefix: cloudFetchPathPrefix, name: 'CloudFetch', serve: (incoming, outgoing) => this.cloudFetch.serve(incoming, outgoing) },
        ],
        fault: (route) => this.faults.take(route).find((fault) => fault.kind === 'status' || fault.kind === 'reset' || fault.kind === 'latency'),
      },
      requests: this.requests,
      verbose: options.verbose,
    });
  }

  get endpoint(): DatabricksEndpoint {
    if (!this.#endpoint) throw new Error('databricks emulator is not started');
    return this.#endpoint;
  }

  async start(options: { port?: number } = {}): Promise<DatabricksEndpoint> {
    if (this.#endpoint) return this.#endpoint;
    await this.warehouse.start();
    this.volumes.start();
    const port = await this.#front.start('127.0.0.1', options.port ?? 0);
    const token = [...this.#tokens.keys()][0] ?? databricksSandboxToken;
    this.#endpoint = {
      host: '127.0.0.1',
      port,
      httpPath: this.httpPath,
      token,
      caCert: this.#tls.certPem,
      env: { DATABRICKS_HOST: `https://127.0.0.1:${port}`, DATABRICKS_HTTP_PATH: this.httpPath, DATABRICKS_TOKEN: token },
    };
    return this.#endpoint;
  }

  async stop(): Promise<void> {
    await this.#front.stop();
    await this.service.closeAll();
    await this.warehouse.stop();
    this.volumes.stop();
    this.cloudFetch.clear();
    this.#endpoint = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Back to an empty warehouse with no faults, no log, no latency (the sessions are closed). */
  async reset(): Promise<void> {
    await this.service.closeAll();
    await this.warehouse.reset();
    this.volumes.reset();
    this.cloudFetch.clear();
    this.faults.clear();
    this.#statementFaults.length = 0;
    this.#running.length = 0;
    this.requests.length = 0;
    this.service.statements.length = 0;
    this.#warmUp = undefined;
    this.#latencyMs = 0;
  }

  /** Forgets the recorded requests and statements, and the peaks of concurrent downloads. */
  clearLog(): void {
    this.requests.length = 0;
    this.service.statements.length = 0;
    this.#front.resetPeaks();
  }

  /** Creates `table` (`t`, `schema.t` or `catalog.schema.t`) if missing and loads rows into it. */
  async seed(table: string, rows: Array<Record<string, SeedValue>>, options: { columns?: Record<string, string> } = {}): Promise<void> {
    await seedTable(this.warehouse, table, rows, options.columns);
  }

  /** Runs SQL (DuckDB's dialect) on the warehouse directly, e.g. to build a large table for a benchmark. */
  async sql(text: string): Promise<Array<Record<string, unknown>>> {
    const reader = await this.warehouse.admin.runAndReadAll(text);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  }

  async count(table: string): Promise<number> {
    const rows = await this.sql(`SELECT count(*) AS n FROM ${this.warehouse.qualify(table)}`);
    return Number(rows[0]?.n ?? 0);
  }

  /** The table's rows, as JSON values (BIGINT and DECIMAL as strings, timestamps as ISO-like text). */
  async rows(table: string, orderBy?: string): Promise<Array<Record<string, unknown>>> {
    return this.sql(`SELECT * FROM ${this.warehouse.qualify(table)}${orderBy ? ` ORDER BY "${orderBy.replaceAll('"', '""')}"` : ''}`);
  }

  async tableExists(table: string): Promise<boolean> {
    const [catalog, schema, name] = this.warehouse
      .qualify(table)
      .split('.')
      .map((part) => part.slice(1, -1));
    const rows = await this.sql(
      `SELECT 1 FROM information_schema.tables WHERE table_catalog = '${catalog}' AND table_schema = '${schema}' AND table_name = '${(name ?? '').replaceAll("'", "''")}'`,
    );
    return rows.length > 0;
  }

  /**
   * Matching statements keep running on the warehouse for `ms` after they are accepted, as long
   * queries do: the answer to ExecuteStatement carries RUNNING_STATE and no rows, status polls say
   * RUNNING until then, and FetchResults is refused before.
   */
  runStatementsFor(match: RegExp, ms: number): this {
    this.#running.push({ match, ms });
    return this;
  }

  /** Fails matching statements with a Databricks error (after running them when `afterExecution`). */
  failStatement(rule: StatementFaultRule): this {
    this.#statementFaults.push(rule);
    return this;
  }

  /**
   * A warehouse that is starting, for the next `requests` requests or for `ms` milliseconds.
   * `unavailable` (the default): every request gets HTTP 503 TEMPORARILY_UNAVAILABLE with
   * Retry-After. `session`: the gateway accepts OpenSession, but a session opened meanwhile was
   * never initialized: every call on it answers ERROR_STATUS "Session handle ... has not been
   * initialized or had already closed" in an HTTP 200, even after the warehouse is up (lightdash
   * PR #28654 describes both); each such refusal counts as one of the `requests`.
   */
  warmUp(options: { requests?: number; ms?: number; retryAfterSeconds?: number; mode?: 'unavailable' | 'session' }): this {
    this.#warmUp = {
      requests: options.requests,
      until: options.ms === undefined ? undefined : Date.now() + options.ms,
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      mode: options.mode ?? 'unavailable',
    };
    return this;
  }

  /** Latency added to every statement, after it ran (a benchmark's network). */
  setStatementLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Statements the warehouse ran (or refused with a SQL error), in order. */
  get statements(): ReadonlyArray<{ sql: string; sessionId: string; ok: boolean }> {
    return this.service.statements;
  }

  get openSessions(): number {
    return this.service.openSessions;
  }

  get peakConcurrentRequests(): number {
    return this.#front.peakInFlight;
  }

  /** The most CloudFetch file downloads answered at once (slow ones: a `latency` fault on `CloudFetch:GET`). */
  get peakConcurrentDownloads(): number {
    return this.#front.peakInFlightOf('CloudFetch:GET');
  }

  /** Whether the warehouse is still starting (session variant); `refused` counts one refusal. */
  #sessionWarmUp(refused = false): boolean {
    const warm = this.#warmUp;
    if (warm?.mode !== 'session') return false;
    if (!this.#stillWarming(warm)) return false;
    if (refused && warm.requests !== undefined) warm.requests -= 1;
    return true;
  }

  #stillWarming(warm: NonNullable<DatabricksEmulator['warmUpState']>): boolean {
    const byCount = warm.requests !== undefined && warm.requests > 0;
    const byTime = warm.until !== undefined && Date.now() < warm.until;
    if (!byCount && !byTime) {
      this.#warmUp = undefined;
      return false;
    }
    return true;
  }

  get warmUpState() {
    return this.#warmUp;
  }

  #gate() {
    const warm = this.#warmUp;
    if (warm?.mode !== 'unavailable') return undefined;
    const byCount = warm.requests !== undefined && warm.requests > 0;
    const byTime = warm.until !== undefined && Date.now() < warm.until;
    if (!byCount && !byTime) {
      this.#warmUp = undefined;
      return undefined;
    }
    if (byCount) warm.requests = (warm.requests as number) - 1;
    return {
      status: 503,
      message: 'TEMPORARILY_UNAVAILABLE: Cluster sandbox0001 is temporarily unavailable. The warehouse is starting.',
      retryAfterSeconds: warm.retryAfterSeconds,
    };
  }
}

export function createDatabricksEmulator(options: DatabricksEmulatorOptions = {}): DatabricksEmulator {
  return new DatabricksEmulator(options);
}
