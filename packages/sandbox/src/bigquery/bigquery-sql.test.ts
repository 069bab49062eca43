import { describe, expect, it } from 'vitest';
import { rewriteGoogleSql, type QueryParameter } from './bigquery-sql.js';
import { statementTypeOf } from './bigquery-warehouse.js';

const rewrite = (sql: string, parameters?: QueryParameter[]) => rewriteGoogleSql(sql, parameters).sql;

describe('GoogleSQL to DuckDB rewrite', () => {
  it('turns backtick paths into quoted catalog.schema.table names', () => {
    expect(rewrite('SELECT * FROM `my-project.shop.customers`')).toBe('SELECT * FROM "my-project"."shop"."customers"');
    expect(rewrite('SELECT `order` FROM `shop`.`t`')).toBe('SELECT "order" FROM "shop"."t"');
  });

  it('reads GoogleSQL string literals: double quotes, backslash escapes, raw and triple-quoted strings', () => {
    expect(rewrite(`SELECT "Ada", 'it\\'s', r'\\d+', """two\nlines"""`)).toBe(`SELECT 'Ada', 'it''s', '\\d+', 'two\nlines'`);
    expect(rewrite(`SELECT b'abc'`)).toBe(`SELECT encode('abc')`);
  });

  it('binds @name and ? parameters as text cast to their declared types', () => {
    const parameters: QueryParameter[] = [
      { name: 'min', parameterType: { type: 'INT64' }, parameterValue: { value: '2' } },
      { name: 'ids', parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [{ value: 'a' }] } },
    ];
    expect(rewrite('SELECT * FROM t WHERE id >= @min AND name IN UNNEST(@ids)', parameters)).toBe(
      'SELECT * FROM t WHERE id >= CAST($min AS BIGINT) AND name IN UNNEST(CAST($ids AS VARCHAR[]))',
    );
    expect(rewrite('SELECT ?', [{ parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-01-01' } }])).toBe('SELECT CAST(? AS TIMESTAMPTZ)');
  });

  it('maps SAFE_CAST, CAST types, * EXCEPT, COUNTIF and CURRENT_TIMESTAMP()', () => {
    expect(rewrite('SELECT SAFE_CAST(x AS INT64), CAST(y AS STRING), CAST(z AS FLOAT64) AS f')).toBe(
      'SELECT TRY_CAST(x AS BIGINT), CAST(y AS VARCHAR), CAST(z AS DOUBLE) AS f',
    );
    expect(rewrite('SELECT * EXCEPT (a, b) FROM t')).toBe('SELECT * EXCLUDE (a, b) FROM t');
    expect(rewrite('SELECT COUNTIF(ok), CURRENT_TIMESTAMP() AS now')).toBe('SELECT COUNT_IF(ok), CURRENT_TIMESTAMP AS now');
    // An alias named like a type outside a CAST stays as written.
    expect(rewrite('SELECT d AS date FROM t')).toBe('SELECT d AS date FROM t');
    expect(rewrite("SELECT TIMESTAMP '2024-01-01 00:00:00 UTC'")).toBe("SELECT TIMESTAMPTZ '2024-01-01 00:00:00 UTC'");
  });

  it('adds the keywords GoogleSQL makes optional: MERGE INTO, INSERT INTO, DELETE FROM', () => {
    expect(rewrite('MERGE d.t T USING s ON T.id = s.id WHEN MATCHED THEN DELETE')).toBe('MERGE INTO d.t T USING s ON T.id = s.id WHEN MATCHED THEN DELETE');
    expect(rewrite('INSERT d.t (a) VALUES (1)')).toBe('INSERT INTO d.t (a) VALUES (1)');
    expect(rewrite('DELETE d.t WHERE a = 1')).toBe('DELETE FROM d.t WHERE a = 1');
    expect(rewrite('INSERT INTO d.t (a) VALUES (1)')).toBe('INSERT INTO d.t (a) VALUES (1)');
  });

  it('keeps comments and turns # comments into -- comments', () => {
    expect(rewrite('SELECT 1 # one\n-- two\n/* "three" */')).toBe('SELECT 1 -- one\n-- two\n/* "three" */');
  });

  it('names statement types as BigQuery reports them', () => {
    expect(
      [
        'SELECT 1',
        'WITH a AS (SELECT 1) SELECT * FROM a',
        'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE',
        'CREATE OR REPLACE TABLE t AS SELECT 1',
        'DROP TABLE t',
      ].map(statementTypeOf),
    ).toEqual(['SELECT', 'SELECT', 'MERGE', 'CREATE_TABLE_AS_SELECT', 'DROP_TABLE']);
  });
});
