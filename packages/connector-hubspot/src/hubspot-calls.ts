import type { ConnectorContext } from '@automl/connector-core';
import type { HubSpotApis } from './hubspot-client.js';

/**
 * What the modules that describe a portal (properties, custom objects) need of the connector,
 * outside a read or a write: its policy's `call` (so every request goes through core's limiter,
 * timeout, retry and breaker) and the SDK slices, opened lazily. Reads and writes use core's
 * ConnectorContext instead.
 */
export interface HubSpotCalls extends Pick<ConnectorContext, 'call' | 'logger'> {
  connected(): Promise<HubSpotApis>;
}
