import type { Route } from '../harness/types.js';
import { restError } from './salesforce-error-bodies.js';
import { describeGlobalEntry, describeObject } from './salesforce-describe.js';
import { OrgRequestError } from './salesforce-org.js';
import { jsonObject, recordErrorsResponse, restHandler, type RestContext, withAttributes } from './salesforce-rest-context.js';
import { restValue } from './soql-evaluate.js';

const base = '/services/data/:version';

/**
 * The sObject resources: describeGlobal, describe, single-record create/read/update/delete and
 * upsert by an external id or idLookup field (201 created, 200 updated, 300 on several matches).
 */
export function salesforceSObjectRoutes(context: RestContext): Route[] {
  const { org } = context;
  const definitionOf = (name: string | undefined) => {
    const definition = org.object(name ?? '');
    if (!definition) throw new OrgRequestError('NOT_FOUND', 'The requested resource does not exist', 404);
    return definition;
  };
  return [
    {
      method: 'GET',
      path: `${base}/sobjects`,
      name: 'rest.describeGlobal',
      handler: restHandler(context, (_request, version) => ({
        status: 200,
        body: { encoding: 'UTF-8', maxBatchSize: 200, sobjects: org.objects().map((definition) => describeGlobalEntry(definition, version)) },
      })),
    },
    {
      method: 'GET',
      path: `${base}/sobjects/:object/describe`,
      name: 'rest.describe',
      handler: restHandler(context, (request, version) => ({ status: 200, body: describeObject(definitionOf(request.params.object), version) })),
    },
    {
      method: 'GET',
      path: `${base}/sobjects/:object`,
      name: 'rest.sobject',
      handler: restHandler(context, (request, version) => {
        const definition = definitionOf(request.params.object);
        const recent = org.records(definition.name).slice(-10).reverse();
        return {
          status: 200,
          body: {
            objectDescribe: describeGlobalEntry(definition, version),
            recentItems: recent.map((record) => withAttributes(version, definition.name, record, { Id: record.Id })),
          },
        };
      }),
    },
    {
      method: 'POST',
      path: `${base}/sobjects/:object`,
      name: 'rest.create',
      handler: restHandler(context, (request) => {
        const definition = definitionOf(request.params.object);
        const values = jsonObject(request);
        org.checkFieldNames(definition.name, values);
        const outcome = org.create(definition.name, values);
        if ('errors' in outcome) return recordErrorsResponse(outcome.errors);
        return { status: 201, body: { id: outcome.id, success: true, errors: [] } };
      }),
    },
    {
      method: 'GET',
      path: `${base}/sobjects/:object/:id`,
      name: 'rest.retrieve',
      handler: restHandler(context, (request, version) => {
        const definition = definitionOf(request.params.object);
        const record = org.get(definition.name, request.params.id!);
        if (!record) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
        const names = request.url.searchParams.get('fields')?.split(',').filter(Boolean);
        const fields = names ? names.map((name) => org.field(definition.name, name) ?? raise(name)) : definition.fields;
        return {
          status: 200,
          body: withAttributes(
            version,
            definition.name,
            record,
            Object.fromEntries(fields.map((field) => [field.name, restValue(record, field, definition.fields)])),
          ),
        };
        function raise(name: string): never {
          throw new OrgRequestError('INVALID_FIELD', `No such column '${name}' on entity '${definition.name}'.`);
        }
      }),
    },
    {
      method: 'PATCH',
      path: `${base}/sobjects/:object/:id`,
      name: 'rest.update',
      handler: restHandler(context, (request) => {
        const definition = definitionOf(request.params.object);
        const values = jsonObject(request);
        org.checkFieldNames(definition.name, values);
        const outcome = org.update(definition.name, request.params.id, values);
        if ('errors' in outcome) {
          const notFound = outcome.errors[0]?.statusCode === 'ENTITY_IS_DELETED';
          return notFound ? restError(404, 'NOT_FOUND', 'The requested resource does not exist') : recordErrorsResponse(outcome.errors);
        }
        return { status: 204 };
      }),
    },
    {
      method: 'DELETE',
      path: `${base}/sobjects/:object/:id`,
      name: 'rest.delete',
      handler: restHandler(context, (request) => {
        const definition = definitionOf(request.params.object);
        const outcome = org.delete(definition.name, request.params.id!);
        if ('errors' in outcome) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
        return { status: 204 };
      }),
    },
    {
      method: 'PATCH',
      path: `${base}/sobjects/:object/:field/:value`,
      name: 'rest.upsert',
      handler: restHandler(context, (request, version) => {
        const definition = definitionOf(request.params.object);
        const keyField = org.upsertKeyField(definition.name, request.params.field!, false);
        const values = jsonObject(request);
        org.checkFieldNames(definition.name, values);
        const matches = org.findBy(definition.name, keyField.name, request.params.value!);
        if (matches.length > 1) {
          return { status: 300, body: matches.map((record) => `/services/data/${version}/sobjects/${definition.name}/${record.Id}`) };
        }
        const outcome = org.upsert(definition.name, keyField.name, { ...values, [keyField.name]: request.params.value });
        if ('errors' in outcome) return recordErrorsResponse(outcome.errors);
        return { status: outcome.created ? 201 : 200, body: { id: outcome.id, success: true, errors: [], created: outcome.created } };
      }),
    },
  ];
}
