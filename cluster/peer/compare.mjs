// Checks that DuckDB and Engage computed the same features: joins DuckDB's output (features.mjs)
// with Engage's (export_features) on the customer id and counts, per column, the customers whose
// values differ (exact comparison: both sides sum integer hundredths and divide by 100 once).
// Prints one line per differing column, then a summary line; exits 1 if anything differs.
// Usage: node compare.mjs DUCKDB.parquet ENGAGE.csv
import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [duck, engage] = process.argv.slice(2);
if (!duck || !engage || !existsSync(duck) || !existsSync(engage)) {
  console.error('usage: node compare.mjs DUCKDB.parquet ENGAGE.csv  (outputs of features.mjs and export_features)');
  process.exit(2);
}
const q = (s) => s.replaceAll("'", "''");
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`CREATE VIEW d AS SELECT * FROM read_parquet('${q(duck)}')`);
await con.run(`CREATE VIEW e AS SELECT * FROM read_csv('${q(engage)}', header = true)`);
const columns = (await con.runAndReadAll("SELECT column_name FROM (DESCRIBE e) WHERE column_name <> 'id'"))
  .getRowObjects().map((r) => r.column_name);
const duckColumns = new Set((await con.runAndReadAll('SELECT column_name FROM (DESCRIBE d)'))
  .getRowObjects().map((r) => r.column_name));
const missing = columns.filter((c) => !duckColumns.has(c));
if (missing.length) {
  console.error(`compare: DuckDB's output lacks the columns ${missing.join(', ')}`);
  process.exit(1);
}
const counts = (await con.runAndReadAll(`
  SELECT (SELECT count(*) FROM d) AS duckdb_rows, (SELECT count(*) FROM e) AS engage_rows,
         count(*) AS joined,
         ${columns.map((c) => `count(*) FILTER (d."${c}" IS DISTINCT FROM e."${c}") AS "${c}"`).join(',\n         ')}
  FROM d JOIN e USING (id)`)).getRowObjects()[0];
const n = (v) => Number(v);
let bad = n(counts.duckdb_rows) !== n(counts.engage_rows) || n(counts.joined) !== n(counts.engage_rows);
for (const c of columns) {
  if (n(counts[c]) === 0) continue;
  bad = true;
  const example = (await con.runAndReadAll(`
    SELECT id, d."${c}" AS duckdb, e."${c}" AS engage FROM d JOIN e USING (id)
    WHERE d."${c}" IS DISTINCT FROM e."${c}" ORDER BY id LIMIT 1`)).getRowObjects()[0];
  console.log(`differs: ${c} for ${n(counts[c])} customers, e.g. id ${example.id}: DuckDB ${example.duckdb}, Engage ${example.engage}`);
}
console.log(`consistency: ${bad ? 'MISMATCH' : 'identical'}: ${columns.length} feature columns compared for ` +
            `${n(counts.joined)} customers (DuckDB ${n(counts.duckdb_rows)} rows, Engage ${n(counts.engage_rows)} rows)`);
process.exit(bad ? 1 : 0);
