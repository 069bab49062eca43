/** A property definition as the Properties API returns it (the `Property` schema). */
export interface HubSpotProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  options: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean }>;
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
  hubspotDefined?: boolean;
  calculated?: boolean;
  externalOptions?: boolean;
  displayOrder?: number;
  modificationMetadata?: { readOnlyValue: boolean; readOnlyDefinition: boolean; archivable: boolean };
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
}

type Spec = [name: string, label: string, type: string, fieldType: string, extra?: Partial<HubSpotProperty>];

const readOnly = { modificationMetadata: { readOnlyValue: true, readOnlyDefinition: true, archivable: false } };
const lifecycleStages = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];

const contactSpecs: Spec[] = [
  ['email', 'Email', 'string', 'text', { hasUniqueValue: false }],
  ['firstname', 'First Name', 'string', 'text'],
  ['lastname', 'Last Name', 'string', 'text'],
  ['phone', 'Phone Number', 'string', 'phonenumber'],
  ['company', 'Company Name', 'string', 'text'],
  ['website', 'Website URL', 'string', 'text'],
  ['city', 'City', 'string', 'text'],
  ['country', 'Country/Region', 'string', 'text'],
  ['jobtitle', 'Job Title', 'string', 'text'],
  [
    'lifecyclestage',
    'Lifecycle Stage',
    'enumeration',
    'radio',
    { options: lifecycleStages.map((value, index) => ({ label: value, value, displayOrder: index })) },
  ],
  [
    'hs_lead_status',
    'Lead Status',
    'enumeration',
    'radio',
    { options: ['NEW', 'OPEN', 'IN_PROGRESS', 'CONNECTED', 'UNQUALIFIED'].map((value) => ({ label: value, value })) },
  ],
  ['createdate', 'Create Date', 'datetime', 'date'],
  ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly],
  ['hs_object_id', 'Record ID', 'number', 'number', readOnly],
];

const companySpecs: Spec[] = [
  ['name', 'Company name', 'string', 'text'],
  ['domain', 'Company Domain Name', 'string', 'text', { hasUniqueValue: false }],
  ['industry', 'Industry', 'string', 'text'],
  ['city', 'City', 'string', 'text'],
  ['country', 'Country/Region', 'string', 'text'],
  ['phone', 'Phone Number', 'string', 'phonenumber'],
  ['numberofemployees', 'Number of Employees', 'number', 'number'],
  ['annualrevenue', 'Annual Revenue', 'number', 'number'],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: lifecycleStages.map((value) => ({ label: value, value })) }],
  ['createdate', 'Create Date', 'datetime', 'date'],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly],
  ['hs_object_id', 'Record ID', 'number', 'number', readOnly],
];

const dealSpecs: Spec[] = [
  ['dealname', 'Deal Name', 'string', 'text'],
  ['amount', 'Amount', 'number', 'number'],
  ['closedate', 'Close Date', 'datetime', 'date'],
  ['pipeline', 'Pipeline', 'enumeration', 'select', { options: [{ label: 'Sales Pipeline', value: 'default' }] }],
  [
    'dealstage',
    'Deal Stage',
    'enumeration',
    'radio',
    {
      options: ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'].map(
        (value) => ({ label: value, value }),
      ),
    },
  ],
  ['createdate', 'Create Date', 'datetime', 'date'],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly],
  ['hs_object_id', 'Record ID', 'number', 'number', readOnly],
];

const groupOf: Record<string, string> = { contacts: 'contactinformation', companies: 'companyinformation', deals: 'dealinformation' };

export function buildProperty(objectType: string, [name, label, type, fieldType, extra]: Spec, now: string): HubSpotProperty {
  return {
    name,
    label,
    type,
    fieldType,
    groupName: groupOf[objectType] ?? `${objectType}_information`,
    description: '',
    options: [],
    hidden: false,
    formField: true,
    hubspotDefined: true,
    calculated: false,
    externalOptions: false,
    displayOrder: -1,
    modificationMetadata: { readOnlyValue: false, readOnlyDefinition: true, archivable: false },
    createdAt: now,
    updatedAt: now,
    archived: false,
    ...extra,
  };
}

/** The properties a fresh portal has for the standard objects (a representative subset). */
export function defaultProperties(objectType: 'contacts' | 'companies' | 'deals', now: string): HubSpotProperty[] {
  const specs = objectType === 'contacts' ? contactSpecs : objectType === 'companies' ? companySpecs : dealSpecs;
  return specs.map((spec) => buildProperty(objectType, spec, now));
}

/** What the list and read endpoints return when no `properties` are asked for, as HubSpot does. */
export const defaultReturnedProperties: Record<string, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
};

/** The property that carries the last-modified instant of an object type. */
export function lastModifiedProperty(objectType: string): string {
  return objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}
