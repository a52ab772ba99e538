#!/usr/bin/env node
// DuckDB peer for the DeltaLite tests: reads Parquet files (and runs SQL) with DuckDB, an independent
// implementation, and prints the result as JSON so the C# tests can compare it with our own reader/writer.
//
//   node duckdb-peer.mjs rows FILE [--columns a,b]   JSONL, one object per row, canonical row rendering
//   node duckdb-peer.mjs types FILE                  JSON array of {"name","type"} (DuckDB type strings)
//   node duckdb-peer.mjs schema FILE                 JSON array: SELECT * FROM parquet_schema(FILE)
//   node duckdb-peer.mjs metadata FILE               JSON array: SELECT * FROM parquet_metadata(FILE)
//   node duckdb-peer.mjs sql QUERY                   JSONL, canonical row rendering
//   node duckdb-peer.mjs dump FILE...                for each file: a line {"$file":F,"$types":[...]} then its rows
//                                                    as JSONL, or a line {"$file":F,"$error":"..."}; one process for many files
//
// Canonical row rendering (our C# reader prints the same form; the tests compare both as JSON):
//   integers (any width)  JSON numbers with every digit (64/128-bit values are printed from BigInt, never via a double)
//   FLOAT                 shortest decimal that round-trips to the same float32 (0.1f -> 0.1)
//   DOUBLE                JS shortest round-trip form; NaN/Infinity/-Infinity as the strings "NaN", "Infinity", "-Infinity"
//                         (negative zero prints as -0)
//   DECIMAL(p,s)          string with exactly s fraction digits ("12.340")
//   DATE                  "YYYY-MM-DD"
//   TIMESTAMP, _S, _MS, _NS   "YYYY-MM-DDTHH:MM:SS.ffffff" (naive; nanoseconds are floored to microseconds)
//   TIMESTAMP WITH TIME ZONE  the same in UTC with a trailing "Z"
//   TIME                  "HH:MM:SS.ffffff" (TIME_NS floored to microseconds)
//   TIME WITH TIME ZONE   "HH:MM:SS.ffffff" + "Z" when the offset is 0, else "+HH:MM"/"-HH:MM"
//   INTERVAL              {"months":m,"days":d,"micros":us}
//   BLOB                  base64; UUID lowercase 8-4-4-4-12; VARCHAR/ENUM JSON strings; BOOLEAN true/false
//   STRUCT                object (fields in order); LIST/ARRAY arrays; MAP with VARCHAR keys an object,
//                         other MAPs an array of {"key":k,"value":v}; UNION {"tag":t,"value":v}
//   NULL                  null
//   (schema/metadata only: BLOBs that are valid UTF-8, such as key_value_metadata, print as JSON strings)
//   Years outside 0000-9999 print with a sign ("+10000-01-01", "-0001-01-01"); DuckDB's infinite dates and
//   timestamps print as "infinity" / "-infinity".
// Errors: one line on stderr, exit code 1 (2 for usage errors).

import { statSync } from 'node:fs';
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';

const USAGE = 'usage: duckdb-peer.mjs rows FILE [--columns a,b] | types FILE | schema FILE | metadata FILE | sql QUERY | dump FILE...';

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const MICROS_PER_DAY = 86_400_000_000n;
const TIMESTAMP_POS_INF = 2n ** 63n - 1n;
const TIMESTAMP_NEG_INF = -(2n ** 63n - 1n);
const DATE_POS_INF = 2 ** 31 - 1;
const DATE_NEG_INF = -(2 ** 31 - 1);

function jsonString(s) {
  return JSON.stringify(String(s));
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

function floorDiv(a, b) {
  // BigInt division truncates toward zero; we need floor for negative (pre-1970) values.
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
function civilFromDays(days) {
  let z = BigInt(days) + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n; // [0, 146096]
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n; // [0, 399]
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n); // [0, 365]
  const mp = (5n * doy + 2n) / 153n; // [0, 11]
  const day = doy - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  const year = yoe + era * 400n + (month <= 2n ? 1n : 0n);
  return { year, month: Number(month), day: Number(day) };
}

function formatYear(year) {
  if (year >= 0n && year <= 9999n) return pad(year, 4);
  return (year < 0n ? '-' : '+') + pad(year < 0n ? -year : year, 4);
}

function formatDate(days) {
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatTimeOfDay(micros) {
  // micros in [0, 86_400_000_000]; 24:00:00 is a valid DuckDB TIME.
  const us = micros % 1_000_000n;
  const totalSeconds = micros / 1_000_000n;
  const s = totalSeconds % 60n;
  const m = (totalSeconds / 60n) % 60n;
  const h = totalSeconds / 3600n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(us, 6)}`;
}

// A timestamp stored as an int64 count of units: micros = raw * multiplier / divisor (floored).
function formatTimestamp(raw, multiplier, divisor, utc) {
  if (raw === TIMESTAMP_POS_INF) return jsonString('infinity');
  if (raw === TIMESTAMP_NEG_INF) return jsonString('-infinity');
  const micros = floorDiv(raw * multiplier, divisor);
  const days = floorDiv(micros, MICROS_PER_DAY);
  const timeOfDay = micros - days * MICROS_PER_DAY;
  return jsonString(`${formatDate(days)}T${formatTimeOfDay(timeOfDay)}${utc ? 'Z' : ''}`);
}

// Reads a BigInt field of a DuckDB value object, failing loudly if the installed node-api names it differently.
function big(value, field) {
  const v = value[field];
  if (typeof v !== 'bigint') {
    throw new Error(`internal: expected a BigInt '${field}' on ${value?.constructor?.name ?? typeof value}`);
  }
  return v;
}

function formatFloat32(v) {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(parseFloat(s)) === v) {
      // Re-print through a double so "1e+2" becomes "100" and "1.0e+21" becomes "1e+21".
      return String(parseFloat(s));
    }
  }
  return String(v); // unreachable: 9 significant digits always round-trip a float32
}

function formatFloat64(v) {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

function formatDecimal(unscaled, scale) {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return jsonString((negative ? '-' : '') + digits);
}

function formatOffset(offsetSeconds) {
  if (offsetSeconds === 0) return 'Z';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
}

function base64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Renders one value of the given DuckDB type (from the result's column types) as JSON text.
// options.blobAsText (schema/metadata commands): BLOBs that are valid UTF-8 print as strings (key_value_metadata).
function render(value, type, options = {}) {
  if (value === null || value === undefined) return 'null';
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value ? 'true' : 'false';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.INTEGER_LITERAL:
      // number for <= 32 bits, bigint for the wider ones: both print every digit.
      return typeof value === 'bigint' ? value.toString() : String(value);
    case DuckDBTypeId.BIGNUM:
      return value.toString();
    case DuckDBTypeId.FLOAT:
      return formatFloat32(value);
    case DuckDBTypeId.DOUBLE:
      return formatFloat64(value);
    case DuckDBTypeId.DECIMAL:
      return formatDecimal(big(value, 'value'), type.scale);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.STRING_LITERAL:
    case DuckDBTypeId.ENUM:
      return jsonString(value);
    case DuckDBTypeId.BLOB:
      if (options.blobAsText) {
        try {
          return jsonString(utf8.decode(value.bytes));
        } catch {
          // not UTF-8: base64 like everywhere else
        }
      }
      return jsonString(base64(value.bytes));
    case DuckDBTypeId.UUID:
      return jsonString(value.toString().toLowerCase());
    case DuckDBTypeId.DATE:
      if (value.days === DATE_POS_INF) return jsonString('infinity');
      if (value.days === DATE_NEG_INF) return jsonString('-infinity');
      return jsonString(formatDate(value.days));
    case DuckDBTypeId.TIMESTAMP:
      return formatTimestamp(big(value, 'micros'), 1n, 1n, false);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return formatTimestamp(big(value, 'micros'), 1n, 1n, true);
    case DuckDBTypeId.TIMESTAMP_S:
      return formatTimestamp(big(value, 'seconds'), 1_000_000n, 1n, false);
    case DuckDBTypeId.TIMESTAMP_MS:
      return formatTimestamp(big(value, 'millis'), 1_000n, 1n, false);
    case DuckDBTypeId.TIMESTAMP_NS:
      return formatTimestamp(big(value, 'nanos'), 1n, 1_000n, false);
    case DuckDBTypeId.TIME:
      return jsonString(formatTimeOfDay(big(value, 'micros')));
    case DuckDBTypeId.TIME_NS:
      return jsonString(formatTimeOfDay(big(value, 'nanos') / 1_000n));
    case DuckDBTypeId.TIME_TZ:
      return jsonString(formatTimeOfDay(big(value, 'micros')) + formatOffset(value.offset));
    case DuckDBTypeId.INTERVAL:
      return `{"months":${value.months},"days":${value.days},"micros":${big(value, 'micros').toString()}}`;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `[${value.items.map((item) => render(item, type.valueType, options)).join(',')}]`;
    case DuckDBTypeId.STRUCT: {
      const parts = type.entryNames.map(
        (name, i) => `${jsonString(name)}:${render(value.entries[name], type.entryTypes[i], options)}`);
      return `{${parts.join(',')}}`;
    }
    case DuckDBTypeId.MAP: {
      if (type.keyType.typeId === DuckDBTypeId.VARCHAR) {
        const parts = value.entries.map(
          (e) => `${jsonString(e.key)}:${render(e.value, type.valueType, options)}`);
        return `{${parts.join(',')}}`;
      }
      const parts = value.entries.map(
        (e) => `{"key":${render(e.key, type.keyType, options)},"value":${render(e.value, type.valueType, options)}}`);
      return `[${parts.join(',')}]`;
    }
    case DuckDBTypeId.UNION: {
      const index = type.tagMemberIndexes[value.tag];
      return `{"tag":${jsonString(value.tag)},"value":${render(value.value, type.memberTypes[index], options)}}`;
    }
    case DuckDBTypeId.BIT:
      return jsonString(value.toString());
    case DuckDBTypeId.GEOMETRY:
      return jsonString(base64(value.bytes));
    case DuckDBTypeId.SQLNULL:
      return 'null';
    default:
      throw new Error(`no canonical rendering for DuckDB type ${type.toString()} (type id ${type.typeId})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Output (respects back-pressure so large results are not buffered whole, and so the process only ends once
// everything has been written to the pipe).

async function write(text) {
  if (!process.stdout.write(text)) {
    await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

// Streams a query's rows; onRow receives the JSON text of each row object.
async function forEachRenderedRow(connection, sql, onRow, options = {}) {
  const result = await connection.stream(sql);
  const names = result.deduplicatedColumnNames();
  const types = result.columnTypes();
  const keys = names.map(jsonString);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const vectors = types.map((_, c) => chunk.getColumnVector(c));
    let batch = '';
    for (let r = 0; r < chunk.rowCount; r++) {
      let line = '{';
      for (let c = 0; c < types.length; c++) {
        if (c) line += ',';
        line += `${keys[c]}:${render(vectors[c].getItem(r), types[c], options)}`;
      }
      line += '}';
      batch += onRow(line);
    }
    if (batch) await write(batch);
  }
}

async function printJsonl(connection, sql) {
  await forEachRenderedRow(connection, sql, (line) => `${line}\n`);
}

async function printJsonArray(connection, sql, options = {}) {
  let first = true;
  await write('[');
  await forEachRenderedRow(connection, sql, (line) => {
    const text = first ? line : `,${line}`;
    first = false;
    return text;
  }, options);
  await write(']\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

function sqlString(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}

function sqlIdentifier(s) {
  return `"${String(s).replaceAll('"', '""')}"`;
}

function parquetSource(file) {
  return `read_parquet(${sqlString(file)}, binary_as_string=false, hive_partitioning=false)`;
}

// FILE is one existing file, never a glob: DuckDB would otherwise expand *, ? and [..] into several files.
function requireFile(args, command) {
  if (args.length < 1 || !args[0]) throw new UsageError(`${command}: missing FILE. ${USAGE}`);
  const file = args[0];
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new Error(`${command}: no such file: ${file}`);
  }
  if (!stat.isFile()) throw new Error(`${command}: not a file: ${file}`);
  return file;
}

function parseRowsArgs(args) {
  const file = requireFile(args, 'rows');
  let columns = null;
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--columns' && i + 1 < args.length) {
      columns = args[++i].split(',').filter((c) => c.length > 0);
    } else if (args[i].startsWith('--columns=')) {
      columns = args[i].slice('--columns='.length).split(',').filter((c) => c.length > 0);
    } else {
      throw new UsageError(`rows: unexpected argument '${args[i]}'. ${USAGE}`);
    }
  }
  if (columns && columns.length === 0) throw new UsageError('rows: --columns needs at least one column name');
  return { file, columns };
}

async function main(argv) {
  const [command, ...args] = argv;
  if (!command) throw new UsageError(USAGE);

  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  try {
    switch (command) {
      case 'rows': {
        const { file, columns } = parseRowsArgs(args);
        const select = columns ? columns.map(sqlIdentifier).join(', ') : '*';
        await printJsonl(connection, `SELECT ${select} FROM ${parquetSource(file)}`);
        break;
      }
      case 'types': {
        const file = requireFile(args, 'types');
        const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${parquetSource(file)}`);
        const out = reader.getRowObjects().map(
          (r) => `{"name":${jsonString(r.column_name)},"type":${jsonString(r.column_type)}}`);
        await write(`[${out.join(',')}]\n`);
        break;
      }
      case 'schema': {
        const file = requireFile(args, 'schema');
        await printJsonArray(connection, `SELECT * FROM parquet_schema(${sqlString(file)})`, { blobAsText: true });
        break;
      }
      case 'metadata': {
        const file = requireFile(args, 'metadata');
        await printJsonArray(connection, `SELECT * FROM parquet_metadata(${sqlString(file)})`, { blobAsText: true });
        break;
      }
      case 'dump': {
        if (args.length < 1) throw new UsageError(`dump: expected at least one FILE. ${USAGE}`);
        for (const file of args) {
          let header;
          try {
            const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${parquetSource(file)}`);
            const types = reader.getRowObjects().map(
              (r) => `{"name":${jsonString(r.column_name)},"type":${jsonString(r.column_type)}}`);
            header = `{"$file":${jsonString(file)},"$types":[${types.join(',')}]}\n`;
          } catch (err) {
            const message = (err && err.message ? err.message : String(err)).replace(/\s+/g, ' ').trim();
            await write(`{"$file":${jsonString(file)},"$error":${jsonString(message)}}\n`);
            continue;
          }
          await write(header);
          await printJsonl(connection, `SELECT * FROM ${parquetSource(file)}`);
        }
        break;
      }
      case 'sql': {
        if (args.length !== 1 || !args[0]) throw new UsageError(`sql: expected exactly one QUERY argument. ${USAGE}`);
        await printJsonl(connection, args[0]);
        break;
      }
      default:
        throw new UsageError(`unknown command '${command}'. ${USAGE}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync?.();
  }
}

// A reader that stops early (e.g. `| head`) is not an error of ours.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (process.env.DUCKDB_PEER_DEBUG) console.error(err);
  const message = (err && err.message ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  process.stderr.write(`duckdb-peer: ${message}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
}
