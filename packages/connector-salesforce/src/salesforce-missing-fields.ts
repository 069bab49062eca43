import { NotFoundError, type Row, type Value } from '@automl/connector-core';
import type { SalesforceDescribeCache, SalesforceObjectInfo } from './salesforce-describe.js';
import type { SalesforceRemote } from './salesforce-remote.js';

/** The columns of some rows that the object lacks (compared case-insensitively, as the API does). */
export function missingFields(object: SalesforceObjectInfo, rows: ReadonlyArray<Row>): string[] {
  const missing = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) if (row[name] !== undefined && !object.byName.has(name.toLowerCase())) missing.add(name);
  return [...missing];
}

/** CustomField metadata for a column, from the first value that says what it holds. */
function metadataFor(name: string, rows: ReadonlyArray<Row>): Record<string, unknown> {
  const sample: Value | undefined = rows.map((row) => row[name]).find((value) => value !== null && value !== undefined);
  const label = name.replace(/__c$/, '').replace(/_/g, ' ');
  if (typeof sample === 'number') return { label, type: 'Number', precision: 18, scale: Number.isInteger(sample) ? 0 : 6 };
  if (typeof sample === 'boolean') return { label, type: 'Checkbox', defaultValue: 'false' };
  if (sample instanceof Date) return { label, type: 'DateTime' };
  return { label, type: 'Text', length: 255 };
}

/**
 * Makes sure the object has every column the rows name. Missing ones are a clear error naming them
 * and how to add them, or, when the caller asks (`createMissingProperties`), custom fields created
 * through the Tooling API (only `__c` names can be created), typed from the rows' values.
 */
export async function ensureFields(
  remote: SalesforceRemote,
  cache: SalesforceDescribeCache,
  object: SalesforceObjectInfo,
  rows: ReadonlyArray<Row>,
  create: boolean,
): Promise<SalesforceObjectInfo> {
  const missing = missingFields(object, rows);
  if (missing.length === 0) return object;
  const creatable = missing.filter((name) => /^[A-Za-z][A-Za-z0-9_]*__c$/.test(name));
  if (!create || creatable.length < missing.length) {
    const standard = missing.filter((name) => !creatable.includes(name));
    throw new NotFoundError({
      message: `${object.name} has no field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      connector: 'salesforce',
      operation: 'write',
      code: 'INVALID_FIELD',
      hint:
        standard.length > 0
          ? `${standard.join(', ')} ${standard.length > 1 ? 'are' : 'is'} not a field of ${object.name} and cannot be created (custom field names end in __c): rename or drop the column${standard.length > 1 ? 's' : ''}.`
          : `Create the custom field${missing.length > 1 ? 's' : ''} in Setup -> Object Manager -> ${object.name} -> Fields & Relationships -> New, visible to the integration user, or write with createMissingProperties: true to let the connector create ${missing.length > 1 ? 'them' : 'it'} through the Tooling API (needs the Customize Application permission).`,
    });
  }
  for (const name of creatable) {
    await remote.send(
      'write.createField',
      { method: 'POST', path: '/tooling/sobjects/CustomField', body: { FullName: `${object.name}.${name}`, Metadata: metadataFor(name, rows) } },
      { idempotent: false },
    );
  }
  cache.forget(object.name);
  return cache.describe(remote, object.name);
}
