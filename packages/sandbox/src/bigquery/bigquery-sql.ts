import { duckTypeOf, legacyType } from './bigquery-schema.js';

/** A query parameter in the REST form (`QueryParameter`): NAMED mode has a name, POSITIONAL does not. */
export interface QueryParameter {
  name?: string;
  parameterType: { type: string; arrayType?: { type: string }; structTypes?: Array<{ name: string; type: { type: string } }> };
  parameterValue: { value?: unknown; arrayValues?: Array<{ value?: unknown }> };
}

/** GoogleSQL type names in a CAST and the DuckDB type each becomes. */
const castTypes: Record<string, string> = {
  INT64: 'BIGINT',
  INTEGER: 'BIGINT',
  FLOAT64: 'DOUBLE',
  FLOAT: 'DOUBLE',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
  NUMERIC: 'DECIMAL(38,9)',
  BIGNUMERIC: 'VARCHAR',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATE: 'DATE',
  TIME: 'TIME',
  JSON: 'JSON',
  GEOGRAPHY: 'VARCHAR',
};

/** Function names GoogleSQL spells differently. */
const functionNames: Record<string, string> = {
  SAFE_CAST: 'TRY_CAST',
  COUNTIF: 'COUNT_IF',
};

/** Zero-argument functions GoogleSQL calls with `()` and DuckDB names bare. */
const bareFunctions = new Set(['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_DATETIME']);

/** The DuckDB SQL for a parameter reference: the value is bound as text and cast to the parameter's type. */
export function parameterCast(parameter: QueryParameter | undefined, placeholder: string): string {
  if (!parameter) return placeholder;
  const { type, arrayType } = parameter.parameterType;
  if (type.toUpperCase() === 'ARRAY' && arrayType) return `CAST(${placeholder} AS ${duckTypeOf({ name: 'p', type: arrayType.type, mode: 'REPEATED' })})`;
  if (!legacyType(type)) return placeholder;
  return `CAST(${placeholder} AS ${duckTypeOf({ name: 'p', type })})`;
}

/**
 * Rewrites the GoogleSQL a BigQuery client sends into DuckDB SQL: backtick paths
 * (`project.dataset.table` becomes "project"."dataset"."table", a catalog, schema and table in the
 * warehouse), GoogleSQL string literals (double quotes, backslash escapes) into standard ones,
 * `@name` and `?` parameters into typed DuckDB placeholders, `SAFE_CAST`, `* EXCEPT (...)`, type
 * names inside CAST, `CURRENT_TIMESTAMP()`, and `MERGE`/`INSERT`/`DELETE` without their optional
 * keyword. Anything else passes through: DuckDB's dialect is close enough for the rest.
 */
export function rewriteGoogleSql(sql: string, parameters: QueryParameter[] = []): { sql: string; positionalCount: number } {
  const named = new Map(parameters.filter((parameter) => parameter.name).map((parameter) => [parameter.name!.toLowerCase(), parameter]));
  const positional = parameters.filter((parameter) => !parameter.name);
  let positionalCount = 0;
  let output = '';
  let index = 0;
  // The function each open parenthesis belongs to, to know when `AS <type>` is a CAST's type.
  const parens: string[] = [];
  let lastWord = '';
  let previousSignificant = '';

  const emitWord = (word: string) => {
    output += word;
    previousSignificant = word;
  };

  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    // Comments pass through (GoogleSQL's `#` becomes `--`).
    if ((char === '-' && next === '-') || char === '#') {
      const end = sql.indexOf('\n', index);
      const stop = end === -1 ? sql.length : end;
      output += `--${sql.slice(index + (char === '#' ? 1 : 2), stop)}`;
      index = stop;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      const stop = end === -1 ? sql.length : end + 2;
      output += sql.slice(index, stop);
      index = stop;
      continue;
    }
    if (char === '`') {
      const end = sql.indexOf('`', index + 1);
      if (end === -1) throw new SqlRewriteError(`Syntax error: Unclosed identifier literal at [1:${index + 1}]`);
      const path = sql.slice(index + 1, end);
      emitWord(
        path
          .split('.')
          .map((part) => `"${part.replaceAll('"', '""')}"`)
          .join('.'),
      );
      lastWord = '';
      index = end + 1;
      continue;
    }
    const rawPrefix = /[rRbB]/.test(char) && (next === "'" || next === '"') && !/\w/.test(sql[index - 1] ?? '');
    if (char === "'" || char === '"' || rawPrefix) {
      const start = rawPrefix ? index + 1 : index;
      const literal = readStringLiteral(sql, start, rawPrefix && /[rR]/.test(char));
      const bytes = rawPrefix && /[bB]/.test(char);
      emitWord(bytes ? `encode('${literal.value.replaceAll("'", "''")}')` : `'${literal.value.replaceAll("'", "''")}'`);
      index = literal.end;
      continue;
    }
    if (char === '@' && /[A-Za-z_]/.test(next ?? '')) {
      const match = /^@([A-Za-z_]\w*)/.exec(sql.slice(index))!;
      const name = match[1]!;
      emitWord(parameterCast(named.get(name.toLowerCase()), `$${name}`));
      index += match[0].length;
      continue;
    }
    if (char === '?') {
      emitWord(parameterCast(positional[positionalCount], '?'));
      positionalCount += 1;
      index += 1;
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_]\w*/.exec(sql.slice(index))![0];
      const upper = word.toUpperCase();
      index += word.length;
      const rest = sql.slice(index);
      if (bareFunctions.has(upper) && /^\s*\(\s*\)/.test(rest)) {
        emitWord(upper);
        index += /^\s*\(\s*\)/.exec(rest)![0].length;
        lastWord = upper;
        continue;
      }
      if (upper === 'EXCEPT' && previousSignificant === '*') {
        emitWord('EXCLUDE');
      } else if (functionNames[upper] && /^\s*\(/.test(rest)) {
        emitWord(functionNames[upper]!);
      } else if (castTypes[upper] && lastWord === 'AS' && /CAST$/.test(parens.at(-1) ?? '')) {
        emitWord(castTypes[upper]!);
      } else if (upper === 'TIMESTAMP' && /^\s*'/.test(rest)) {
        emitWord('TIMESTAMPTZ');
      } else if (upper === 'DATETIME' && /^\s*'/.test(rest)) {
        emitWord('TIMESTAMP');
      } else {
        emitWord(word);
      }
      if (upper === 'MERGE' && isStatementStart(output, word) && !/^\s+INTO\b/i.test(rest)) output += ' INTO';
      if (upper === 'INSERT' && isStatementStart(output, word) && !/^\s+INTO\b/i.test(rest)) output += ' INTO';
      if (upper === 'DELETE' && isStatementStart(output, word) && !/^\s+FROM\b/i.test(rest)) output += ' FROM';
      lastWord = upper;
      continue;
    }
    if (char === '(') parens.push(lastWord);
    if (char === ')') parens.pop();
    if (!/\s/.test(char)) {
      previousSignificant = char;
      lastWord = char === ',' || char === '(' || char === ')' ? '' : lastWord;
    }
    output += char;
    index += 1;
  }
  return { sql: output, positionalCount };
}

/** Whether a keyword just written opens a statement (start of text or after a semicolon). */
function isStatementStart(output: string, word: string): boolean {
  const before = output.slice(0, output.length - word.length).trimEnd();
  return before === '' || before.endsWith(';');
}

/** Reads a GoogleSQL string literal ('…', "…", triple-quoted, raw) and returns its value. */
function readStringLiteral(sql: string, start: number, raw: boolean): { value: string; end: number } {
  const quote = sql[start]!;
  const triple = sql.startsWith(quote.repeat(3), start);
  const delimiter = triple ? quote.repeat(3) : quote;
  let index = start + delimiter.length;
  let value = '';
  while (index < sql.length) {
    if (sql.startsWith(delimiter, index)) return { value, end: index + delimiter.length };
    const char = sql[index]!;
    if (char === '\\' && !raw) {
      const escaped = sql[index + 1] ?? '';
      value += ({ n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
      index += 2;
      continue;
    }
    if (char === '\n' && !triple) break;
    value += char;
    index += 1;
  }
  throw new SqlRewriteError(`Syntax error: Unclosed string literal at [1:${start + 1}]`);
}

/** A query the rewrite cannot read (answered as `invalidQuery`). */
export class SqlRewriteError extends Error {}
