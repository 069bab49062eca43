export { HubSpotConnector, createConnector, type HubSpotConnectorConfig } from './hubspot-connector.js';
export { classifyHubSpotError } from './hubspot-errors.js';
export { retryDelayFromHeaders } from './hubspot-rate-limit-headers.js';
