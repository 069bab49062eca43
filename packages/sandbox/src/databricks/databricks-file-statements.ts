import { DatabricksSqlError } from './databricks-sql-errors.js';

/**
 * The statements that work on files rather than tables: the staging operations a driver runs
 * against a volume (PUT, GET, REMOVE; docs.databricks.com sql-ref-syntax-aux-connector-put-into)
 * and COPY INTO (docs.databricks.com delta-copy-into), parsed here; DuckDB knows neither.
 */
export type StagingStatement =
  | { operation: 'PUT'; localFile: string; volumePath: string; overwrite: boolean }
  | { operation: 'GET'; volumePath: string; localFile: string }
  | { operation: 'REMOVE'; volumePath: string };

export interface CopyIntoStatement {
  /** The target table as written (Databricks quoting). */
  target: string;
  /** `( col, ... )` after the target, or undefined (columns matched by name). */
  columns?: string;
  byPosition: boolean;
  /** The expressions of `FROM (SELECT ... FROM 'path')`, or undefined for `*`. */
  select?: string;
  source: string;
  format: 'JSON' | 'CSV' | 'PARQUET';
  files?: string[];
  pattern?: string;
  formatOptions: Record<string, string>;
  copyOptions: Record<string, string>;
}

const stringLiteral = String.raw`'((?:[^'\\]|\\.|'')*)'`;
const name = String.raw`(?:\x60(?:[^\x60]|\x60\x60)*\x60|[A-Za-z_][\w$]*)`;
const qualifiedName = String.raw`(${name}(?:\s*\.\s*${name})*)`;

function unquote(literal: string): string {
  return literal.replaceAll("''", "'").replace(/\\(.)/g, '$1');
}

/** A PUT / GET / REMOVE statement, or undefined for any other statement. */
export function parseStagingStatement(sql: string): StagingStatement | undefined {
  const text = sql.trim().replace(/;\s*$/, '');
  let match = new RegExp(String.raw`^PUT\s+${stringLiteral}\s+INTO\s+${stringLiteral}(\s+OVERWRITE)?$`, 'i').exec(text);
  if (match) return { operation: 'PUT', localFile: unquote(match[1] as string), volumePath: unquote(match[2] as string), overwrite: match[3] !== undefined };
  match = new RegExp(String.raw`^GET\s+${stringLiteral}\s+TO\s+${stringLiteral}$`, 'i').exec(text);
  if (match) return { operation: 'GET', volumePath: unquote(match[1] as string), localFile: unquote(match[2] as string) };
  match = new RegExp(String.raw`^REMOVE\s+${stringLiteral}$`, 'i').exec(text);
  if (match) return { operation: 'REMOVE', volumePath: unquote(match[1] as string) };
  if (/^(PUT|GET|REMOVE)\b/i.test(text)) throw syntaxError(text);
  return undefined;
}

/** A COPY INTO statement, or undefined for any other statement. */
export function parseCopyInto(sql: string): CopyIntoStatement | undefined {
  const text = sql.trim().replace(/;\s*$/, '');
  if (!/^COPY\s+INTO\b/i.test(text)) return undefined;
  const head = new RegExp(
    String.raw`^COPY\s+INTO\s+${qualifiedName}(?:\s+(BY\s+POSITION)|\s*\(([^)]*)\))?\s+FROM\s+(?:${stringLiteral}|\(\s*SELECT\s+([\s\S]+?)\s+FROM\s+${stringLiteral}\s*\))\s+FILEFORMAT\s*=\s*(\w+)([\s\S]*)$`,
    'i',
  ).exec(text);
  if (!head) throw syntaxError(text);
  const format = (head[7] as string).toUpperCase();
  if (format !== 'JSON' && format !== 'CSV' && format !== 'PARQUET') {
    throw new DatabricksSqlError('UNSUPPORTED_FILE_FORMAT', '0A000', `The sandbox's COPY INTO reads JSON, CSV and PARQUET, not ${format}.`);
  }
  const rest = head[8] as string;
  const files = /\bFILES\s*=\s*\(([^)]*)\)/i.exec(rest)?.[1];
  const pattern = new RegExp(String.raw`\bPATTERN\s*=\s*${stringLiteral}`, 'i').exec(rest)?.[1];
  return {
    target: head[1] as string,
    ...(head[3] !== undefined ? { columns: head[3] } : {}),
    byPosition: head[2] !== undefined,
    ...(head[5] !== undefined ? { select: head[5] } : {}),
    source: unquote((head[4] ?? head[6]) as string),
    format,
    ...(files !== undefined ? { files: [...files.matchAll(new RegExp(stringLiteral, 'g'))].map((found) => unquote(found[1] as string)) } : {}),
    ...(pattern !== undefined ? { pattern: unquote(pattern) } : {}),
    formatOptions: options(/\bFORMAT_OPTIONS\s*\(([^)]*)\)/i.exec(rest)?.[1]),
    copyOptions: options(/\bCOPY_OPTIONS\s*\(([^)]*)\)/i.exec(rest)?.[1]),
  };
}

/** `'key' = 'value', ...` (keys case-insensitive, as Spark reader options are). */
function options(list: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!list) return out;
  for (const match of list.matchAll(new RegExp(String.raw`${stringLiteral}\s*=\s*(?:${stringLiteral}|(\w+))`, 'g'))) {
    out[unquote(match[1] as string).toLowerCase()] = match[2] !== undefined ? unquote(match[2]) : (match[3] as string);
  }
  return out;
}

/** A glob (`*`, `?`, `[ab]`, `{a,b}`) as a regular expression over a file's name. */
export function globPattern(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') {
      const end = glob.indexOf('}', index);
      source += `(?:${glob
        .slice(index + 1, end)
        .split(',')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join('|')})`;
      index = end;
    } else if (char === '[') {
      const end = glob.indexOf(']', index);
      source += glob.slice(index, end + 1);
      index = end;
    } else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function syntaxError(text: string): DatabricksSqlError {
  return new DatabricksSqlError('PARSE_SYNTAX_ERROR', '42601', `Syntax error at or near the statement: ${text.slice(0, 80)}`);
}
