#!/usr/bin/env node
// DuckDB side of DeltaLite's Parquet benchmark. Prints one JSON line: {"seconds","bytes","peakMiB","baselineMiB"}.
//   node duckdb-bench.mjs write SOURCE.parquet DEST.parquet   load SOURCE into a table (not timed), time COPY to DEST (SNAPPY)
//   node duckdb-bench.mjs read FILE.parquet                   time reading every column of FILE into a table
//   node duckdb-bench.mjs read-files LIST.json               time reading every column of the files listed (a JSON array of
//                                                             paths, e.g. one Delta version's data files) into a table;
//                                                             also prints the row count
//   node duckdb-bench.mjs csv-to-parquet SOURCE.csv DEST.parquet
//                                                             time COPY (SELECT * FROM read_csv(SOURCE)) TO DEST (SNAPPY);
//                                                             its peakMiB is the process's whole peak (VmHWM), like the
//                                                             ingestion benchmark's figures
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

function statusMiB(key) {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(key));
  return line ? Number(line.slice(key.length).trim().split(/\s+/)[0]) / 1024 : NaN;
}

function resetPeak() {
  try { fs.writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not permitted: peak covers the whole process */ }
}

const sql = (s) => `'${String(s).replaceAll("'", "''")}'`;

const [command, ...args] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let seconds;
let bytes;
let baseline;
let rows;
if (command === 'write') {
  const [source, dest] = args;
  await connection.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${sql(source)})`);
  resetPeak();
  baseline = statusMiB('VmRSS:');
  const start = process.hrtime.bigint();
  await connection.run(`COPY t TO ${sql(dest)} (FORMAT parquet, COMPRESSION snappy)`);
  seconds = Number(process.hrtime.bigint() - start) / 1e9;
  bytes = fs.statSync(dest).size;
} else if (command === 'read') {
  const [file] = args;
  resetPeak();
  baseline = statusMiB('VmRSS:');
  const start = process.hrtime.bigint();
  await connection.run(`CREATE TABLE r AS SELECT * FROM read_parquet(${sql(file)})`);
  seconds = Number(process.hrtime.bigint() - start) / 1e9;
  bytes = fs.statSync(file).size;
} else if (command === 'read-files') {
  const files = JSON.parse(fs.readFileSync(args[0], 'utf8'));
  resetPeak();
  baseline = statusMiB('VmRSS:');
  const start = process.hrtime.bigint();
  await connection.run(`CREATE TABLE r AS SELECT * FROM read_parquet([${files.map(sql).join(', ')}])`);
  seconds = Number(process.hrtime.bigint() - start) / 1e9;
  bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const reader = await connection.runAndReadAll('SELECT count(*)::BIGINT AS n FROM r');
  rows = Number(reader.getRows()[0][0]);
} else if (command === 'csv-to-parquet') {
  const [source, dest] = args;
  resetPeak();
  baseline = 0;
  const start = process.hrtime.bigint();
  await connection.run(`COPY (SELECT * FROM read_csv(${sql(source)})) TO ${sql(dest)} (FORMAT parquet, COMPRESSION snappy)`);
  seconds = Number(process.hrtime.bigint() - start) / 1e9;
  bytes = fs.statSync(dest).size;
} else {
  process.stderr.write('usage: duckdb-bench.mjs write SOURCE DEST | read FILE | read-files LIST.json | csv-to-parquet SOURCE.csv DEST.parquet\n');
  process.exit(2);
}
const peakMiB = statusMiB('VmHWM:') - baseline;
connection.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, bytes, peakMiB, baselineMiB: baseline, rows })}\n`);
