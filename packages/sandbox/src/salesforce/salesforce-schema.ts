/**
 * sObject and field definitions, shaped like the REST API's describe results (DescribeSObjectResult,
 * Field) for the slice a client reads: names, types, lengths, nillable/createable/updateable, and the
 * externalId / unique / idLookup flags that decide what an upsert may key on.
 * Field types are Salesforce's `FieldType` names (string, email, double, boolean, date, datetime...).
 */
export type SalesforceFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'address';

export interface SalesforceField {
  name: string;
  label: string;
  type: SalesforceFieldType;
  /** Characters for text types; 0 otherwise. */
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  externalId: boolean;
  unique: boolean;
  /** Can identify a record in an upsert (Id, Email on Contact and Lead, external ids). */
  idLookup: boolean;
  calculated: boolean;
  defaultedOnCreate: boolean;
  custom: boolean;
  /** For an address's parts: the compound field they belong to (MailingAddress). */
  compoundFieldName: string | null;
  referenceTo: string[];
  precision: number;
  scale: number;
}

export interface SalesforceObjectDefinition {
  name: string;
  label: string;
  labelPlural: string;
  /** The three characters every record id of this object starts with (003 for Contact). */
  keyPrefix: string;
  custom: boolean;
  /** false for objects describeGlobal lists but SOQL cannot read (true when omitted). */
  queryable?: boolean;
  fields: SalesforceField[];
}

export type FieldSpec = Partial<SalesforceField> & { name: string; type: SalesforceFieldType };

const textTypes = new Set<SalesforceFieldType>(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'id', 'reference']);

/** Fills a field definition with the describe defaults of its type. */
export function field(spec: FieldSpec): SalesforceField {
  const system = spec.type === 'id' || spec.calculated === true;
  return {
    label: spec.name.replace(/__c$/, '').replace(/_/g, ' '),
    length: textTypes.has(spec.type) ? (spec.type === 'id' || spec.type === 'reference' ? 18 : 255) : 0,
    nillable: !system,
    createable: !system,
    updateable: !system,
    externalId: false,
    unique: false,
    idLookup: spec.type === 'id',
    calculated: false,
    defaultedOnCreate: false,
    custom: spec.name.endsWith('__c'),
    compoundFieldName: null,
    referenceTo: [],
    precision: spec.type === 'double' || spec.type === 'currency' || spec.type === 'percent' ? 18 : 0,
    scale: spec.type === 'double' || spec.type === 'currency' || spec.type === 'percent' ? 2 : 0,
    ...spec,
  };
}

/** Fields every sObject has: Id and the audit fields Salesforce sets itself. */
function systemFields(): SalesforceField[] {
  const audit = { createable: false, updateable: false, nillable: false, defaultedOnCreate: true };
  return [
    field({ name: 'Id', type: 'id', label: 'Record ID', nillable: false, defaultedOnCreate: true }),
    field({ name: 'IsDeleted', type: 'boolean', label: 'Deleted', ...audit }),
    field({ name: 'CreatedDate', type: 'datetime', label: 'Created Date', ...audit }),
    field({ name: 'LastModifiedDate', type: 'datetime', label: 'Last Modified Date', ...audit }),
    field({ name: 'SystemModstamp', type: 'datetime', label: 'System Modstamp', ...audit }),
  ];
}

/** An address compound field with its parts, as describe lists them (parts carry compoundFieldName). */
function address(prefix: string): SalesforceField[] {
  const compound = `${prefix}Address`;
  const part = (suffix: string, length: number, type: SalesforceFieldType = 'string') =>
    field({ name: `${prefix}${suffix}`, type, length, compoundFieldName: compound });
  return [
    part('Street', 255, 'textarea'),
    part('City', 40),
    part('PostalCode', 20),
    part('Country', 80),
    field({ name: compound, type: 'address', createable: false, updateable: false, label: `${prefix} Address` }),
  ];
}

/** A unique, case-insensitive External ID text field, the recommended upsert key. */
export function externalIdField(name = 'External_Id__c'): SalesforceField {
  return field({ name, type: 'string', length: 255, externalId: true, unique: true, idLookup: true, label: 'External Id' });
}

/** The standard objects the emulator starts with (a subset of their real fields). */
export function defaultObjects(): SalesforceObjectDefinition[] {
  return [
    {
      name: 'Account',
      label: 'Account',
      labelPlural: 'Accounts',
      keyPrefix: '001',
      custom: false,
      fields: [
        ...systemFields(),
        field({ name: 'Name', type: 'string', length: 255, nillable: false, label: 'Account Name' }),
        field({ name: 'Industry', type: 'picklist', length: 255 }),
        field({ name: 'AnnualRevenue', type: 'currency', label: 'Annual Revenue' }),
        field({ name: 'NumberOfEmployees', type: 'int', label: 'Employees', precision: 8 }),
        ...address('Billing'),
        externalIdField(),
      ],
    },
    {
      name: 'Contact',
      label: 'Contact',
      labelPlural: 'Contacts',
      keyPrefix: '003',
      custom: false,
      fields: [
        ...systemFields(),
        field({ name: 'AccountId', type: 'reference', label: 'Account ID', referenceTo: ['Account'] }),
        field({ name: 'LastName', type: 'string', length: 80, nillable: false, label: 'Last Name' }),
        field({ name: 'FirstName', type: 'string', length: 40, label: 'First Name' }),
        field({ name: 'Name', type: 'string', length: 121, label: 'Full Name', calculated: true }),
        // Email identifies a record in an upsert but is neither unique nor an External ID.
        field({ name: 'Email', type: 'email', length: 80, idLookup: true }),
        field({ name: 'Phone', type: 'phone', length: 40 }),
        field({ name: 'Title', type: 'string', length: 128 }),
        field({ name: 'Birthdate', type: 'date' }),
        field({ name: 'HasOptedOutOfEmail', type: 'boolean', label: 'Email Opt Out', nillable: false, defaultedOnCreate: true }),
        ...address('Mailing'),
        externalIdField(),
      ],
    },
    {
      name: 'Lead',
      label: 'Lead',
      labelPlural: 'Leads',
      keyPrefix: '00Q',
      custom: false,
      fields: [
        ...systemFields(),
        field({ name: 'LastName', type: 'string', length: 80, nillable: false, label: 'Last Name' }),
        field({ name: 'FirstName', type: 'string', length: 40, label: 'First Name' }),
        field({ name: 'Name', type: 'string', length: 121, label: 'Full Name', calculated: true }),
        field({ name: 'Company', type: 'string', length: 255, nillable: false }),
        field({ name: 'Email', type: 'email', length: 80, idLookup: true }),
        field({ name: 'Status', type: 'picklist', length: 255, nillable: false, defaultedOnCreate: true, label: 'Lead Status' }),
        field({ name: 'AnnualRevenue', type: 'currency', label: 'Annual Revenue' }),
      ],
    },
  ];
}

/** Fields set by Salesforce when a record is created without them. */
export const createDefaults: Record<string, Record<string, unknown>> = {
  Contact: { HasOptedOutOfEmail: false },
  Lead: { Status: 'Open - Not Contacted' },
};
