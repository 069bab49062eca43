import { type DuckDBConnection, type DuckDBDataChunk, DuckDBInstance, type DuckDBResult } from '@duckdb/node-api';
import { type CopyIntoStatement, globPattern, parseCopyInto } from './databricks-file-statements.js';
import { DatabricksSqlError, toDatabricksError } from './databricks-sql-errors.js';
import type { DatabricksVolumes } from './databricks-volumes.js';
import { fromDuckDbCatalog, quoteIdentifier, rewriteDatabricksSql, toDuckDbCatalog } from './databricks-sql-rewrite.js';

/** A parameter as the driver sends it: a Databricks type name and the value as text (null for NULL). */
export interface BoundParameter {
  type?: string;
  value: string | null;
}

/** The outcome of one statement: a stream of DuckDB chunks (result sets are never held whole). */
export interface StatementOutcome {
  result: DuckDBResult | undefined;
  /** Rows the statement changed (DML), for `numModifiedRows`. */
  modifiedRows?: number;
}

export interface WarehouseSession {
  readonly connection: DuckDBConnection;
  catalog: string;
  schema: string;
  inTransaction: boolean;
}

const streamedVerbs = new Set(['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'SHOW', 'DESCRIBE', 'EXPLAIN', 'SUMMARIZE', 'PRAGMA']);

/**
 * The SQL warehouse behind the emulator: one in-memory DuckDB, one attached database per Unity
 * Catalog catalog, one DuckDB connection per Thrift session (so that a session's transaction is
 * its own), and Databricks semantics where DuckDB's differ (MERGE by name, a failing MERGE when
 * several source rows match one target row, INSERT OVERWRITE reading the table before it is emptied).
 */
export class DuckDbWarehouse {
  #instance: DuckDBInstance | undefined;
  #admin: DuckDBConnection | undefined;
  readonly #catalogs = new Set<string>();
  readonly defaultCatalog: string;
  readonly defaultSchema: string;

  readonly #volumes: DatabricksVolumes | undefined;

  constructor(options: { catalog?: string; schema?: string; volumes?: DatabricksVolumes } = {}) {
    this.defaultCatalog = options.catalog ?? 'main';
    this.defaultSchema = options.schema ?? 'default';
    this.#volumes = options.volumes;
  }

  async start(): Promise<void> {
    if (this.#instance) return;
    this.#instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    this.#admin = await this.#instance.connect();
    await this.ensureSchema(this.defaultCatalog, this.defaultSchema);
  }

  async stop(): Promise<void> {
    this.#admin?.closeSync();
    this.#instance?.closeSync();
    this.#admin = undefined;
    this.#instance = undefined;
    this.#catalogs.clear();
  }

  /** Drops every catalog and starts again empty (between tests). */
  async reset(): Promise<void> {
    await this.stop();
    await this.start();
  }

  get admin(): DuckDBConnection {
    if (!this.#admin) throw new Error('databricks emulator: warehouse not started');
    return this.#admin;
  }

  async ensureSchema(catalog: string, schema: string): Promise<void> {
    const duckCatalog = toDuckDbCatalog(catalog);
    if (!this.#catalogs.has(duckCatalog)) {
      await this.admin.run(`ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdentifier(duckCatalog)}`);
      this.#catalogs.add(duckCatalog);
    }
    await this.admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(duckCatalog)}.${quoteIdentifier(schema)}`);
  }

  async openSession(catalog = this.defaultCatalog, schema = this.defaultSchema, user = 'sandbox'): Promise<WarehouseSession> {
    if (!this.#instance) throw new Error('databricks emulator: warehouse not started');
    const connection = await this.#instance.connect();
    await connection.run(`CREATE OR REPLACE TEMP MACRO __automl_current_user() AS '${user.replaceAll("'", "''")}'`);
    const session: WarehouseSession = { connection, catalog, schema, inTransaction: false };
    await this.#use(session, catalog, schema);
    return session;
  }

  closeSession(session: WarehouseSession): void {
    session.connection.closeSync();
  }

  /** The DuckDB name of a table: `t`, `s.t` or `c.s.t` resolved against a namespace. */
  qualify(table: string, catalog = this.defaultCatalog, schema = this.defaultSchema): string {
    const parts = splitName(table);
    const [c, s, t] = parts.length === 3 ? parts : parts.length === 2 ? [catalog, ...parts] : [catalog, schema, parts[0] ?? ''];
    return `${quoteIdentifier(toDuckDbCatalog(c as string))}.${quoteIdentifier(s as string)}.${quoteIdentifier(t as string)}`;
  }

  async execute(session: WarehouseSession, sql: string, parameters: Map<string, BoundParameter> = new Map()): Promise<StatementOutcome> {
    try {
      return await this.#execute(session, sql, parameters);
    } catch (error) {
      // A failed statement inside DuckDB's transaction leaves it aborted, as Databricks' does.
      throw toDatabricksError(error);
    }
  }

  async #execute(session: WarehouseSession, sql: string, parameters: Map<string, BoundParameter>): Promise<StatementOutcome> {
    const copy = parseCopyInto(sql);
    if (copy) return this.#copyInto(session, copy);
    const statement = rewriteDatabricksSql(sql, (name) => {
      const parameter = parameters.get(name);
      if (!parameter) return undefined;
      return parameter.value === null && !parameter.type ? 'VOID' : (parameter.type ?? 'STRING');
    });
    const connection = session.connection;
    if (statement.use) {
      await this.#use(session, statement.use.catalog ?? session.catalog, statement.use.catalog ? this.defaultSchema : (statement.use.schema ?? session.schema));
      return { result: undefined };
    }
    const values: Record<string, string | null> = {};
    for (const name of statement.parameters) values[name] = parameters.get(name)?.value ?? null;
    const run = async (text: string, stream = false): Promise<DuckDBResult> => {
      if (statement.parameters.length === 0) return stream ? connection.stream(text) : connection.run(text);
      const prepared = await connection.prepare(text);
      prepared.bind(values);
      return stream ? prepared.stream() : prepared.run();
    };

    switch (statement.verb) {
      case 'BEGIN':
      case 'START': {
        if (session.inTransaction) {
          throw new DatabricksSqlError(
            'TRANSACTION_NOT_SUPPORTED.NESTED_TRANSACTION',
            '0A000',
            'Nested transactions are not supported. A transaction is already active in this session.',
          );
        }
        await connection.run('BEGIN TRANSACTION');
        session.inTransaction = true;
        return { result: undefined };
      }
      case 'COMMIT':
      case 'ROLLBACK': {
        if (!session.inTransaction) throw new DatabricksSqlError('NO_ACTIVE_TRANSACTION', '25000', `There is no active transaction to ${statement.verb}.`);
        session.inTransaction = false;
        await connection.run(statement.verb);
        return { result: undefined };
      }
      case 'OPTIMIZE':
      case 'ANALYZE':
        return { result: undefined };
    }

    if (statement.overwrite) {
      const { table, query } = statement.overwrite;
      return this.#atomically(session, async () => {
        await run(`CREATE OR REPLACE TEMP TABLE __automl_overwrite AS ${query}`);
        await connection.run(`DELETE FROM ${table}`);
        const inserted = (await connection.run(`INSERT INTO ${table} SELECT * FROM __automl_overwrite`)).rowsChanged;
        await connection.run('DROP TABLE __automl_overwrite');
        return this.#counts(session, inserted, { num_affected_rows: inserted, num_inserted_rows: inserted });
      });
    }

    if (statement.verb === 'MERGE') return this.#merge(session, statement.sql, run);

    if (streamedVerbs.has(statement.verb)) return { result: await run(statement.sql, true) };

    const result = await run(statement.sql);
    const dropped = statement.verb === 'DROP' ? /^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\S+)/i.exec(sql)?.[1] : undefined;
    if (dropped) this.#volumes?.forgetTable(this.qualify(dropped, session.catalog, session.schema).toLowerCase());
    if (statement.verb === 'INSERT')
      return this.#counts(session, result.rowsChanged, { num_affected_rows: result.rowsChanged, num_inserted_rows: result.rowsChanged });
    if (statement.verb === 'UPDATE' || statement.verb === 'DELETE') return this.#counts(session, result.rowsChanged, { num_affected_rows: result.rowsChanged });
    return { result: result.columnCount > 0 && statement.verb !== 'CREATE' ? result : undefined };
  }

  /**
   * MERGE through `RETURNING merge_action, <target key>`: when two source rows update or delete
   * the same target row, DuckDB applies one of them silently; Databricks fails the statement.
   */
  async #merge(session: WarehouseSession, sql: string, run: (text: string) => Promise<DuckDBResult>): Promise<StatementOutcome> {
    const key = /\bON\s+(.+?)\s*=/is.exec(sql)?.[1]?.trim();
    if (!key) return { result: await run(sql) };
    return this.#atomically(session, async () => {
      const result = await run(`${sql} RETURNING merge_action AS __action, ${key} AS __key`);
      const rows = (await result.getRows()) as Array<[string, unknown]>;
      const touched = new Set<string>();
      const counts = { num_affected_rows: rows.length, num_updated_rows: 0, num_deleted_rows: 0, num_inserted_rows: 0 };
      for (const [action, value] of rows) {
        if (action === 'INSERT') counts.num_inserted_rows += 1;
        else {
          if (action === 'UPDATE') counts.num_updated_rows += 1;
          else counts.num_deleted_rows += 1;
          const id = String(value);
          if (touched.has(id)) {
            throw new DatabricksSqlError(
              'DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE',
              '21506',
              'Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table in possibly conflicting ways. By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row. You can preprocess the source table to eliminate the possibility of multiple matches.',
            );
          }
          touched.add(id);
        }
      }
      return this.#counts(session, rows.length, counts);
    });
  }

  /**
   * COPY INTO from files in a volume, idempotent per file as on Databricks: a file this table
   * already loaded is skipped (even if it changed since), unless COPY_OPTIONS ('force' = 'true').
   * A retried COPY INTO whose first answer was lost therefore loads nothing twice. Source columns
   * match the target's by name (BY POSITION and a column list aside). JSON is line-delimited; with
   * 'primitivesAsString' every field is read as a string (then cast by the SELECT); CSV fields are
   * strings unless 'inferSchema'.
   */
  async #copyInto(session: WarehouseSession, copy: CopyIntoStatement): Promise<StatementOutcome> {
    const volumes = this.#volumes;
    if (!volumes) throw new DatabricksSqlError('UNSUPPORTED_FEATURE', '0A000', 'This warehouse has no volumes.');
    const key = this.qualify(copy.target, session.catalog, session.schema).toLowerCase();
    const source = copy.source.replace(/\/+$/, '');
    let files: string[];
    if (copy.files) {
      files = copy.files.map((file) => (file.startsWith('/') ? file : `${source}/${file}`));
      for (const file of files) {
        if (!volumes.exists(file)) throw new DatabricksSqlError('PATH_NOT_FOUND', '42K03', `Path does not exist: ${file}.`);
      }
    } else {
      if (!volumes.exists(source)) throw new DatabricksSqlError('PATH_NOT_FOUND', '42K03', `Path does not exist: ${source}.`);
      const pattern = copy.pattern ? globPattern(copy.pattern) : undefined;
      files = volumes.list(source).filter((file) => !pattern || pattern.test(file.slice(source.length + 1)));
    }
    const force = copy.copyOptions.force?.toLowerCase() === 'true';
    const pending = files.filter((file) => force || !volumes.alreadyLoaded(key, file));
    const counts = (inserted: number) => ({ num_affected_rows: inserted, num_inserted_rows: inserted, num_skipped_corrupt_files: 0 });
    if (pending.length === 0) return this.#counts(session, 0, counts(0));
    const list = `[${pending.map((file) => `'${volumes.localPath(file).replaceAll("'", "''")}'`).join(', ')}]`;
    const connection = session.connection;
    let reader: string;
    if (copy.format === 'JSON') {
      if (copy.formatOptions.primitivesasstring?.toLowerCase() === 'true') {
        const keys = await connection.runAndReadAll(
          `SELECT DISTINCT unnest(json_keys(json)) AS k FROM read_json_objects(${list}, format = 'newline_delimited')`,
        );
        const columns = (keys.getRows() as string[][]).map(([name]) => `'${String(name).replaceAll("'", "''")}': 'VARCHAR'`);
        reader = `read_json(${list}, format = 'newline_delimited', columns = {${columns.join(', ')}})`;
      } else reader = `read_json(${list}, format = 'newline_delimited')`;
    } else if (copy.format === 'CSV') {
      const header = copy.formatOptions.header?.toLowerCase() === 'true';
      const infer = copy.formatOptions.inferschema?.toLowerCase() === 'true';
      const delimiter = (copy.formatOptions.sep ?? copy.formatOptions.delimiter ?? ',').replaceAll("'", "''");
      reader = `read_csv(${list}, header = ${header}, all_varchar = ${!infer}, delim = '${delimiter}')`;
    } else reader = `read_parquet(${list})`;
    const into = copy.columns !== undefined ? `${copy.target} (${copy.columns})` : copy.byPosition ? copy.target : `${copy.target} BY NAME`;
    const insert = rewriteDatabricksSql(`INSERT INTO ${into} SELECT ${copy.select ?? '*'} FROM __automl_copy_source`);
    return this.#atomically(session, async () => {
      await connection.run(`CREATE OR REPLACE TEMP TABLE __automl_copy_source AS SELECT * FROM ${reader}`);
      try {
        const inserted = (await connection.run(insert.sql)).rowsChanged;
        for (const file of pending) volumes.markLoaded(key, file);
        return this.#counts(session, inserted, counts(inserted));
      } finally {
        await connection.run('DROP TABLE IF EXISTS __automl_copy_source');
      }
    });
  }

  /** Runs `work` in a transaction of its own unless the session already has one. */
  async #atomically<T>(session: WarehouseSession, work: () => Promise<T>): Promise<T> {
    if (session.inTransaction) return work();
    await session.connection.run('BEGIN TRANSACTION');
    try {
      const value = await work();
      await session.connection.run('COMMIT');
      return value;
    } catch (error) {
      await session.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Databricks answers DML with a one-row result of counts (DuckDB with a single `Count`). */
  async #counts(session: WarehouseSession, modified: number, columns: Record<string, number>): Promise<StatementOutcome> {
    const select = Object.entries(columns)
      .map(([name, value]) => `CAST(${value} AS BIGINT) AS ${name}`)
      .join(', ');
    return { result: await session.connection.run(`SELECT ${select}`), modifiedRows: modified };
  }

  async #use(session: WarehouseSession, catalog: string, schema: string): Promise<void> {
    const exists = await this.admin.runAndReadAll('SELECT 1 FROM information_schema.schemata WHERE catalog_name = $catalog AND schema_name = $schema', {
      catalog: toDuckDbCatalog(catalog),
      schema,
    });
    if (exists.currentRowCount === 0) {
      throw new DatabricksSqlError(
        'SCHEMA_NOT_FOUND',
        '42704',
        `The schema \`${catalog}\`.\`${schema}\` cannot be found. Verify the spelling and correctness of the schema and catalog.`,
      );
    }
    await session.connection.run(`USE ${quoteIdentifier(toDuckDbCatalog(catalog))}.${quoteIdentifier(schema)}`);
    session.catalog = catalog;
    session.schema = schema;
  }

  /** Tables visible in the warehouse, Databricks-named. */
  async tables(
    filter: { catalog?: string; schema?: string; table?: string } = {},
  ): Promise<Array<{ catalog: string; schema: string; table: string; type: string }>> {
    const reader = await this.admin.runAndReadAll(
      `SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables
       WHERE table_catalog NOT IN ('system', 'temp', 'memory') ORDER BY 1, 2, 3`,
    );
    return (reader.getRows() as string[][])
      .map(([catalog, schema, table, type]) => ({
        catalog: fromDuckDbCatalog(catalog as string),
        schema: schema as string,
        table: table as string,
        type: type === 'VIEW' ? 'VIEW' : 'TABLE',
      }))
      .filter((row) => likeMatch(filter.catalog, row.catalog) && likeMatch(filter.schema, row.schema) && likeMatch(filter.table, row.table));
  }

  async columns(filter: { catalog?: string; schema?: string; table?: string; column?: string } = {}) {
    const reader = await this.admin.runAndReadAll(
      `SELECT table_catalog, table_schema, table_name, column_name, data_type, is_nullable, ordinal_position, numeric_precision, numeric_scale
       FROM information_schema.columns WHERE table_catalog NOT IN ('system', 'temp', 'memory') ORDER BY 1, 2, 3, ordinal_position`,
    );
    return reader
      .getRowsJS()
      .map(([catalog, schema, table, column, type, nullable, position, precision, scale]) => ({
        catalog: fromDuckDbCatalog(catalog as string),
        schema: schema as string,
        table: table as string,
        column: column as string,
        duckDbType: type as string,
        nullable: nullable === 'YES',
        position: Number(position),
        precision: precision === null ? undefined : Number(precision),
        scale: scale === null ? undefined : Number(scale),
      }))
      .filter(
        (row) =>
          likeMatch(filter.catalog, row.catalog) &&
          likeMatch(filter.schema, row.schema) &&
          likeMatch(filter.table, row.table) &&
          likeMatch(filter.column, row.column),
      );
  }
}

export async function* chunksOf(result: DuckDBResult): AsyncGenerator<DuckDBDataChunk> {
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk;
  }
}

/** `a.b.c`, with backtick or double-quote quoting. */
export function splitName(name: string): string[] {
  const parts: string[] = [];
  const pattern = /`((?:[^`]|``)*)`|"((?:[^"]|"")*)"|([^.`"\s]+)/g;
  for (const match of name.matchAll(pattern)) parts.push(match[1]?.replaceAll('``', '`') ?? match[2]?.replaceAll('""', '"') ?? (match[3] as string));
  return parts;
}

/** JDBC metadata patterns: `%` any run, `_` one character; undefined or `*` matches everything. */
function likeMatch(pattern: string | null | undefined, value: string): boolean {
  if (pattern === undefined || pattern === null || pattern === '' || pattern === '*' || pattern === '%') return true;
  const expression = new RegExp(
    `^${pattern
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('%', '.*')
      .replaceAll('_', '.')
      .replaceAll('*', '.*')}$`,
    'i',
  );
  return expression.test(value);
}
