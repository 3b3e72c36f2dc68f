// The per-customer features of `engage score` (docs/metrics.md, "Per-customer features") as one
// DuckDB SQL query over the Parquet files of to_parquet.mjs, written to a Parquet file so the
// work cannot be skipped. Prints one JSON line: the query's seconds, DuckDB's settings, and the
// process's peak resident memory (getrusage, as Engage's run.json measures its ranks).
// Usage: node features.mjs DIR OUT.parquet THREADS [AS_OF_DAY] [WINDOW_DAYS]
//   PROFILE=FILE writes DuckDB's operator timings of the query (JSON) to FILE.
//   DIR holds interactions.parquet, customers.parquet and meta.json (export_base);
//   AS_OF_DAY defaults to floor(last_time / 86400), Engage's default; WINDOW_DAYS to 365.
import { existsSync, readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, out, threads, asOfArg, windowArg = '365'] = process.argv.slice(2);
if (!dir || !out || !threads || !existsSync(`${dir}/meta.json`) || !existsSync(`${dir}/interactions.parquet`)) {
  console.error('usage: node features.mjs DIR OUT.parquet THREADS [AS_OF_DAY] [WINDOW_DAYS]  ' +
                '(DIR: interactions.parquet, customers.parquet and meta.json from export_base + to_parquet.mjs)');
  process.exit(2);
}
const meta = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8'));
const A = asOfArg === undefined ? Math.floor(meta.last_time / 86400) : Number(asOfArg);
const S = A - Number(windowArg) + 1;  // window [S, A], both ends included
if (!Number.isInteger(A) || !Number.isInteger(S) || Number(windowArg) < 1) {
  console.error(`features.mjs: AS_OF_DAY (${asOfArg}) and WINDOW_DAYS (${windowArg}) must be whole numbers of days, WINDOW_DAYS >= 1`);
  process.exit(2);
}
const purchase = meta.channels.filter((c) => c.kind === 'purchase').map((c) => c.code);
const codes = meta.channels.map((c) => c.code);
const q = (s) => s.replaceAll("'", "''");
const isPurchase = purchase.length ? `channel IN (${purchase.join(', ')})` : 'false';

// Days are floor(time / 86400) (times are >= 0); values become integer hundredths, rounded half
// away from zero, and are summed exactly as Engage does; the sums divide by 100 at the end.
// Weeks are 7-day periods counted back from the as-of day; months are calendar months of
// epoch + day. Two levels, the fastest of the formulations tried (docs/performance.md): counts,
// sums and last days per customer and channel, pivoted per customer; the distinct weeks and
// months per customer in a second aggregation that reads the file again. One aggregation per customer
// with 28 FILTERed aggregates per row costs DuckDB about 1.7 times the CPU.
const events = `
    SELECT customer, channel, day,
           CAST(round(value * 100) AS BIGINT) AS h,
           day >= ${S} AS in_window
    FROM (SELECT customer, channel, value, time // 86400 AS day
          FROM read_parquet('${q(`${dir}/interactions.parquet`)}'))
    WHERE day <= ${A}`;
const date = `DATE '${meta.epoch}' + CAST(day AS INTEGER)`;
const query = `
COPY (
  WITH per_channel AS (
    SELECT customer, channel,
      count(*) AS total, count(*) FILTER (in_window) AS n, sum(h) FILTER (in_window) AS h, max(day) AS last_day
    FROM (${events})
    GROUP BY customer, channel
  ),
  per_customer AS (
    SELECT customer,
      sum(total) AS interactions_total,
      sum(n) AS interactions,
      sum(n) FILTER (${isPurchase}) AS frequency,
      sum(h) FILTER (${isPurchase}) AS monetary_h,
      max(last_day) FILTER (${isPurchase}) AS last_purchase,
      max(last_day) AS last_any,
      ${codes.map((k) => `sum(n) FILTER (channel = ${k}) AS n${k}, sum(h) FILTER (channel = ${k}) AS h${k}`).join(',\n      ')}
    FROM per_channel
    GROUP BY customer
  ),
  periods AS (
    SELECT customer,
      count(DISTINCT (${A} - day) // 7) AS active_weeks,
      count(DISTINCT year(${date}) * 12 + month(${date})) AS active_months
    FROM (${events})
    WHERE in_window
    GROUP BY customer
  )
  SELECT c.id,
    CASE WHEN c.acquisition_day <= ${A} THEN ${A} - c.acquisition_day ELSE -1 END AS tenure_days,
    coalesce(${A} - p.last_purchase, -1) AS recency_days,
    coalesce(${A} - p.last_any, -1) AS last_interaction_days,
    coalesce(p.frequency, 0) AS frequency,
    coalesce(p.interactions, 0) AS interactions,
    coalesce(p.interactions_total, 0) AS interactions_total,
    ${codes.map((k) => `(coalesce(p.n${k}, 0) > 0)::INTEGER`).join(' + ')} AS breadth,
    coalesce(w.active_weeks, 0) AS active_weeks,
    coalesce(w.active_months, 0) AS active_months,
    coalesce(p.monetary_h, 0) / 100 AS monetary,
    ${codes.map((k) => `coalesce(p.n${k}, 0) AS channel_count_${k}`).join(', ')},
    ${codes.map((k) => `coalesce(p.h${k}, 0) / 100 AS channel_value_${k}`).join(', ')}
  FROM read_parquet('${q(`${dir}/customers.parquet`)}') c
  LEFT JOIN per_customer p ON p.customer = c.id
  LEFT JOIN periods w ON w.customer = c.id
  ORDER BY c.id
) TO '${q(out)}' (FORMAT parquet)`;

const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const settings = (await con.runAndReadAll(
  "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit, version() AS version"))
  .getRowObjects()[0];
if (process.env.PROFILE) {
  await con.run(`SET enable_profiling = 'json'; SET profiling_output = '${q(process.env.PROFILE)}'`);
}
const rssBefore = process.memoryUsage().rss;
const start = process.hrtime.bigint(), cpuStart = process.cpuUsage();
const result = await con.run(query);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({
  seconds,
  query_cpu_seconds: (cpu.user + cpu.system) / 1e6,
  rows: Number(result.rowsChanged),
  as_of_day: A,
  window_days: Number(windowArg),
  interactions: meta.interactions,
  threads: Number(settings.threads),
  memory_limit: settings.memory_limit,
  duckdb_version: settings.version,
  rss_before_query_bytes: rssBefore,
  peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
}));
