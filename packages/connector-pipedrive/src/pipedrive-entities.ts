/** The entities the connector reads (v2 list endpoints) and the v1 fields endpoint that names their columns. */
export const pipedriveEntities = ['persons', 'organizations', 'deals', 'activities', 'products'] as const;
export type PipedriveEntity = (typeof pipedriveEntities)[number];

export const isPipedriveEntity = (value: string): value is PipedriveEntity => (pipedriveEntities as readonly string[]).includes(value);

/** The v1 fields endpoint of each entity (`GET /v1/personFields`...). */
export const fieldsEndpoint = {
  persons: 'personFields',
  organizations: 'organizationFields',
  deals: 'dealFields',
  activities: 'activityFields',
  products: 'productFields',
} as const satisfies Record<PipedriveEntity, string>;
