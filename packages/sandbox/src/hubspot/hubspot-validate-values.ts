import type { HubSpotProperty } from './hubspot-default-properties.js';

export interface ValueIssue {
  name: string;
  message: string;
  error: string;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isoDatePattern = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Property names the object type does not have: HubSpot refuses the whole request for these. */
export function unknownProperties(properties: Record<string, unknown>, known: (name: string) => HubSpotProperty | undefined): string[] {
  return Object.keys(properties).filter((name) => !known(name));
}

/** Values that do not fit their property's type: HubSpot fails the one input that carries them. */
export function invalidValues(
  properties: Record<string, string | null>,
  known: (name: string) => HubSpotProperty | undefined,
  objectType: string,
): ValueIssue[] {
  const issues: ValueIssue[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    if (raw === null || raw === '') continue;
    const value = String(raw);
    const property = known(name);
    if (!property) continue;
    if (objectType === 'contacts' && name === 'email' && !emailPattern.test(value.trim())) {
      issues.push({ name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` });
    } else if (property.type === 'number' && !Number.isFinite(Number(value))) {
      issues.push({ name, error: 'INVALID_DECIMAL', message: `${value} was not a valid number.` });
    } else if (property.type === 'enumeration' && property.options.length > 0) {
      const allowed = new Set(property.options.map((option) => option.value));
      const bad = value.split(';').filter((part) => !allowed.has(part));
      if (bad.length > 0) {
        issues.push({ name, error: 'INVALID_OPTION', message: `${bad.join(';')} was not one of the allowed options: [${[...allowed].join(', ')}]` });
      }
    } else if ((property.type === 'datetime' || property.type === 'date') && !/^\d+$/.test(value) && !isoDatePattern.test(value)) {
      issues.push({ name, error: 'INVALID_DATE', message: `${value} is not a valid date or timestamp.` });
    } else if (property.type === 'bool' && value !== 'true' && value !== 'false') {
      issues.push({ name, error: 'INVALID_BOOLEAN', message: `${value} is not a valid boolean, expected true or false.` });
    }
  }
  return issues;
}
