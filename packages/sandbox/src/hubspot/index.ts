// @automl/sandbox/hubspot: the HubSpot emulator alone (CRM v3).
export { createHubSpotEmulator, hubSpotSandboxToken, type HubSpotEmulator, type HubSpotEmulatorOptions } from './hubspot-emulator.js';
export {
  HubSpotPortal,
  type CustomObjectDefinition,
  type HubSpotObjectSchema,
  type HubSpotRecord,
  type PortalState as HubSpotPortalState,
} from './hubspot-portal.js';
export type { HubSpotProperty } from './hubspot-default-properties.js';
export { allHubSpotScopes } from './hubspot-scopes.js';
