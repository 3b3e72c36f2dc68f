// Converts the CSV files written by export_base (DIR/interactions.csv, DIR/customers.csv) into
// DIR/interactions.parquet and DIR/customers.parquet with DuckDB's own Parquet writer (row groups
// of 122,880 rows; CODEC snappy, DuckDB's default, or zstd, lz4, uncompressed), keeping the rows
// in file order (by customer, then time), and removes the CSV files.
// Usage: node to_parquet.mjs DIR [THREADS] [CODEC]
import { existsSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, threads = '2', codec = 'snappy'] = process.argv.slice(2);
if (!['snappy', 'zstd', 'lz4', 'uncompressed'].includes(codec)) {
  console.error(`to_parquet.mjs: codec ${codec}: expected snappy, zstd, lz4 or uncompressed`);
  process.exit(2);
}
if (!dir || !existsSync(`${dir}/interactions.csv`) || !existsSync(`${dir}/customers.csv`)) {
  console.error('usage: node to_parquet.mjs DIR [THREADS]  (DIR holds interactions.csv and customers.csv from export_base)');
  process.exit(2);
}
const sql = (s) => s.replaceAll("'", "''");
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const tables = {
  interactions: "{'customer': 'UBIGINT', 'time': 'BIGINT', 'channel': 'UTINYINT', 'value': 'DOUBLE'}",
  customers: "{'id': 'UBIGINT', 'acquisition_day': 'INTEGER'}",
};
for (const [name, columns] of Object.entries(tables)) {
  const csv = sql(`${dir}/${name}.csv`), parquet = sql(`${dir}/${name}.parquet`);
  await con.run(`COPY (SELECT * FROM read_csv('${csv}', header = true, delim = ',', columns = ${columns}))
                 TO '${parquet}' (FORMAT parquet, COMPRESSION '${codec}')`);
  rmSync(`${dir}/${name}.csv`);
}
