import { useState } from 'preact/hooks';
import type { JsonSchemaProperty, SystemInfo } from './api.ts';
import { ServiceAccountInput } from './service-account-input.tsx';

/** One field's effective schema: the first typed branch of an anyOf (secrets are "string or Secret"). */
function effective(property: JsonSchemaProperty): JsonSchemaProperty {
  if (property.type || property.enum || property.const !== undefined) return property;
  const typed = property.anyOf?.find((branch) => branch.type || branch.enum);
  return { ...property, ...(typed ?? {}), secret: property.secret ?? false, format: property.format ?? typed?.format };
}

export type FormValues = Record<string, string | boolean>;

/**
 * Turns the form's strings into a config: numbers for number fields, booleans for booleans, empty
 * fields left out (the system's defaults apply), consts set (crmType...).
 */
export function configFrom(system: SystemInfo, values: FormValues): Record<string, unknown> {
  const config: Record<string, unknown> = { connectionType: system.id };
  for (const [key, raw] of Object.entries(system.schema.properties)) {
    if (key === 'connectionType') continue;
    const property = effective(raw);
    if (property.const !== undefined) {
      config[key] = property.const;
      continue;
    }
    const value = values[key];
    if (value === undefined || value === '') continue;
    if (property.type === 'number' || property.type === 'integer') config[key] = Number(value);
    else if (property.type === 'boolean') config[key] = value === true || value === 'true';
    else config[key] = value;
  }
  return config;
}

interface SchemaFormProps {
  system: SystemInfo;
  values: FormValues;
  errors: Record<string, string>;
  onChange(key: string, value: string | boolean): void;
  onServiceAccountError(key: string, message: string | undefined): void;
}

/** The form of any system, built from its JSON Schema: no per-system code. */
export function SchemaForm({ system, values, errors, onChange, onServiceAccountError }: SchemaFormProps) {
  const required = new Set(system.schema.required ?? []);
  const entries = Object.entries(system.schema.properties).filter(([key, property]) => key !== 'connectionType' && effective(property).const === undefined);
  const main = entries.filter(([key]) => !system.advancedFields.includes(key));
  const advanced = entries.filter(([key]) => system.advancedFields.includes(key));
  const field = ([key, raw]: [string, JsonSchemaProperty]) => {
    const property = effective(raw);
    const id = `field-${key}`;
    const label = (
      <label for={id}>
        {key}
        {required.has(key) ? <span class="required"> *</span> : null}
        {property.secret ? <span class="badge">secret</span> : null}
      </label>
    );
    const error = errors[key] ? (
      <div class="field-error" role="alert" data-field-error={key}>
        {errors[key]}
      </div>
    ) : null;
    const variable = system.environment.find((fallback) => fallback.key === key)?.variable;
    const help = [
      raw.description,
      property.secret && !system.serviceAccountFields.includes(key) ? 'Stored encrypted; or give a reference: env:VARIABLE, file:path.' : '',
      variable ? `Unset: read from ${variable}.` : '',
      property.default !== undefined ? `Default: ${String(property.default)}.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    let input: preact.JSX.Element;
    if (property.secret && system.serviceAccountFields.includes(key)) {
      input = <ServiceAccountInput id={id} onKey={(json) => onChange(key, json)} onError={(message) => onServiceAccountError(key, message)} />;
    } else if (property.secret) {
      input = (
        <input
          id={id}
          name={key}
          type="password"
          autocomplete="new-password"
          required={required.has(key)}
          value={String(values[key] ?? '')}
          onInput={(event) => onChange(key, event.currentTarget.value)}
        />
      );
    } else if (property.enum) {
      input = (
        <select
          id={id}
          name={key}
          required={required.has(key)}
          value={String(values[key] ?? property.default ?? '')}
          onChange={(event) => onChange(key, event.currentTarget.value)}
        >
          {required.has(key) ? null : <option value="">(default)</option>}
          {property.enum.map((option) => (
            <option value={String(option)}>{String(option)}</option>
          ))}
        </select>
      );
    } else if (property.type === 'boolean') {
      input = (
        <select id={id} name={key} value={String(values[key] ?? '')} onChange={(event) => onChange(key, event.currentTarget.value)}>
          <option value="">(default)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
    } else {
      const numeric = property.type === 'number' || property.type === 'integer';
      input = (
        <input
          id={id}
          name={key}
          type={(numeric ? 'number' : property.format === 'uri' ? 'url' : 'text') as 'text'}
          step={property.type === 'integer' ? 1 : 'any'}
          min={property.minimum}
          max={property.maximum}
          required={required.has(key)}
          placeholder={property.default !== undefined ? String(property.default) : ''}
          value={String(values[key] ?? '')}
          onInput={(event) => onChange(key, event.currentTarget.value)}
        />
      );
    }
    return (
      <div class="field" key={key}>
        {label}
        {input}
        {help ? <div class="help">{help}</div> : null}
        {error}
      </div>
    );
  };
  return (
    <div>
      {main.map(field)}
      {advanced.length > 0 ? (
        <details class="advanced">
          <summary>Advanced: rate limit, retries, timeouts, base URL</summary>
          {advanced.map(field)}
        </details>
      ) : null}
    </div>
  );
}

export function useFormValues(): [FormValues, (key: string, value: string | boolean) => void, () => void] {
  const [values, setValues] = useState<FormValues>({});
  return [values, (key, value) => setValues((current) => ({ ...current, [key]: value })), () => setValues({})];
}
