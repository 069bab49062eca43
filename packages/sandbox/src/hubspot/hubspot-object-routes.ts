import type { EmulatorRequest, EmulatorResponse, Route } from '../harness/types.js';
import { defaultReturnedProperties } from './hubspot-default-properties.js';
import { hubSpotError, validationErrorMessage } from './hubspot-error-bodies.js';
import type { HubSpotPortal, HubSpotRecord } from './hubspot-portal.js';
import { invalidValues, unknownProperties } from './hubspot-validate-values.js';

export interface ObjectRouteOptions {
  /** Most records one list page returns (HubSpot: 100). */
  pageSizeMax: number;
  /** Most inputs one batch call takes (HubSpot: 100). */
  batchInputMax: number;
}

interface BatchInput {
  id?: string;
  idProperty?: string;
  objectWriteTraceId?: string;
  properties?: Record<string, unknown>;
}

interface ItemError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors?: Array<{ message: string; code: string; context: Record<string, string[]> }>;
}

const typeLabel = (objectType: string) => (objectType.endsWith('s') ? objectType.slice(0, -1) : objectType).toUpperCase();

/**
 * The CRM v3 objects API: list with `after` paging, single read and create, and the batch
 * read/create/update/upsert endpoints with HubSpot's 100-input limit and 207 multi-status answers.
 * As HubSpot documents, per-input failures come back as 207 only when the inputs carry an
 * `objectWriteTraceId`; without one, an invalid input fails the whole batch with a 400.
 */
export function hubSpotObjectRoutes(portal: HubSpotPortal, options: ObjectRouteOptions): Route[] {
  const base = '/crm/v3/objects/:objectType';

  const withType = (request: EmulatorRequest, handler: (objectType: string) => EmulatorResponse): EmulatorResponse => {
    const objectType = portal.resolve(request.params.objectType!)?.name;
    if (!objectType) return hubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${request.params.objectType}`);
    return handler(objectType);
  };

  const view = (objectType: string, record: HubSpotRecord, requested: string[] | undefined): Record<string, unknown> => {
    const names = requested ?? defaultReturnedProperties[objectType] ?? ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];
    const properties: Record<string, string | null> = {};
    for (const name of names) if (portal.property(objectType, name)) properties[name] = record.properties[name] ?? null;
    return { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: record.archived };
  };

  const requestedProperties = (url: URL): string[] | undefined => {
    const values = url.searchParams
      .getAll('properties')
      .flatMap((value) => value.split(','))
      .filter(Boolean);
    return values.length > 0 ? values : undefined;
  };

  const batchEnvelope = (results: unknown[], errors: ItemError[], started: string, successStatus = 200): EmulatorResponse => ({
    status: errors.length > 0 ? 207 : successStatus,
    body: {
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      requestedAt: started,
      startedAt: started,
      completedAt: new Date().toISOString(),
    },
  });

  /** Shared checks of a batch body: the input limit and unknown property names. */
  const checkBatch = (objectType: string, inputs: BatchInput[] | undefined): EmulatorResponse | undefined => {
    if (!Array.isArray(inputs)) return hubSpotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: "inputs" is required');
    if (inputs.length > options.batchInputMax) {
      return hubSpotError(400, 'VALIDATION_ERROR', `Batch input contains ${inputs.length} inputs; the limit is ${options.batchInputMax}.`, {
        context: { inputs: [String(inputs.length)], maxInputs: [String(options.batchInputMax)] },
      });
    }
    const missing = new Set<string>();
    for (const input of inputs) for (const name of unknownProperties(input.properties ?? {}, (name) => portal.property(objectType, name))) missing.add(name);
    if (missing.size > 0) {
      const names = [...missing];
      return hubSpotError(
        400,
        'VALIDATION_ERROR',
        validationErrorMessage(names.map((name) => ({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` }))),
        { errors: names.map((name) => ({ message: `Property "${name}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [name] } })) },
      );
    }
    return undefined;
  };

  /** Per-input validation, including injected partial failures. */
  const inputIssue = (
    request: EmulatorRequest,
    objectType: string,
    input: BatchInput,
    index: number,
    properties: Record<string, string | null>,
  ): ItemError | undefined => {
    const context: Record<string, string[]> = input.objectWriteTraceId !== undefined ? { objectWriteTraceId: [input.objectWriteTraceId] } : {};
    const injected = request.partialFailure?.(input, index);
    if (injected) return { status: 'error', category: 'VALIDATION_ERROR', message: injected, context };
    const issues = invalidValues(properties, (name) => portal.property(objectType, name), objectType);
    if (issues.length === 0) return undefined;
    return {
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: validationErrorMessage(issues),
      context,
      errors: issues.map((issue) => ({ message: issue.message, code: issue.error, context: { propertyName: [issue.name] } })),
    };
  };

  /** Runs a batch write: 207 with per-input errors when traced, else all-or-nothing 400. */
  const runBatch = (
    request: EmulatorRequest,
    objectType: string,
    inputs: BatchInput[],
    apply: (input: BatchInput, properties: Record<string, string | null>) => Record<string, unknown> | ItemError,
    successStatus = 200,
  ): EmulatorResponse => {
    const started = new Date().toISOString();
    const traced = inputs.every((input) => typeof input.objectWriteTraceId === 'string');
    const prepared = inputs.map((input, index) => {
      const properties = stringifyProperties(input.properties ?? {});
      return { input, properties, issue: inputIssue(request, objectType, input, index, properties) };
    });
    const firstIssue = prepared.find((entry) => entry.issue)?.issue;
    if (firstIssue && !traced) return hubSpotError(400, 'VALIDATION_ERROR', firstIssue.message, firstIssue.errors ? { errors: firstIssue.errors } : {});
    const results: unknown[] = [];
    const errors: ItemError[] = [];
    for (const { input, properties, issue } of prepared) {
      if (issue) {
        errors.push(issue);
        continue;
      }
      const outcome = apply(input, properties);
      if ('status' in outcome && outcome.status === 'error') errors.push(outcome as ItemError);
      else results.push({ ...outcome, ...(input.objectWriteTraceId !== undefined ? { objectWriteTraceId: input.objectWriteTraceId } : {}) });
    }
    return batchEnvelope(results, errors, started, successStatus);
  };

  const writtenView = (objectType: string, record: HubSpotRecord, written: Record<string, unknown>) =>
    view(objectType, record, [...new Set([...(defaultReturnedProperties[objectType] ?? ['hs_object_id']), ...Object.keys(written)])]);

  return [
    {
      method: 'GET',
      path: base,
      name: 'objects.list',
      handler: (request) =>
        withType(request, (objectType) => {
          const limit = Math.max(1, Math.min(options.pageSizeMax, Number(request.url.searchParams.get('limit') ?? 10) || 10));
          const after = request.url.searchParams.get('after') ?? undefined;
          if (after !== undefined && !/^\d+$/.test(after)) return hubSpotError(400, 'VALIDATION_ERROR', `Invalid paging cursor: ${after}`);
          const page = portal.page(objectType, after, limit);
          const requested = requestedProperties(request.url);
          const next = page.next;
          const link = next ? `${request.url.pathname}?after=${next}&limit=${limit}` : undefined;
          return {
            status: 200,
            body: {
              results: page.records.map((record) => view(objectType, record, requested)),
              ...(next ? { paging: { next: { after: next, link } } } : {}),
            },
          };
        }),
    },
    {
      method: 'GET',
      path: `${base}/:objectId`,
      name: 'objects.get',
      handler: (request) =>
        withType(request, (objectType) => {
          const idProperty = request.url.searchParams.get('idProperty') ?? undefined;
          const record = idProperty
            ? portal.findByUnique(objectType, idProperty, request.params.objectId!)
            : portal.getObject(objectType, request.params.objectId!);
          if (!record) return hubSpotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
          return { status: 200, body: view(objectType, record, requestedProperties(request.url)) };
        }),
    },
    {
      method: 'POST',
      path: base,
      name: 'objects.create',
      handler: (request) =>
        withType(request, (objectType) => {
          const input = (request.body ?? {}) as BatchInput;
          const invalid = checkBatch(objectType, [input]);
          if (invalid) return invalid;
          const properties = stringifyProperties(input.properties ?? {});
          const issue = inputIssue(request, objectType, input, 0, properties);
          if (issue) return hubSpotError(400, 'VALIDATION_ERROR', issue.message, issue.errors ? { errors: issue.errors } : {});
          const conflict = uniqueConflict(portal, objectType, properties);
          if (conflict) return hubSpotError(409, 'CONFLICT', conflict);
          const record = portal.createRecord(objectType, properties);
          return { status: 201, body: writtenView(objectType, record, properties) };
        }),
    },
    {
      method: 'POST',
      path: `${base}/batch/read`,
      name: 'objects.batchRead',
      handler: (request) =>
        withType(request, (objectType) => {
          const body = (request.body ?? {}) as { inputs?: Array<{ id: string }>; properties?: string[]; idProperty?: string };
          const invalid = checkBatch(objectType, body.inputs);
          if (invalid) return invalid;
          const started = new Date().toISOString();
          const results: unknown[] = [];
          const missing: string[] = [];
          for (const input of body.inputs ?? []) {
            const record = body.idProperty ? portal.findByUnique(objectType, body.idProperty, input.id) : portal.getObject(objectType, input.id);
            if (record) results.push(view(objectType, record, body.properties?.length ? body.properties : undefined));
            else missing.push(input.id);
          }
          const errors: ItemError[] = missing.length
            ? [
                {
                  status: 'error',
                  category: 'OBJECT_NOT_FOUND',
                  message: `Could not get some ${typeLabel(objectType)} objects, they may be deleted or not exist. Check that ids are valid.`,
                  context: { ids: missing },
                },
              ]
            : [];
          return batchEnvelope(results, errors, started);
        }),
    },
    {
      method: 'POST',
      path: `${base}/batch/create`,
      name: 'objects.batchCreate',
      handler: (request) =>
        withType(request, (objectType) => {
          const inputs = ((request.body ?? {}) as { inputs?: BatchInput[] }).inputs;
          const invalid = checkBatch(objectType, inputs);
          if (invalid) return invalid;
          return runBatch(
            request,
            objectType,
            inputs!,
            (input, properties) => {
              const conflict = uniqueConflict(portal, objectType, properties);
              if (conflict) return { status: 'error', category: 'CONFLICT', message: conflict, context: traceContext(input) };
              return writtenView(objectType, portal.createRecord(objectType, properties), properties);
            },
            201,
          );
        }),
    },
    {
      method: 'POST',
      path: `${base}/batch/update`,
      name: 'objects.batchUpdate',
      handler: (request) =>
        withType(request, (objectType) => {
          const inputs = ((request.body ?? {}) as { inputs?: BatchInput[] }).inputs;
          const invalid = checkBatch(objectType, inputs);
          if (invalid) return invalid;
          return runBatch(request, objectType, inputs!, (input, properties) => {
            const existing = input.idProperty
              ? portal.findByUnique(objectType, input.idProperty, String(input.id))
              : portal.getObject(objectType, String(input.id));
            if (!existing) {
              return {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message: `Could not get some ${typeLabel(objectType)} objects, they may be deleted or not exist. Check that ids are valid.`,
                context: { ids: [String(input.id)], ...traceContext(input) },
              };
            }
            return writtenView(objectType, portal.updateRecord(objectType, existing.id, properties)!, properties);
          });
        }),
    },
    {
      method: 'POST',
      path: `${base}/batch/upsert`,
      name: 'objects.batchUpsert',
      handler: (request) =>
        withType(request, (objectType) => {
          const inputs = ((request.body ?? {}) as { inputs?: BatchInput[] }).inputs;
          const invalid = checkBatch(objectType, inputs);
          if (invalid) return invalid;
          const unique = new Set(portal.uniqueProperties(objectType));
          const seen = new Set<string>();
          const duplicates = new Set<string>();
          for (const input of inputs!) {
            if (!input.idProperty || !unique.has(input.idProperty)) {
              return hubSpotError(
                400,
                'VALIDATION_ERROR',
                `Property "${input.idProperty ?? ''}" is not a unique identifier property of ${objectType}; upserts need a property with unique values.`,
              );
            }
            if (typeof input.id !== 'string' || input.id === '')
              return hubSpotError(400, 'VALIDATION_ERROR', 'Every upsert input needs an "id" (the value of its idProperty).');
            const key = input.idProperty === 'email' ? input.id.trim().toLowerCase() : input.id;
            if (seen.has(key)) duplicates.add(input.id);
            seen.add(key);
          }
          if (duplicates.size > 0) {
            return hubSpotError(400, 'VALIDATION_ERROR', `Duplicate IDs found in batch input: [${[...duplicates].join(', ')}]. IDs must be unique`, {
              context: { ids: [...duplicates] },
            });
          }
          return runBatch(request, objectType, inputs!, (input, properties) => {
            const idProperty = input.idProperty!;
            const existing = portal.findByUnique(objectType, idProperty, input.id!);
            const record = existing
              ? portal.updateRecord(objectType, existing.id, properties)!
              : portal.createRecord(objectType, { ...properties, [idProperty]: input.id! });
            return { ...writtenView(objectType, record, properties), new: !existing };
          });
        }),
    },
  ];
}

function traceContext(input: BatchInput): Record<string, string[]> {
  return input.objectWriteTraceId !== undefined ? { objectWriteTraceId: [input.objectWriteTraceId] } : {};
}

/** A create that would give a unique property (contact email...) a value another record has. */
function uniqueConflict(portal: HubSpotPortal, objectType: string, properties: Record<string, string | null>): string | undefined {
  for (const name of portal.uniqueProperties(objectType)) {
    const value = properties[name];
    if (!value) continue;
    const existing = portal.findByUnique(objectType, name, value);
    if (existing) return `${typeLabel(objectType) === 'CONTACT' ? 'Contact' : 'Object'} already exists. Existing ID: ${existing.id}`;
  }
  return undefined;
}

function stringifyProperties(properties: Record<string, unknown>): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(properties)) {
    result[name] =
      value === null || value === undefined ? null : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return result;
}
