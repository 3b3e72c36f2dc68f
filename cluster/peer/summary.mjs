// Prints the peer benchmark's Markdown table from the runs that bench_peer.sh recorded (one JSON
// line per run and side): medians of the time and of the peak memory, and the ratios.
// Usage: node summary.mjs RUNS.jsonl BASE.h5 PARQUET_DIR "CONSISTENCY LINE"
import { readFileSync, statSync } from 'node:fs';

const [runsFile, base, parquet, consistency] = process.argv.slice(2);
const runs = readFileSync(runsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const side = (name) => {
  const r = runs.filter((x) => x.side === name);
  return { first: r[0], n: r.length, seconds: median(r.map((x) => x.seconds)),
           process: median(r.map((x) => x.process_seconds)), cpu: median(r.map((x) => x.cpu_seconds)), peak: median(r.map((x) => x.peak_rss_bytes)),
           all: r.map((x) => x.seconds.toFixed(2)).join(', '), loads: r.map((x) => x.load_before) };
};
const e = side('engage'), d = side('duckdb');
const interactions = e.first.interactions;
if (d.first.interactions !== interactions) throw new Error('the two sides read different interaction counts');
const mb = (bytes) => (bytes / 1e6).toFixed(0);
const size = (p) => statSync(p).size;
const parquetBytes = size(`${parquet}/interactions.parquet`) + size(`${parquet}/customers.parquet`);
const eRate = interactions / e.seconds, dRate = interactions / d.seconds;
const loads = [...e.loads, ...d.loads];
const ratio = eRate / dRate, fraction = e.peak / d.peak;

console.log(`${(interactions / 1e6).toFixed(1)} M interactions, ${e.first.ranks} cores, median of ${e.n} runs ` +
            `(load average before each run: ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)}).\n`);
console.log('| side | reads | input MB | s (median) | M interactions/s | peak memory MB | process wall s | process CPU s |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
console.log(`| Engage \`engage score\`, ${e.first.ranks} ranks x ${e.first.threads} thread | HDF5 (${process.env.ENGAGE_STORAGE || 'unfiltered'}) | ` +
            `${mb(size(base))} | ${e.seconds.toFixed(2)} | ${(eRate / 1e6).toFixed(1)} | ` +
            `${mb(e.peak)} (${e.first.ranks} x ${mb(e.peak / e.first.ranks)}) | ${e.process.toFixed(2)} | ${e.cpu.toFixed(2)} |`);
console.log(`| DuckDB ${d.first.duckdb_version} SQL, ${d.first.threads} threads (memory_limit ${d.first.memory_limit}) | ` +
            `Parquet (${process.env.PARQUET_CODEC || 'snappy'}) | ${mb(parquetBytes)} | ${d.seconds.toFixed(2)} | ${(dRate / 1e6).toFixed(1)} | ` +
            `${mb(d.peak)} (${mb(d.first.rss_before_query_bytes)} before the query) | ${d.process.toFixed(2)} | ${d.cpu.toFixed(2)} |`);
console.log(`| **Engage / DuckDB** | | | | **${ratio.toFixed(2)}x** (target: at least 5x) | ` +
            `**${fraction.toFixed(2)}** (target: a fraction) | ${(d.process / e.process).toFixed(2)}x | ${(d.cpu / e.cpu).toFixed(2)}x |`);
console.log(`\nruns (s): Engage ${e.all}; DuckDB ${d.all}. Engage's s is run.json's wall_seconds, its memory ` +
            `peak_rss_bytes_max_rank x ranks; DuckDB's s is the query (COPY ... TO parquet), its memory the ` +
            `node process's peak RSS. Process wall and CPU (user + system, children included): ` +
            `mpirun / node from start to exit; the ratios in those columns are DuckDB / Engage.`);
const m = runs.filter((x) => x.side === 'engage').find((x) => x.seconds === e.seconds);
console.log(`Engage's phases in its median run (slowest rank, s): ` +
            ['read', 'compute', 'write', 'engagement', 'report'].map((p) => `${p} ${m.phases[p].toFixed(2)}`).join(', ') +
            `. DuckDB's query used ${median(runs.filter((x) => x.side === 'duckdb').map((x) => x.query_cpu_seconds)).toFixed(2)} CPU s.`);
console.log(`target ${ratio >= 5 && fraction < 1 ? 'met' : 'missed'}: Engage at ${ratio.toFixed(2)}x DuckDB's ` +
            `interactions/s with ${fraction.toFixed(2)} of its memory.`);
console.log(consistency);
