import type { SalesforceField, SalesforceFieldType, SalesforceObjectDefinition } from './salesforce-schema.js';

const soapTypes: Record<SalesforceFieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  address: 'urn:address',
};

const objectUrls = (version: string, name: string) => ({
  sobject: `/services/data/${version}/sobjects/${name}`,
  describe: `/services/data/${version}/sobjects/${name}/describe`,
  rowTemplate: `/services/data/${version}/sobjects/${name}/{ID}`,
});

/** One entry of describeGlobal's `sobjects` (DescribeGlobalSObjectResult). */
export function describeGlobalEntry(definition: SalesforceObjectDefinition, version: string): Record<string, unknown> {
  const queryable = definition.queryable !== false;
  return {
    activateable: false,
    createable: queryable,
    custom: definition.custom,
    customSetting: false,
    deletable: queryable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    keyPrefix: definition.keyPrefix,
    label: definition.label,
    labelPlural: definition.labelPlural,
    layoutable: true,
    mergeable: false,
    mruEnabled: true,
    name: definition.name,
    queryable,
    replicateable: queryable,
    retrieveable: queryable,
    searchable: queryable,
    triggerable: queryable,
    undeletable: queryable,
    updateable: queryable,
    urls: objectUrls(version, definition.name),
  };
}

/** A Field of DescribeSObjectResult. */
export function describeField(field: SalesforceField): Record<string, unknown> {
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: soapTypes[field.type],
    length: field.length,
    byteLength: field.length * 3,
    precision: field.precision,
    scale: field.scale,
    digits: field.type === 'int' ? field.precision : 0,
    nillable: field.nillable,
    createable: field.createable,
    updateable: field.updateable,
    externalId: field.externalId,
    unique: field.unique,
    idLookup: field.idLookup,
    caseSensitive: false,
    calculated: field.calculated,
    defaultedOnCreate: field.defaultedOnCreate,
    custom: field.custom,
    compoundFieldName: field.compoundFieldName,
    filterable: field.type !== 'address' && field.type !== 'textarea',
    sortable: field.type !== 'address' && field.type !== 'textarea',
    groupable: field.type !== 'address',
    referenceTo: field.referenceTo,
    relationshipName: field.type === 'reference' ? field.name.replace(/Id$/, '') : null,
    picklistValues: [],
    defaultValue: null,
  };
}

/** DescribeSObjectResult for `GET /sobjects/{object}/describe`. */
export function describeObject(definition: SalesforceObjectDefinition, version: string): Record<string, unknown> {
  return {
    ...describeGlobalEntry(definition, version),
    fields: definition.fields.map(describeField),
    childRelationships: [],
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All records', name: 'everything' }],
  };
}
