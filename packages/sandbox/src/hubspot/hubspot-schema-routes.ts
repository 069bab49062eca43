import type { Route } from '../harness/types.js';
import type { HubSpotProperty } from './hubspot-default-properties.js';
import { hubSpotError } from './hubspot-error-bodies.js';
import type { CustomObjectDefinition, HubSpotPortal } from './hubspot-portal.js';

const propertyTypes = new Set(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']);

/** The CRM v3 properties API (list, read, create) and the custom-object schemas API (list, read, create). */
export function hubSpotSchemaRoutes(portal: HubSpotPortal): Route[] {
  const unknownType = (objectType: string) => hubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${objectType}`);

  const schemaRoutes = (prefix: string, suffix: string): Route[] => [
    {
      method: 'GET',
      path: prefix,
      name: `schemas.list${suffix}`,
      handler: () => ({ status: 200, body: { results: portal.schemas() } }),
    },
    {
      method: 'GET',
      path: `${prefix}/:objectType`,
      name: `schemas.get${suffix}`,
      handler: (request) => {
        const wanted = request.params.objectType!;
        const schema = portal.schemas().find((entry) => [entry.objectTypeId, entry.fullyQualifiedName, entry.name].includes(wanted));
        return schema ? { status: 200, body: schema } : hubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find object type ${wanted}`);
      },
    },
    {
      method: 'POST',
      path: prefix,
      name: `schemas.create${suffix}`,
      handler: (request) => {
        const egg = (request.body ?? {}) as CustomObjectDefinition;
        if (!egg.name || !/^[a-z][a-z0-9_]*$/i.test(egg.name)) return hubSpotError(400, 'VALIDATION_ERROR', 'name is required and must be alphanumeric');
        if (portal.schemas().some((schema) => schema.name === egg.name)) {
          return hubSpotError(409, 'OBJECT_ALREADY_EXISTS', `An object type with name ${egg.name} already exists`);
        }
        return { status: 201, body: portal.defineCustomObject(egg) };
      },
    },
  ];

  return [
    {
      method: 'GET',
      path: '/crm/v3/properties/:objectType',
      name: 'properties.list',
      handler: (request) => {
        const state = portal.resolve(request.params.objectType!);
        if (!state) return unknownType(request.params.objectType!);
        return { status: 200, body: { results: portal.properties(state.name) } };
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/properties/:objectType/:propertyName',
      name: 'properties.get',
      handler: (request) => {
        const state = portal.resolve(request.params.objectType!);
        if (!state) return unknownType(request.params.objectType!);
        const property = portal.property(state.name, request.params.propertyName!);
        return property
          ? { status: 200, body: property }
          : hubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${request.params.propertyName} for object type ${state.name}`);
      },
    },
    {
      method: 'POST',
      path: '/crm/v3/properties/:objectType',
      name: 'properties.create',
      handler: (request) => {
        const state = portal.resolve(request.params.objectType!);
        if (!state) return unknownType(request.params.objectType!);
        const input = (request.body ?? {}) as Partial<HubSpotProperty>;
        const missing = (['name', 'label', 'type', 'fieldType', 'groupName'] as const).filter((key) => !input[key]);
        if (missing.length > 0) {
          return hubSpotError(400, 'VALIDATION_ERROR', `Invalid input JSON: missing required field(s) ${missing.join(', ')}`, {
            context: { missingFields: missing },
          });
        }
        if (!/^[a-z][a-z0-9_]*$/.test(input.name!)) {
          return hubSpotError(
            400,
            'VALIDATION_ERROR',
            `Property name ${input.name} must start with a lowercase letter and contain only lowercase letters, digits and underscores`,
          );
        }
        if (!propertyTypes.has(input.type!)) return hubSpotError(400, 'VALIDATION_ERROR', `Unknown property type ${input.type}`);
        if (input.type === 'enumeration' || input.type === 'bool') {
          if (!Array.isArray(input.options) || (input.type === 'bool' && input.options.length !== 2)) {
            return hubSpotError(400, 'VALIDATION_ERROR', `Property ${input.name} of type ${input.type} needs options`);
          }
        }
        if (portal.property(state.name, input.name!)) {
          return hubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${input.name}' already exists.`, { context: { name: [input.name!] } });
        }
        return { status: 201, body: portal.defineProperty(state.name, { ...input, name: input.name! }) };
      },
    },
    ...schemaRoutes('/crm-object-schemas/v3/schemas', ''),
    ...schemaRoutes('/crm/v3/schemas', '.legacy'),
  ];
}
