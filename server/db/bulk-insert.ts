// Multi-row inserts through `unnest` of typed arrays: one round trip per batch, same SQL on both engines.
import type pg from 'pg';

export interface BulkColumn<Row> {
  name: string;
  /** SQL array element type of the parameter, e.g. 'text', 'int', 'float8', 'timestamptz'. */
  type: string;
  value: (row: Row) => string | number | boolean | null;
  /** Target column; default `name`. `null`: an input only read by another column's `expr`. */
  column?: string | null;
  /** SQL expression over the unnested columns `u.<name>`; default: `u.<name>` itself. */
  expr?: string;
}

export interface BulkInsertOptions<Row> {
  table: string;
  columns: BulkColumn<Row>[];
  rows: readonly Row[];
  batchSize?: number;
  /** Columns to return for every inserted row, in input order. */
  returning?: string;
  onBatch?: (inserted: number, total: number) => void;
}

export async function bulkInsert<Row, Out extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  options: BulkInsertOptions<Row>,
): Promise<Out[]> {
  const { table, columns, rows, batchSize = 10_000, returning } = options;
  const inputs = columns.map((column) => column.name).join(', ');
  const params = columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  const targets = columns.filter((column) => column.column !== null);
  const names = targets.map((column) => column.column ?? column.name).join(', ');
  const exprs = targets.map((column) => column.expr ?? `u.${column.name}`).join(', ');
  // WITH ORDINALITY + ORDER BY keeps RETURNING in input order, so callers can zip ids to rows.
  const sql =
    `INSERT INTO ${table} (${names}) SELECT ${exprs} FROM unnest(${params}) WITH ORDINALITY AS u(${inputs}, ord) ` +
    `ORDER BY u.ord${returning ? ` RETURNING ${returning}` : ''}`;
  const out: Out[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const values = columns.map((column) => batch.map(column.value));
    const result = await client.query<Out>(sql, values);
    if (returning) out.push(...result.rows);
    options.onBatch?.(Math.min(start + batchSize, rows.length), rows.length);
  }
  return out;
}
