import type { CallContext, CallOptions, ConnectorMetrics, Logger } from '@automl/connector-core';
import type { HubSpotApis } from './hubspot-client.js';

/**
 * What the connector lends the modules that talk to HubSpot. `call` is the connector's own
 * `this.call`: the only way they reach the SDK, so every request still goes through core's policy
 * (limiter, timeout, retry, breaker, metrics, redaction). `connected` opens the connection lazily
 * and hands back the SDK slices; the modules only ever touch them inside `call`.
 */
export interface HubSpotRemoteContext {
  /** The connector's id, for errors, logs and metrics. */
  connectorId: string;
  call<R>(operation: string, fn: (context: CallContext) => Promise<R>, options?: CallOptions): Promise<R>;
  connected(): Promise<HubSpotApis>;
  metrics: ConnectorMetrics;
  logger: Logger;
  /** Hands the X-HubSpot-RateLimit-* headers of a successful answer to core's limiter. */
  observeHeaders(headers: Record<string, string | undefined> | undefined): void;
}
