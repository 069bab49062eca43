import { createRequire } from 'node:module';
import type { Counter, Histogram, Metric, Registry } from 'prom-client';

type PromClient = typeof import('prom-client');

/** Latency buckets from 5 ms to 10 min: bulk loads and exports run far past prom-client's 10 s default. */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

let promClient: PromClient | null | undefined;
/** prom-client is an optional peer dependency: without it, metrics are a no-op rather than a crash. */
function loadPromClient(): PromClient | null {
  if (promClient !== undefined) return promClient;
  try {
    promClient = createRequire(import.meta.url)('prom-client') as PromClient;
  } catch {
    promClient = null;
  }
  return promClient;
}

/**
 * The default registry and the metrics on each registry are kept on `globalThis` under `Symbol.for`
 * keys, so two installed copies of core (npm nests a second copy when a connector's core range
 * differs) count into one registry instead of two, and never register a metric twice.
 */
const defaultRegistryKey = Symbol.for('@automl/connector-core/default-metrics-registry');

/**
 * The registry connectors use when the caller passes none. It is the library's own, never
 * prom-client's global one: expose it with `registry.metrics()` or merge it into yours.
 */
export function getDefaultMetricsRegistry(): Registry {
  const client = loadPromClient();
  if (!client) throw new Error('Install prom-client (a peer dependency of @automl/connector-core) to read metrics.');
  const holder = globalThis as { [defaultRegistryKey]?: Registry };
  holder[defaultRegistryKey] ??= new client.Registry();
  return holder[defaultRegistryKey];
}

/**
 * The metric of that name on the registry, registering it only when it is not there yet: another
 * copy of core, or a second ConnectorMetrics on the same registry, reuses it rather than crashing
 * with "A metric with the name ... has already been registered". A metric of that name the user
 * registered with other labels is a clear error, not a crash at the first increment.
 */
function registered<T extends Metric>(registry: Registry, name: string, labelNames: readonly string[], create: () => T): T {
  const existing = registry.getSingleMetric(name) as (T & { labelNames?: readonly string[] }) | undefined;
  if (!existing) return create();
  const labels = existing.labelNames ?? [];
  if (labels.length !== labelNames.length || labelNames.some((label) => !labels.includes(label))) {
    throw new Error(
      `The metrics registry already holds ${name} with labels [${labels.join(', ')}]; @automl/connector-core needs [${labelNames.join(', ')}]. Pass another registry.`,
    );
  }
  return existing;
}

export type Outcome = 'success' | 'error';

/**
 * The specification's metrics (`ml_connectors_requests_total`, `ml_connectors_latency_seconds`,
 * `ml_connectors_errors_total`, `ml_connectors_data_volume_bytes`) plus retries and rate-limit
 * waits. Labels are the connector, the operation and an outcome or error type: never a value that
 * could hold data or a credential. One instance per registry, shared by every connector using it.
 */
export class ConnectorMetrics {
  readonly registry: Registry | undefined;
  readonly #requests?: Counter<'connector' | 'operation' | 'outcome'>;
  readonly #latency?: Histogram<'connector' | 'operation' | 'outcome'>;
  readonly #errors?: Counter<'connector' | 'operation' | 'error_type'>;
  readonly #bytes?: Counter<'connector' | 'operation'>;
  readonly #rows?: Counter<'connector' | 'operation'>;
  readonly #retries?: Counter<'connector' | 'operation'>;
  readonly #rateLimitWaits?: Counter<'connector'>;
  readonly #rateLimitWaitSeconds?: Counter<'connector'>;

  private constructor(registry: Registry | undefined) {
    this.registry = registry;
    const client = loadPromClient();
    if (!client || !registry) return;
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      registered(registry, name, labelNames, () => new client.Counter<L>({ name, help, labelNames, registers }));
    this.#requests = counter('ml_connectors_requests_total', 'Requests made to a source or destination system, by outcome.', [
      'connector',
      'operation',
      'outcome',
    ]);
    this.#latency = registered(
      registry,
      'ml_connectors_latency_seconds',
      ['connector', 'operation', 'outcome'],
      () =>
        new client.Histogram({
          name: 'ml_connectors_latency_seconds',
          help: 'Latency of one operation including retries and rate-limit waits.',
          labelNames: ['connector', 'operation', 'outcome'],
          buckets: latencyBuckets,
          registers,
        }),
    );
    this.#errors = counter('ml_connectors_errors_total', 'Operations that failed after retries, by error type.', ['connector', 'operation', 'error_type']);
    this.#bytes = counter('ml_connectors_data_volume_bytes', 'Bytes read from or written to a system (payload size as received or sent).', [
      'connector',
      'operation',
    ]);
    this.#rows = counter('ml_connectors_rows_total', 'Rows read or written.', ['connector', 'operation']);
    this.#retries = counter('ml_connectors_retries_total', 'Retried attempts after a retryable failure.', ['connector', 'operation']);
    this.#rateLimitWaits = counter('ml_connectors_rate_limit_waits_total', 'Requests held back by the client-side rate limiter.', ['connector']);
    this.#rateLimitWaitSeconds = counter('ml_connectors_rate_limit_wait_seconds_total', 'Time spent waiting for the client-side rate limiter.', ['connector']);
  }

  static readonly #byRegistry = new WeakMap<Registry, ConnectorMetrics>();
  static #disabled: ConnectorMetrics | undefined;

  /**
   * The metrics on `registry` (the library's default registry when omitted), created once per
   * registry; registering is idempotent, so another copy of core on the same registry reuses the
   * same counters.
   */
  static for(registry?: Registry | null): ConnectorMetrics {
    if (registry === null || !loadPromClient()) return (ConnectorMetrics.#disabled ??= new ConnectorMetrics(undefined));
    const target = registry ?? getDefaultMetricsRegistry();
    let metrics = ConnectorMetrics.#byRegistry.get(target);
    if (!metrics) {
      metrics = new ConnectorMetrics(target);
      ConnectorMetrics.#byRegistry.set(target, metrics);
    }
    return metrics;
  }

  recordRequest(connector: string, operation: string, outcome: Outcome, seconds: number): void {
    this.#requests?.inc({ connector, operation, outcome });
    this.#latency?.observe({ connector, operation, outcome }, seconds);
  }

  recordError(connector: string, operation: string, errorType: string): void {
    this.#errors?.inc({ connector, operation, error_type: errorType });
  }

  recordBytes(connector: string, operation: string, bytes: number): void {
    if (bytes > 0) this.#bytes?.inc({ connector, operation }, bytes);
  }

  recordRows(connector: string, operation: string, rows: number): void {
    if (rows > 0) this.#rows?.inc({ connector, operation }, rows);
  }

  recordRetry(connector: string, operation: string): void {
    this.#retries?.inc({ connector, operation });
  }

  recordRateLimitWait(connector: string, milliseconds: number): void {
    if (milliseconds <= 0) return;
    this.#rateLimitWaits?.inc({ connector });
    this.#rateLimitWaitSeconds?.inc({ connector }, milliseconds / 1000);
  }
}
