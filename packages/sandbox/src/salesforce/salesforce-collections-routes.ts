import type { EmulatorRequest, Route } from '../harness/types.js';
import { restError } from './salesforce-error-bodies.js';
import { OrgRequestError, type WriteOutcome } from './salesforce-org.js';
import { injectedError, jsonObject, restHandler, type RestContext, withAttributes } from './salesforce-rest-context.js';
import type { SalesforceRecordError } from './salesforce-values.js';
import { restValue } from './soql-evaluate.js';

const base = '/services/data/:version/composite/sobjects';

export interface CollectionsOptions {
  /** Most records per request (Salesforce: 200). */
  maxRecords: number;
}

type Item = Record<string, unknown> & { attributes?: { type?: string } };

const rolledBack: SalesforceRecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/**
 * sObject Collections: create (POST), update by id (PATCH), upsert by an External ID
 * (PATCH /{object}/{field}), retrieve (GET) and delete (DELETE), at most 200 records, processed in
 * order, one result per record in the same order; `allOrNone` (false by default) rolls every record
 * back when one fails. A key repeated inside one upsert fails each of its records with
 * DUPLICATE_EXTERNAL_ID (an emulator choice).
 */
export function salesforceCollectionsRoutes(context: RestContext, options: CollectionsOptions): Route[] {
  const { org } = context;

  const readBody = (request: EmulatorRequest): { allOrNone: boolean; records: Item[] } => {
    const body = jsonObject(request);
    if (!Array.isArray(body.records)) throw new OrgRequestError('JSON_PARSER_ERROR', 'The request body is either invalid or incomplete: records is required.');
    if (body.records.length > options.maxRecords) {
      throw new OrgRequestError('EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${options.maxRecords} records into this call`);
    }
    return { allOrNone: body.allOrNone === true, records: body.records as Item[] };
  };

  const typeOf = (item: Item): string => {
    const type = item.attributes?.type;
    if (typeof type !== 'string' || !org.object(type)) {
      throw new OrgRequestError(
        'INVALID_TYPE',
        typeof type === 'string' ? `sObject type '${type}' is not supported.` : 'Each record must have an attributes map with a type.',
      );
    }
    return org.object(type)!.name;
  };

  /** Applies each item in order (rolled back together under allOrNone) and shapes the results. */
  const apply = (
    request: EmulatorRequest,
    objectName: string | undefined,
    allOrNone: boolean,
    items: Item[],
    write: (item: Item, index: number) => WriteOutcome | { errors: SalesforceRecordError[] },
    upsert: boolean,
  ) => {
    const types = objectName ? items.map(() => objectName) : items.map(typeOf);
    for (const [index, item] of items.entries()) {
      const { attributes: _attributes, ...values } = item;
      org.checkFieldNames(types[index]!, values);
    }
    const distinct = [...new Set(types)];
    const runAll = () =>
      items.map((item, index): WriteOutcome => {
        const injected = request.partialFailure?.(item, index);
        if (injected) return { errors: [injectedError(injected)] };
        return write(item, index);
      });
    const failed = (outcomes: WriteOutcome[]) => allOrNone && outcomes.some((outcome) => 'errors' in outcome);
    // allOrNone rolls back every object touched; with one type per request this is a single snapshot.
    const outcomes = distinct.length === 1 ? org.transaction(distinct[0]!, runAll, failed) : runAll();
    const rollback = failed(outcomes);
    return outcomes.map((outcome) => {
      if ('errors' in outcome) return { success: false, errors: outcome.errors };
      if (rollback) return { success: false, errors: [rolledBack] };
      return { id: outcome.id, success: true, errors: [], ...(upsert ? { created: outcome.created } : {}) };
    });
  };

  return [
    {
      method: 'POST',
      path: base,
      name: 'collections.create',
      handler: restHandler(context, (request) => {
        const { allOrNone, records } = readBody(request);
        const results = apply(
          request,
          undefined,
          allOrNone,
          records,
          (item) => {
            const { attributes, ...values } = item;
            return org.create(attributes!.type!, values);
          },
          false,
        );
        return { status: 200, body: results };
      }),
    },
    {
      method: 'PATCH',
      path: base,
      name: 'collections.update',
      handler: restHandler(context, (request) => {
        const { allOrNone, records } = readBody(request);
        const results = apply(
          request,
          undefined,
          allOrNone,
          records,
          (item) => {
            const { attributes, id, Id, ...values } = item;
            return org.update(attributes!.type!, id ?? Id, values);
          },
          false,
        );
        return { status: 200, body: results };
      }),
    },
    {
      method: 'PATCH',
      path: `${base}/:object/:field`,
      name: 'collections.upsert',
      handler: restHandler(context, (request) => {
        const definition = org.object(request.params.object!);
        if (!definition) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
        const keyField = org.upsertKeyField(definition.name, request.params.field!, true);
        // "Only external ids are supported. Don't use record ids." (the wording of the refusal is the emulator's).
        if (keyField.name === 'Id')
          throw new OrgRequestError('INVALID_FIELD', `Field name provided, Id is not an External ID or indexed field for ${definition.name}`);
        const { allOrNone, records } = readBody(request);
        for (const item of records) {
          if (item.attributes?.type !== undefined && org.object(String(item.attributes.type))?.name !== definition.name) {
            throw new OrgRequestError('INVALID_TYPE', `Records must be of type ${definition.name}`);
          }
        }
        const keyOf = (item: Item) => {
          const entry = Object.entries(item).find(([name]) => name.toLowerCase() === keyField.name.toLowerCase());
          return entry?.[1] === undefined || entry[1] === null ? undefined : String(entry[1]).toLowerCase();
        };
        const occurrences = new Map<string, number>();
        for (const item of records) {
          const key = keyOf(item);
          if (key !== undefined) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
        }
        const results = apply(
          request,
          definition.name,
          allOrNone,
          records,
          (item) => {
            const key = keyOf(item);
            if (key !== undefined && (occurrences.get(key) ?? 0) > 1) {
              return { errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${key}`, fields: [keyField.name] }] };
            }
            const { attributes: _attributes, ...values } = item;
            return org.upsert(definition.name, keyField.name, values);
          },
          true,
        );
        return { status: 200, body: results };
      }),
    },
    {
      method: 'GET',
      path: `${base}/:object`,
      name: 'collections.retrieve',
      handler: restHandler(context, (request, version) => {
        const definition = org.object(request.params.object!);
        if (!definition) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
        const ids = (request.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
        if (ids.length > 2000) throw new OrgRequestError('EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 2000 records into this call');
        const names = (request.url.searchParams.get('fields') ?? 'Id').split(',').filter(Boolean);
        const fields = names.map((name) => {
          const field = org.field(definition.name, name);
          if (!field) throw new OrgRequestError('INVALID_FIELD', `No such column '${name}' on entity '${definition.name}'.`);
          return field;
        });
        const body = ids.map((id) => {
          const record = org.get(definition.name, id);
          if (!record) return null;
          return withAttributes(
            version,
            definition.name,
            record,
            Object.fromEntries(fields.map((field) => [field.name, restValue(record, field, definition.fields)])),
          );
        });
        return { status: 200, body };
      }),
    },
    {
      method: 'DELETE',
      path: base,
      name: 'collections.delete',
      handler: restHandler(context, (request) => {
        const ids = (request.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
        if (ids.length > options.maxRecords) {
          throw new OrgRequestError('EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${options.maxRecords} records into this call`);
        }
        const body = ids.map((id) => {
          const definition = org.objects().find((candidate) => id.startsWith(candidate.keyPrefix));
          const outcome = definition
            ? org.delete(definition.name, id)
            : { errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] }] };
          return 'errors' in outcome ? { id, success: false, errors: outcome.errors } : { id: outcome.id, success: true, errors: [] };
        });
        return { status: 200, body };
      }),
    },
  ];
}
