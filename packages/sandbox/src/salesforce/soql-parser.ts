/**
 * A parser for the subset of SOQL a data connector sends: SELECT a field list (or COUNT(), or
 * FIELDS(ALL|STANDARD|CUSTOM)) FROM one object, WHERE with = != <> < > <= >= LIKE IN NOT IN, AND, OR,
 * NOT and parentheses on typed literals (strings, numbers, true/false/null, date and datetime
 * literals), ORDER BY, LIMIT and OFFSET. Syntax errors carry Salesforce's MALFORMED_QUERY wording.
 */
export type SoqlLiteral = string | number | boolean | null | { date: string } | { datetime: number };

export type SoqlCondition =
  | { kind: 'and' | 'or'; left: SoqlCondition; right: SoqlCondition }
  | { kind: 'not'; operand: SoqlCondition }
  | { kind: 'compare'; field: string; operator: SoqlOperator; value: SoqlLiteral | SoqlLiteral[] };

export type SoqlOperator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'LIKE' | 'IN' | 'NOT IN';

export interface SoqlQuery {
  object: string;
  /** Field names as written; empty with `count`. */
  fields: string[];
  /** FIELDS(ALL), FIELDS(STANDARD) or FIELDS(CUSTOM). */
  fieldsFunction?: 'ALL' | 'STANDARD' | 'CUSTOM';
  count: boolean;
  where?: SoqlCondition;
  orderBy: Array<{ field: string; descending: boolean; nullsLast: boolean }>;
  limit?: number;
  offset?: number;
}

export class SoqlSyntaxError extends Error {
  override readonly name = 'SoqlSyntaxError';
}

interface Token {
  kind: 'word' | 'string' | 'number' | 'symbol' | 'end';
  text: string;
}

const keywords = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'NULLS',
  'FIRST',
  'LAST',
  'LIMIT',
  'OFFSET',
]);

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < soql.length) {
    const character = soql[index]!;
    if (/\s/.test(character)) {
      index += 1;
      continue;
    }
    if (character === "'") {
      let text = '';
      index += 1;
      while (index < soql.length && soql[index] !== "'") {
        if (soql[index] === '\\') {
          const escaped = soql[index + 1] ?? '';
          text += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
          index += 2;
        } else {
          text += soql[index];
          index += 1;
        }
      }
      if (index >= soql.length) throw new SoqlSyntaxError(`line 1:${index} mismatched character '<EOF>' expecting '''`);
      index += 1;
      tokens.push({ kind: 'string', text });
      continue;
    }
    const symbol = /^(<=|>=|!=|<>|[=<>(),])/.exec(soql.slice(index))?.[1];
    if (symbol) {
      tokens.push({ kind: 'symbol', text: symbol === '<>' ? '!=' : symbol });
      index += symbol.length;
      continue;
    }
    // Datetime and date literals are unquoted: 2024-01-31T10:00:00Z, 2024-01-31T10:00:00.000+01:00, 2024-01-31.
    const word = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})|\d{4}-\d{2}-\d{2}|-?\d+(\.\d+)?|[A-Za-z_][\w.]*)/.exec(
      soql.slice(index),
    )?.[1];
    if (!word) throw new SoqlSyntaxError(`unexpected token: '${character}'`);
    tokens.push({ kind: /^-?\d+(\.\d+)?$/.test(word) ? 'number' : 'word', text: word });
    index += word.length;
  }
  tokens.push({ kind: 'end', text: '<EOF>' });
  return tokens;
}

export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql);
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const isKeyword = (word: string) => peek().kind === 'word' && peek().text.toUpperCase() === word;
  const expectKeyword = (word: string) => {
    if (!isKeyword(word)) throw new SoqlSyntaxError(`unexpected token: '${peek().text}'`);
    next();
  };
  const expectSymbol = (symbol: string) => {
    if (peek().text !== symbol) throw new SoqlSyntaxError(`unexpected token: '${peek().text}'`);
    next();
  };
  const identifier = (): string => {
    const token = next();
    if (token.kind !== 'word' || keywords.has(token.text.toUpperCase())) throw new SoqlSyntaxError(`unexpected token: '${token.text}'`);
    return token.text;
  };

  expectKeyword('SELECT');
  const query: SoqlQuery = { object: '', fields: [], count: false, orderBy: [] };
  do {
    if (isKeyword('COUNT') && tokens[position + 1]?.text === '(' && tokens[position + 2]?.text === ')') {
      position += 3;
      query.count = true;
    } else if (isKeyword('FIELDS') && tokens[position + 1]?.text === '(') {
      position += 2;
      const which = next().text.toUpperCase();
      if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM') throw new SoqlSyntaxError(`unexpected token: '${which}'`);
      expectSymbol(')');
      query.fieldsFunction = which;
    } else {
      query.fields.push(identifier());
    }
  } while (peek().text === ',' && next());
  expectKeyword('FROM');
  query.object = identifier();
  if (isKeyword('WHERE')) {
    next();
    query.where = parseOr();
  }
  if (isKeyword('ORDER')) {
    next();
    expectKeyword('BY');
    do {
      const field = identifier();
      let descending = false;
      if (isKeyword('ASC')) next();
      else if (isKeyword('DESC')) {
        next();
        descending = true;
      }
      let nullsLast = descending;
      if (isKeyword('NULLS')) {
        next();
        if (isKeyword('FIRST')) nullsLast = false;
        else if (isKeyword('LAST')) nullsLast = true;
        else throw new SoqlSyntaxError(`unexpected token: '${peek().text}'`);
        next();
      }
      query.orderBy.push({ field, descending, nullsLast });
    } while (peek().text === ',' && next());
  }
  if (isKeyword('LIMIT')) {
    next();
    query.limit = integer();
  }
  if (isKeyword('OFFSET')) {
    next();
    query.offset = integer();
  }
  if (peek().kind !== 'end') throw new SoqlSyntaxError(`unexpected token: '${peek().text}'`);
  return query;

  function integer(): number {
    const token = next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw new SoqlSyntaxError(`unexpected token: '${token.text}'`);
    return Number(token.text);
  }

  function parseOr(): SoqlCondition {
    let left = parseAnd();
    while (isKeyword('OR')) {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): SoqlCondition {
    let left = parseUnary();
    while (isKeyword('AND')) {
      next();
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  }

  function parseUnary(): SoqlCondition {
    if (isKeyword('NOT')) {
      next();
      return { kind: 'not', operand: parseUnary() };
    }
    if (peek().text === '(') {
      next();
      const inner = parseOr();
      expectSymbol(')');
      return inner;
    }
    const field = identifier();
    let operator: SoqlOperator;
    if (isKeyword('NOT')) {
      next();
      expectKeyword('IN');
      operator = 'NOT IN';
    } else if (isKeyword('IN')) {
      next();
      operator = 'IN';
    } else if (isKeyword('LIKE')) {
      next();
      operator = 'LIKE';
    } else {
      const symbol = next();
      if (symbol.kind !== 'symbol' || !['=', '!=', '<', '>', '<=', '>='].includes(symbol.text)) throw new SoqlSyntaxError(`unexpected token: '${symbol.text}'`);
      operator = symbol.text as SoqlOperator;
    }
    if (operator === 'IN' || operator === 'NOT IN') {
      expectSymbol('(');
      const values: SoqlLiteral[] = [literal()];
      while (peek().text === ',') {
        next();
        values.push(literal());
      }
      expectSymbol(')');
      return { kind: 'compare', field, operator, value: values };
    }
    return { kind: 'compare', field, operator, value: literal() };
  }

  function literal(): SoqlLiteral {
    const token = next();
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'TRUE') return true;
      if (upper === 'FALSE') return false;
      if (upper === 'NULL') return null;
      if (/^\d{4}-\d{2}-\d{2}$/.test(token.text)) return { date: token.text };
      if (/^\d{4}-\d{2}-\d{2}T/.test(token.text)) {
        const time = Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (!Number.isNaN(time)) return { datetime: time };
      }
    }
    throw new SoqlSyntaxError(`unexpected token: '${token.text}'`);
  }
}
