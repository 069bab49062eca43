/** The specification's CRM entity names and the sObjects they stand for; any other name is an sObject API name. */
const crmEntities: Record<string, string> = {
  contacts: 'Contact',
  contact: 'Contact',
  leads: 'Lead',
  lead: 'Lead',
  companies: 'Account',
  accounts: 'Account',
  account: 'Account',
  deals: 'Opportunity',
  opportunities: 'Opportunity',
};

export const defaultObject = 'Contact';

export function sObjectName(table: string | undefined): string {
  if (!table) return defaultObject;
  return crmEntities[table.toLowerCase()] ?? table;
}
