import type { EmulatorRequest } from '../harness/types.js';
import type { HubSpotPortal } from './hubspot-portal.js';

const standard = new Set(['contacts', 'companies', 'deals']);

/** Every scope the emulator checks: what a token gets when the test does not restrict it. */
export const allHubSpotScopes = [
  ...['contacts', 'companies', 'deals', 'custom'].flatMap((type) => [`crm.objects.${type}.read`, `crm.objects.${type}.write`]),
  ...['contacts', 'companies', 'deals', 'custom'].flatMap((type) => [`crm.schemas.${type}.read`, `crm.schemas.${type}.write`]),
];

/**
 * The scopes a request needs, any one of which suffices, following HubSpot's scope reference:
 * object reads and writes need `crm.objects.<type>.read|write` (`custom` for custom objects),
 * reading properties needs the object's read scope or `crm.schemas.<type>.read`, creating them
 * `crm.schemas.<type>.write`, and the custom-object schemas API `crm.schemas.custom.*`.
 */
export function requiredScopes(request: EmulatorRequest, portal: HubSpotPortal): string[] {
  const resolved = request.params.objectType ? portal.resolve(request.params.objectType)?.name : undefined;
  const type = resolved === undefined ? 'custom' : standard.has(resolved) ? resolved : 'custom';
  const route = request.route;
  if (route.startsWith('schemas.')) return [request.method === 'GET' ? 'crm.schemas.custom.read' : 'crm.schemas.custom.write'];
  if (route.startsWith('properties.')) {
    return request.method === 'GET' ? [`crm.objects.${type}.read`, `crm.schemas.${type}.read`] : [`crm.schemas.${type}.write`];
  }
  if (route.startsWith('objects.')) {
    const reading = request.method === 'GET' || route === 'objects.batchRead';
    return [`crm.objects.${type}.${reading ? 'read' : 'write'}`];
  }
  return [];
}
