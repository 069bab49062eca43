import type { Route } from '../harness/types.js';
import { recordId } from './salesforce-ids.js';
import { OrgRequestError } from './salesforce-org.js';
import { jsonObject, restHandler, type RestContext } from './salesforce-rest-context.js';
import type { SalesforceFieldType } from './salesforce-schema.js';

/** Tooling API CustomField metadata types and the field types they create. */
const metadataTypes: Record<string, SalesforceFieldType> = {
  Text: 'string',
  LongTextArea: 'textarea',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
};

/**
 * Creating a custom field through the Tooling API (`POST /tooling/sobjects/CustomField` with
 * `FullName: 'Contact.churn_risk__c'` and `Metadata: {label, type, length | precision, scale,
 * externalId, unique}`): the field exists for every API at once (no deployment delay is emulated).
 */
export function salesforceToolingRoutes(context: RestContext): Route[] {
  const { org } = context;
  let counter = 0;
  return [
    {
      method: 'POST',
      path: '/services/data/:version/tooling/sobjects/CustomField',
      name: 'tooling.customField.create',
      handler: restHandler(context, (request) => {
        const body = jsonObject(request);
        const [objectName, fieldName] = String(body.FullName ?? '').split('.');
        const definition = org.object(objectName ?? '');
        if (!definition || !fieldName) throw new OrgRequestError('INVALID_INPUT', `Invalid FullName: ${String(body.FullName)}`);
        if (!/^[A-Za-z][A-Za-z0-9_]*__c$/.test(fieldName)) throw new OrgRequestError('INVALID_INPUT', `A custom field name must end with __c: ${fieldName}`);
        if (org.field(definition.name, fieldName))
          throw new OrgRequestError('DUPLICATE_DEVELOPER_NAME', `There's already a field named ${fieldName} on ${definition.name}.`);
        const metadata = (body.Metadata ?? {}) as Record<string, unknown>;
        const type = metadataTypes[String(metadata.type ?? '')];
        if (!type) throw new OrgRequestError('INVALID_INPUT', `Unsupported field type: ${String(metadata.type)}`);
        org.defineField(definition.name, {
          name: fieldName,
          type,
          label: String(metadata.label ?? fieldName.replace(/__c$/, '')),
          ...(type === 'string' ? { length: Number(metadata.length ?? 255) } : {}),
          ...(type === 'double' || type === 'currency' || type === 'percent'
            ? { precision: Number(metadata.precision ?? 18), scale: Number(metadata.scale ?? 2) }
            : {}),
          externalId: metadata.externalId === true,
          unique: metadata.unique === true,
          idLookup: metadata.externalId === true,
        });
        counter += 1;
        return { status: 201, body: { id: recordId('00N', counter), success: true, errors: [], warnings: [], infos: [] } };
      }),
    },
  ];
}
