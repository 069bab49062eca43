/** The standard CRM objects every portal has (the spec's entities). */
export const standardObjectTypes = ['contacts', 'companies', 'deals'] as const;

const standardIds: Record<string, string> = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals' };

/** A custom object as listed by the schemas API. */
export interface CustomObjectType {
  name: string;
  objectTypeId: string;
  fullyQualifiedName: string;
}

/**
 * The object type to put in API paths for a table name: standard names as they are, custom objects
 * by their objectTypeId (`2-...`) whether the caller gave their name, fully qualified name or id.
 * Anything else (tickets, products, line_items...) is passed through for HubSpot to judge.
 */
export function resolveObjectType(table: string, customObjects: readonly CustomObjectType[]): string {
  const standard = standardIds[table] ?? table;
  if ((standardObjectTypes as readonly string[]).includes(standard)) return standard;
  const custom = customObjects.find((object) => [object.name, object.fullyQualifiedName, object.objectTypeId].includes(table));
  return custom?.objectTypeId ?? table;
}

/** The unique property upserts match on when the caller names none. */
export function defaultIdProperty(objectType: string): string | undefined {
  return objectType === 'contacts' ? 'email' : undefined;
}

/** The scope family of an object type, for the hint of a 403. */
export function scopeFamily(objectType: string): string {
  return (standardObjectTypes as readonly string[]).includes(objectType) ? objectType : 'custom';
}

/** The property group new properties go into, as HubSpot names the default groups. */
export function defaultPropertyGroup(objectType: string): string | undefined {
  return { contacts: 'contactinformation', companies: 'companyinformation', deals: 'dealinformation' }[objectType];
}
