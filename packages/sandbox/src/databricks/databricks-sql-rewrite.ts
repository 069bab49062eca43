/**
 * Databricks SQL to DuckDB SQL, for the statements connectors and tests send. DuckDB runs most of
 * Databricks' dialect as it is; the rules here close the differences that would either fail
 * (backticks, `:name` markers, `USING DELTA`, `INSERT OVERWRITE`) or, worse, succeed with another
 * meaning (`"x"` is a string in Databricks, `UPDATE SET *` matches columns by position in DuckDB).
 */

export interface SqlToken {
  kind: 'word' | 'identifier' | 'string' | 'number' | 'parameter' | 'punct' | 'space';
  /** The token as DuckDB should see it (identifiers double-quoted, strings standard-escaped). */
  text: string;
  /** Words and identifiers: the name itself; strings: the value; parameters: the name. */
  value: string;
}

export interface RewrittenStatement {
  sql: string;
  /** Named parameter markers left to bind, in order of appearance (`:id` gives `id`). */
  parameters: string[];
  /** `INSERT OVERWRITE t query`: DuckDB has no such statement; the engine runs it as delete + insert. */
  overwrite?: { table: string; query: string };
  /** `USE CATALOG c` / `USE SCHEMA s`: the engine tracks the session's namespace. */
  use?: { catalog?: string; schema?: string };
  /** The first keyword (SELECT, INSERT, MERGE, ...), upper-case. */
  verb: string;
}

/** The Unity Catalog name `main` is reserved in DuckDB: stored under this name instead. */
export const duckDbMainCatalog = 'uc_main';

export function toDuckDbCatalog(catalog: string): string {
  return catalog.toLowerCase() === 'main' ? duckDbMainCatalog : catalog;
}

export function fromDuckDbCatalog(catalog: string): string {
  return catalog === duckDbMainCatalog ? 'main' : catalog;
}

export class SqlRewriteError extends Error {
  constructor(
    message: string,
    readonly errorClass: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

const spacePattern = /\s+/y;
const wordPattern = /[A-Za-z_][A-Za-z0-9_$]*/y;
const numberPattern = /(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?[LlDdSsYy]?|[0-9]+\.)/y;
const parameterPattern = /:([A-Za-z_][A-Za-z0-9_]*)/y;
const operatorPattern = /::|<=>|<>|!=|>=|<=|\|\|/y;

/** Matches `pattern` (sticky) at `index`, or undefined. Sticky patterns keep tokenizing linear in the statement size. */
function matchAt(pattern: RegExp, sql: string, index: number): RegExpExecArray | undefined {
  pattern.lastIndex = index;
  return pattern.exec(sql) ?? undefined;
}

export function tokenizeDatabricksSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let index = 0;
  while (index < sql.length) {
    const char = sql[index] as string;
    const next = sql[index + 1];
    if (char === ' ' || char === '\n' || char === '\t' || char === '\r') {
      const match = matchAt(spacePattern, sql, index)?.[0] ?? char;
      tokens.push({ kind: 'space', text: ' ', value: match });
      index += match.length;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end < 0 ? sql.length : end;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      index = end < 0 ? sql.length : end + 2;
    } else if (char === '`') {
      const end = readQuoted(sql, index, '`', false);
      const name = sql.slice(index + 1, end - 1).replaceAll('``', '`');
      tokens.push({ kind: 'identifier', text: quoteIdentifier(name), value: name });
      index = end;
    } else if (char === "'" || char === '"') {
      // Databricks: both quotes make string literals, with backslash escapes.
      const end = readQuoted(sql, index, char, true);
      const value = unescapeDatabricksString(sql.slice(index + 1, end - 1), char);
      tokens.push({ kind: 'string', text: `'${value.replaceAll("'", "''")}'`, value });
      index = end;
    } else if (char === ':' && next !== ':' && sql[index - 1] !== ':' && matchAt(parameterPattern, sql, index)) {
      const name = matchAt(parameterPattern, sql, index)?.[1] ?? '';
      tokens.push({ kind: 'parameter', text: `$${name}`, value: name });
      index += name.length + 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const word = matchAt(wordPattern, sql, index)?.[0] ?? char;
      tokens.push({ kind: 'word', text: word, value: word });
      index += word.length;
    } else if ((char >= '0' && char <= '9') || (char === '.' && next !== undefined && next >= '0' && next <= '9')) {
      const number = matchAt(numberPattern, sql, index)?.[0] ?? char;
      // Databricks' typed suffixes (10L, 1.5D) have no DuckDB spelling: the plain number keeps the value.
      tokens.push({ kind: 'number', text: number.replace(/[LlDdSsYy]$/, ''), value: number });
      index += number.length;
    } else {
      const punct = matchAt(operatorPattern, sql, index)?.[0] ?? char;
      tokens.push({ kind: 'punct', text: punct, value: punct });
      index += punct.length;
    }
  }
  return tokens;
}

/**
 * Rewrites one statement. `typeOf` gives the SQL type of each named parameter (the driver sends
 * it beside the value); the value is bound as a string and cast, as Databricks types it.
 */
export function rewriteDatabricksSql(sql: string, typeOf: (parameter: string) => string | undefined = () => undefined): RewrittenStatement {
  const tokens = tokenizeDatabricksSql(sql.trim().replace(/;\s*$/, ''));
  const words = tokens.filter((token) => token.kind !== 'space');
  const verb = (words[0]?.kind === 'word' ? words[0].value : '').toUpperCase();
  const upper = (position: number) => {
    const token = words[position];
    return token && token.kind === 'word' ? token.value.toUpperCase() : '';
  };

  if (verb === 'USE' || (verb === 'SET' && (upper(1) === 'CATALOG' || upper(1) === 'SCHEMA'))) {
    const kind = upper(1);
    const name = words[kind === 'CATALOG' || kind === 'SCHEMA' || kind === 'DATABASE' ? 2 : 1]?.value ?? '';
    return { sql: '', parameters: [], verb: 'USE', use: kind === 'CATALOG' ? { catalog: name } : { schema: name } };
  }

  const parameters: string[] = [];
  const out: string[] = [];
  for (let position = 0; position < tokens.length; position += 1) {
    const token = tokens[position] as SqlToken;
    const next = nextWord(tokens, position);
    const after = next === undefined ? undefined : nextWord(tokens, next);
    if (token.kind === 'parameter') {
      const type = typeOf(token.value);
      if (type === undefined) {
        throw new SqlRewriteError(
          `[UNBOUND_SQL_PARAMETER] Found the unbound parameter: ${token.value}. Please, fix \`args\` and provide a mapping of the parameter to either a SQL literal or collection constructor functions such as \`map()\`, \`array()\`, \`struct()\`.`,
          'UNBOUND_SQL_PARAMETER',
          '42P02',
        );
      }
      // The driver sends NULL with no type: a bare NULL takes its type from where it stands.
      if (type === 'VOID') {
        out.push('NULL');
        continue;
      }
      parameters.push(token.value);
      out.push(`CAST($${token.value} AS ${duckDbType(type)})`);
      continue;
    }
    const nextToken = next === undefined ? undefined : tokens[next];
    // A catalog named main (`main.schema.table`, quoted or not): DuckDB reserves the name.
    if ((token.kind === 'word' || token.kind === 'identifier') && token.value.toLowerCase() === 'main' && nextToken?.text === '.' && after !== undefined) {
      const third = nextWord(tokens, after);
      if (tokens[after]?.kind !== 'punct' && third !== undefined && tokens[third]?.text === '.') {
        out.push(duckDbMainCatalog);
        continue;
      }
    }
    if (token.kind === 'word') {
      const word = token.value.toUpperCase();
      // CREATE TABLE ... USING DELTA: every table is a table here.
      if (word === 'USING' && nextToken?.kind === 'word' && /^(DELTA|PARQUET|CSV|JSON|ORC)$/i.test(nextToken.value)) {
        position = next as number;
        continue;
      }
      // MERGE ... UPDATE SET * / INSERT *: Databricks resolves columns by name, DuckDB by position.
      if (word === 'SET' && nextToken?.text === '*' && lastWord(out) === 'UPDATE') {
        out.push('BY NAME');
        position = next as number;
        continue;
      }
      if (word === 'INSERT' && nextToken?.text === '*') {
        out.push('INSERT BY NAME');
        position = next as number;
        continue;
      }
      // SELECT * EXCEPT (a, b) is DuckDB's EXCLUDE.
      if (word === 'EXCEPT' && lastNonSpace(out) === '*') {
        out.push('EXCLUDE');
        continue;
      }
      // INSERT INTO TABLE t: DuckDB has no TABLE keyword there.
      if (word === 'TABLE' && lastWord(out) === 'INTO' && verb === 'INSERT') continue;
      if (word === 'TIMESTAMP_NTZ' || word === 'TIMESTAMP_LTZ') {
        out.push('TIMESTAMP');
        continue;
      }
      // current_user() is the session's user (a macro the warehouse defines per session).
      if (word === 'CURRENT_USER' && nextToken?.text === '(' && after !== undefined && tokens[after]?.text === ')') {
        out.push('__automl_current_user()');
        position = after;
        continue;
      }
      // current_timestamp() and friends are keywords without parentheses in DuckDB.
      if (/^(CURRENT_TIMESTAMP|CURRENT_DATE)$/.test(word) && nextToken?.text === '(' && after !== undefined && tokens[after]?.text === ')') {
        out.push(word.toLowerCase());
        position = after;
        continue;
      }
    }
    out.push(token.text);
  }
  const rewritten = out.join('').trim();

  if (verb === 'INSERT' && upper(1) === 'OVERWRITE') {
    const match = /^INSERT\s+OVERWRITE\s+(?:TABLE\s+)?((?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*))*)\s+([\s\S]+)$/i.exec(
      rewritten,
    );
    if (match) return { sql: rewritten, parameters, verb, overwrite: { table: match[1] as string, query: match[2] as string } };
  }
  return { sql: rewritten, parameters, verb };
}

/** DuckDB's name for a Databricks type sent with a parameter. */
export function duckDbType(databricksType: string): string {
  const type = databricksType.trim().toUpperCase();
  if (type === 'STRING' || type === 'VOID') return 'VARCHAR';
  if (type === 'LONG') return 'BIGINT';
  if (type === 'BYTE') return 'TINYINT';
  if (type === 'SHORT') return 'SMALLINT';
  if (type === 'TIMESTAMP_NTZ' || type === 'TIMESTAMP_LTZ') return 'TIMESTAMP';
  if (type === 'BINARY') return 'BLOB';
  if (type === 'DECIMAL') return 'DECIMAL(10,0)';
  return type;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function nextWord(tokens: SqlToken[], position: number): number | undefined {
  for (let index = position + 1; index < tokens.length; index += 1) if (tokens[index]?.kind !== 'space') return index;
  return undefined;
}

function lastWord(out: string[]): string {
  for (let index = out.length - 1; index >= 0; index -= 1) if ((out[index] as string).trim() !== '') return (out[index] as string).toUpperCase();
  return '';
}

const lastNonSpace = lastWord;

function readQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index];
    if (backslashEscapes && char === '\\') index += 2;
    else if (char === quote && sql[index + 1] === quote) index += 2;
    else if (char === quote) return index + 1;
    else index += 1;
  }
  throw new SqlRewriteError(
    `[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: unterminated ${quote === '`' ? 'identifier' : 'string'}.`,
    'PARSE_SYNTAX_ERROR',
    '42601',
  );
}

function unescapeDatabricksString(body: string, quote: string): string {
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };
  return body.replaceAll(`${quote}${quote}`, quote).replace(/\\(.)/g, (_, char: string) => escapes[char] ?? char);
}
