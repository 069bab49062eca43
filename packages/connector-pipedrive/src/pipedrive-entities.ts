/**
 * The entities the connector reads (v2 list endpoints; leads, which have no v2 endpoint, from v1)
 * and the v1 fields endpoint that names their columns.
 */
export const pipedriveEntities = ['persons', 'organizations', 'deals', 'leads', 'activities', 'products'] as const;
export type PipedriveEntity = (typeof pipedriveEntities)[number];

export const isPipedriveEntity = (value: string): value is PipedriveEntity => (pipedriveEntities as readonly string[]).includes(value);

/** The v1 fields endpoint of each entity (`GET /v1/personFields`...). */
export const fieldsEndpoint = {
  persons: 'personFields',
  organizations: 'organizationFields',
  deals: 'dealFields',
  // Leads "do not have a separate set of custom fields, instead they inherit the custom fields' structure from deals".
  leads: 'dealFields',
  activities: 'activityFields',
  products: 'productFields',
} as const satisfies Record<PipedriveEntity, string>;

/** Entities read from a v1 list (`start` / `limit` paging, custom values at the record's root) rather than a v2 one. */
export const isV1Entity = (entity: PipedriveEntity): boolean => entity === 'leads';
