import { OrgRequestError, type SalesforceOrg, type SalesforceRecord } from './salesforce-org.js';
import type { SalesforceField } from './salesforce-schema.js';
import type { StoredValue } from './salesforce-values.js';
import { parseSoql, SoqlSyntaxError, type SoqlCondition, type SoqlLiteral, type SoqlQuery } from './soql-parser.js';

export interface QueryPlan {
  query: SoqlQuery;
  object: string;
  /** The selected fields, resolved to their definitions (canonical names). */
  fields: SalesforceField[];
  /** Matching records, ordered, after OFFSET and LIMIT. */
  records: SalesforceRecord[];
}

const unknownColumn = (name: string, object: string) =>
  new OrgRequestError(
    'INVALID_FIELD',
    `No such column '${name}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

/** Parses and runs a SOQL query against the org; query errors are OrgRequestErrors with Salesforce's codes. */
export function runSoql(org: SalesforceOrg, soql: string, options: { includeDeleted?: boolean; bulk?: boolean } = {}): QueryPlan {
  let query: SoqlQuery;
  try {
    query = parseSoql(soql);
  } catch (error) {
    if (error instanceof SoqlSyntaxError) throw new OrgRequestError('MALFORMED_QUERY', error.message);
    throw error;
  }
  const definition = org.object(query.object);
  if (!definition) {
    throw new OrgRequestError(
      'INVALID_TYPE',
      `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const resolve = (name: string): SalesforceField => {
    const field = org.field(definition.name, name);
    if (!field) throw unknownColumn(name, definition.name);
    return field;
  };
  const fields = query.fields.map(resolve);
  if (query.fieldsFunction) {
    if (options.bulk) throw new OrgRequestError('FIELDS_FUNCTION_NOT_SUPPORTED', 'FIELDS() is not supported by Bulk API queries');
    if (query.fieldsFunction !== 'STANDARD' && (query.limit === undefined || query.limit > 200)) {
      throw new OrgRequestError('MALFORMED_QUERY', 'The SOQL FIELDS function must have a LIMIT of at most 200');
    }
    for (const field of definition.fields) {
      const wanted = query.fieldsFunction === 'ALL' || (query.fieldsFunction === 'CUSTOM' ? field.custom : !field.custom);
      if (wanted && !fields.includes(field)) fields.push(field);
    }
  }
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new OrgRequestError('MALFORMED_QUERY', `duplicate field selected: ${field.name}`);
    seen.add(field.name);
    if (options.bulk && field.type === 'address') {
      throw new OrgRequestError('FUNCTIONALITY_NOT_ENABLED', 'Selecting compound data not supported in Bulk Query');
    }
  }
  if (query.offset !== undefined && (options.bulk || query.offset > 2000)) {
    throw new OrgRequestError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
  }
  const where = query.where;
  if (where) checkCondition(where, resolve);
  let records = org.records(definition.name, { includeDeleted: options.includeDeleted }).filter((record) => !where || matches(where, record, resolve));
  if (query.orderBy.length > 0) {
    const keys = query.orderBy.map((order) => ({ ...order, field: resolve(order.field) }));
    records = [...records].sort((left, right) => {
      for (const key of keys) {
        const a = left[key.field.name] ?? null;
        const b = right[key.field.name] ?? null;
        if (a === null || b === null) {
          if (a !== b) return (a === null) === key.nullsLast ? 1 : -1;
          continue;
        }
        const difference = compareForOrder(a, b);
        if (difference !== 0) return key.descending ? -difference : difference;
      }
      return 0;
    });
  }
  const start = query.offset ?? 0;
  records = records.slice(start, query.limit === undefined ? undefined : start + query.limit);
  return { query, object: definition.name, fields, records };
}

/** A field's value as the REST API shows it: an address compound field as an object. */
export function restValue(record: SalesforceRecord, field: SalesforceField, fieldsOfObject: SalesforceField[]): unknown {
  if (field.type !== 'address') return record[field.name] ?? null;
  const parts = fieldsOfObject.filter((candidate) => candidate.compoundFieldName === field.name);
  if (parts.every((part) => (record[part.name] ?? null) === null)) return null;
  const prefix = field.name.replace(/Address$/, '');
  const address: Record<string, unknown> = {};
  for (const part of parts) {
    const key = part.name.slice(prefix.length);
    address[key.charAt(0).toLowerCase() + key.slice(1)] = record[part.name] ?? null;
  }
  return address;
}

function checkCondition(condition: SoqlCondition, resolve: (name: string) => SalesforceField): void {
  if (condition.kind === 'compare') {
    const field = resolve(condition.field);
    if (field.type === 'address') throw new OrgRequestError('INVALID_FIELD', `field '${field.name}' can not be filtered in a query call`);
    return;
  }
  if (condition.kind === 'not') {
    checkCondition(condition.operand, resolve);
    return;
  }
  checkCondition(condition.left, resolve);
  checkCondition(condition.right, resolve);
}

function matches(condition: SoqlCondition, record: SalesforceRecord, resolve: (name: string) => SalesforceField): boolean {
  switch (condition.kind) {
    case 'and':
      return matches(condition.left, record, resolve) && matches(condition.right, record, resolve);
    case 'or':
      return matches(condition.left, record, resolve) || matches(condition.right, record, resolve);
    case 'not':
      return !matches(condition.operand, record, resolve);
    case 'compare': {
      const field = resolve(condition.field);
      const actual = record[field.name] ?? null;
      const { operator, value } = condition;
      if (operator === 'IN' || operator === 'NOT IN') {
        const found = (value as SoqlLiteral[]).some((candidate) => compare(field, actual, candidate) === 0);
        return operator === 'IN' ? found : !found;
      }
      const literal = value as SoqlLiteral;
      if (operator === 'LIKE') {
        if (actual === null || typeof literal !== 'string') return false;
        const pattern = literal
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.');
        return new RegExp(`^${pattern}$`, 'is').test(String(actual));
      }
      if (literal === null || actual === null) {
        if (operator === '=') return literal === null && actual === null;
        if (operator === '!=') return (literal === null) !== (actual === null);
        return false;
      }
      const difference = compare(field, actual, literal);
      if (Number.isNaN(difference)) return operator === '!=';
      switch (operator) {
        case '=':
          return difference === 0;
        case '!=':
          return difference !== 0;
        case '<':
          return difference < 0;
        case '>':
          return difference > 0;
        case '<=':
          return difference <= 0;
        default:
          return difference >= 0;
      }
    }
  }
}

/** Compares a stored value with a literal by the field's type; NaN when they cannot be compared. */
function compare(field: SalesforceField, actual: StoredValue, literal: SoqlLiteral): number {
  if (actual === null || literal === null) return actual === literal ? 0 : Number.NaN;
  if (field.type === 'datetime') {
    const time = typeof literal === 'object' && 'datetime' in literal ? literal.datetime : Number.NaN;
    return Date.parse(String(actual).replace(/\+0000$/, 'Z')) - time;
  }
  if (field.type === 'date') {
    const day = typeof literal === 'object' && 'date' in literal ? literal.date : undefined;
    return day === undefined ? Number.NaN : String(actual).localeCompare(day);
  }
  if (typeof actual === 'number') return typeof literal === 'number' ? actual - literal : Number.NaN;
  if (typeof actual === 'boolean') return typeof literal === 'boolean' ? Number(actual) - Number(literal) : Number.NaN;
  if (typeof literal !== 'string') return Number.NaN;
  // Text comparisons in SOQL are case-insensitive.
  const left = actual.toLowerCase();
  const right = literal.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareForOrder(left: NonNullable<StoredValue>, right: NonNullable<StoredValue>): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const a = String(left).toLowerCase();
  const b = String(right).toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}
