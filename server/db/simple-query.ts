// Runs a parameterised query over PostgreSQL's simple query protocol, its parameters written into the
// text as literals.
//
// Why: the embedded engine (PGlite 0.5.8 behind pglite-socket 0.2.11) sometimes answers the extended
// protocol's Execute of the long PostGIS topology query with PortalSuspended although no row limit was
// asked; `pg` then reads every later reply one message behind (`portal "" does not exist`). The simple
// protocol has no portal to suspend. Used for that query on both engines, so there is one code path.
import pg from 'pg';

type Queryable = pg.ClientBase | pg.Pool;

/** One value as an SQL literal expression (the query keeps its own casts, e.g. `$1::int[]`). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`sqlLiteral: ${value} is not a finite number`);
    return `(${String(value)})`;
  }
  if (typeof value === 'bigint') return `(${value.toString()})`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) return value.length ? `ARRAY[${value.map(sqlLiteral).join(', ')}]` : "'{}'";
  return pg.escapeLiteral(JSON.stringify(value));
}

/** The text with every `$n` placeholder replaced by the literal of `values[n - 1]`. */
export function inlineParameters(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)(?!\d)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= values.length) throw new Error(`inlineParameters: no value for $${n}`);
    return sqlLiteral(values[index]);
  });
}

export function querySimple<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: readonly unknown[],
): Promise<pg.QueryResult<R>> {
  // Without values, pg sends one Query message (simple protocol).
  return db.query<R>(inlineParameters(text, values));
}
