#!/usr/bin/env node
// The benchmark harness behind `npm run bench`.
//
// It imports every bench/*.bench.mjs. Each default-exports `async function (ctx)` that returns
// rows `{ name, unit, value, spread?, note? }`; `spread: { min, max, rounds }` marks a value that
// is the median of several rounds (the table prints it as "min–max ×rounds"). A peer's figure is the row `<workload>/<peer>` and its
// comparison `<workload>/ratio-vs-<peer>`, whose value is (peer time) / (our time): above 1 we
// are faster. The harness prints an aligned table, or with --json one JSON object per line and
// nothing else on stdout (progress and anything a bench logs go to stderr).
//
//   node bench/run.mjs [--json] [--quick] [--list] [--record] [FILTER ...]
//   npm run bench -- mlp --quick          (npm prints its own "> script" banner on stdout;
//   npm run -s bench -- --json             use -s when stdout must be pure JSON)
//
// FILTER selects benches by file name (`mlp` runs bench/mlp.bench.mjs) or by row name
// (`mlp-small` keeps the rows whose name contains it; a bench file that exports
// `workloads = [...]` is run only when one of them matches, and learns which through ctx.wants).
// --quick runs fewer repetitions (ctx.quick, ctx.reps(n)) for a fast smoke run.
// --record lets a bench that keeps its figures in a committed data file rewrite it (ctx.record); without
// it no bench writes into the tree, so an ordinary run leaves the checkout clean.
// A bench that throws becomes an error row; the others still run and the exit code is 1.
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as os from "node:os";

// BPL_BENCH_DIR points the harness at another folder of benches (used to test the harness itself).
const here = process.env.BPL_BENCH_DIR ? path.resolve(process.env.BPL_BENCH_DIR) : path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const opts = { json: false, quick: false, list: false, record: false, help: false, filters: [] };
  for (const a of argv) {
    if (a === "--json") opts.json = true;
    else if (a === "--quick") opts.quick = true;
    else if (a === "--list") opts.list = true;
    else if (a === "--record") opts.record = true;
    else if (a === "--help" || a === "-h") opts.help = true;
    else if (a.startsWith("-")) throw new Error(`bench: unknown option ${a} (use --json, --quick, --list, --record or a name filter)`);
    else opts.filters.push(a);
  }
  return opts;
}

/** Bench files in a stable order, with the stem used for filtering and error rows. */
function benchFiles() {
  return readdirSync(here)
    .filter((f) => f.endsWith(".bench.mjs"))
    .sort()
    .map((f) => ({ file: f, stem: f.slice(0, -".bench.mjs".length), url: pathToFileURL(path.join(here, f)).href }));
}

const matches = (filters, s) => filters.some((f) => s.includes(f));

/**
 * A bench's ctx.wants: every name when its file was selected by name, else the names that contain a
 * filter. The harness keeps a row-selected bench's rows by the same test, so a bench must run a
 * workload whenever wants(its row name) holds, whatever else it skips.
 */
export function wantsFor(filters, fileSelected) {
  return (name) => fileSelected || matches(filters, name);
}

/** The 1-minute load average now; read it before and after timed work, as one reading cannot tell whether the machine got busier meanwhile. */
export const loadNow = () => os.loadavg()[0];

/** Two readings of loadNow() for a row's note, the table's title or a record: "1-min load average 4.48 at the start, 5.10 at the end". */
export function describeLoads([start, end]) {
  return `1-min load average ${start.toFixed(2)} at the start, ${end.toFixed(2)} at the end`;
}

/** Formats a number for the table: 3–4 significant figures, thousands separated, no exponent. */
export function formatValue(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 2 : 3;
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: a >= 1000 ? 0 : Math.min(digits, 1) });
}

/** The sentence a ratio row stands for, so nobody has to remember which way round it is. */
export function ratioSentence(row) {
  const m = /^(.*)\/ratio-vs-(.+)$/.exec(row.name);
  if (!m || typeof row.value !== "number" || !Number.isFinite(row.value) || row.value <= 0) return undefined;
  const peer = m[2];
  if (row.value >= 1) return `ours is ${row.value.toFixed(row.value >= 100 ? 0 : 1)}× faster than ${peer}`;
  const inv = 1 / row.value;
  return `ours is ${inv.toFixed(inv >= 100 ? 0 : 1)}× slower than ${peer}`;
}

/** A row's spread over rounds, "min–max ×rounds", or "" for a row measured once. */
export function formatSpread(spread) {
  return spread ? `${formatValue(spread.min)}–${formatValue(spread.max)} ×${spread.rounds}` : "";
}

function printTable(groups) {
  const all = groups.flatMap((g) => g.rows);
  const nameW = Math.max(8, ...all.map((r) => r.name.length));
  const valW = Math.max(8, ...all.map((r) => formatValue(r.value).length));
  const unitW = Math.max(4, ...all.map((r) => String(r.unit).length));
  // The min–max column appears only when some row was measured in rounds.
  const spreadW = all.some((r) => r.spread) ? Math.max(15, ...all.map((r) => formatSpread(r.spread).length)) : 0;
  const spreadCol = (s) => (spreadW ? `  ${s.padEnd(spreadW)}` : "");
  const line = (n, v, u, s, note) => `  ${n.padEnd(nameW)}  ${v.padStart(valW)}  ${u.padEnd(unitW)}${spreadCol(s)}  ${note}`.trimEnd();
  for (const g of groups) {
    process.stdout.write(`\n${g.title}\n`);
    process.stdout.write(`${line("name", "value", "unit", "min–max ×rounds", "note")}\n`);
    process.stdout.write(`  ${"-".repeat(nameW + valW + unitW + (spreadW ? spreadW + 2 : 0) + 10)}\n`);
    for (const r of g.rows) {
      const sentence = ratioSentence(r);
      const note = [sentence, r.note].filter(Boolean).join(" · ");
      process.stdout.write(`${line(r.name, formatValue(r.value), String(r.unit), formatSpread(r.spread), note)}\n`);
    }
  }
  process.stdout.write("\n");
}

function validRow(r) {
  if (r === null || typeof r !== "object" || typeof r.name !== "string" || typeof r.unit !== "string" || typeof r.value !== "number") return false;
  const s = r.spread;
  return s === undefined || (typeof s === "object" && s !== null && ["min", "max", "rounds"].every((k) => typeof s[k] === "number"));
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (opts.help) {
    console.log("usage: node bench/run.mjs [--json] [--quick] [--list] [--record] [FILTER ...]");
    return;
  }
  const files = benchFiles();
  // grader.bench.mjs sizes its generated class from BPL_BENCH_CLASS (default 200 students, a few
  // minutes here); a quick run grades 10 unless the caller chose a size.
  if (opts.quick && process.env.BPL_BENCH_CLASS === undefined) process.env.BPL_BENCH_CLASS = "10";
  // In --json mode stdout carries only the rows: whatever a bench or a library logs is moved to stderr.
  const realWrite = process.stdout.write.bind(process.stdout);
  if (opts.json) {
    for (const k of ["log", "info", "debug", "warn"]) console[k] = (...a) => console.error(...a);
    process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);
  }
  const emit = (row) => {
    const o = { name: row.name, unit: row.unit, value: Number.isFinite(row.value) ? row.value : null };
    if (row.spread !== undefined) o.spread = { min: row.spread.min, max: row.spread.max, rounds: row.spread.rounds };
    if (row.note !== undefined) o.note = row.note;
    realWrite(`${JSON.stringify(o)}\n`);
  };

  const groups = [];
  let failed = false;
  const started = Date.now();
  const loadAtStart = loadNow();
  for (const f of files) {
    let mod;
    const fileSelected = opts.filters.length === 0 || matches(opts.filters, f.stem);
    try {
      mod = await import(f.url);
    } catch (e) {
      if (!fileSelected) continue;
      failed = true;
      const row = { name: f.stem, unit: "error", value: NaN, note: `could not load ${f.file}: ${firstLine(e)}` };
      groups.push({ title: `${f.file} (failed to load)`, rows: [row] });
      if (opts.json) emit(row);
      continue;
    }
    const workloads = Array.isArray(mod.workloads) ? mod.workloads : [];
    if (opts.list) {
      realWrite(`${f.stem}${workloads.length ? `: ${workloads.join(", ")}` : ""}\n`);
      continue;
    }
    const rowSelected = !fileSelected && workloads.some((w) => matches(opts.filters, w));
    if (!fileSelected && !rowSelected) continue;
    const ctx = {
      quick: opts.quick,
      json: opts.json,
      /** --record: the bench may rewrite its committed data file. */
      record: opts.record,
      filters: [...opts.filters],
      /** True when the workload `name` should run under the current filters. */
      wants: wantsFor(opts.filters, fileSelected),
      /** Repetitions: n normally, about a tenth (at least `min`) with --quick. */
      reps: (n, min = 3) => (opts.quick ? Math.max(min, Math.round(n / 10)) : n),
      /** Progress for humans; always on stderr. */
      log: (msg) => process.stderr.write(`[bench ${f.stem}] ${msg}\n`),
    };
    const t0 = Date.now();
    process.stderr.write(`[bench] running ${f.file}${opts.quick ? " (quick)" : ""}…\n`);
    let rows;
    try {
      if (typeof mod.default !== "function") throw new Error(`${f.file} has no default-exported async function`);
      const out = await mod.default(ctx);
      if (!Array.isArray(out)) throw new Error(`${f.file} returned ${typeof out}, not an array of rows`);
      const bad = out.find((r) => !validRow(r));
      if (bad !== undefined) throw new Error(`${f.file} returned a malformed row ${JSON.stringify(bad)} (need name, unit, value; spread, if any, with min, max, rounds)`);
      rows = rowSelected ? out.filter((r) => ctx.wants(r.name)) : out;
    } catch (e) {
      failed = true;
      rows = [{ name: f.stem, unit: "error", value: NaN, note: `${f.file} threw: ${firstLine(e)}` }];
      process.stderr.write(`[bench] ${f.file} failed:\n${e?.stack ?? e}\n`);
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    groups.push({ title: `${f.file}  (${secs} s)`, rows });
    if (opts.json) rows.forEach(emit);
    // Rows of the error kind a bench returns itself (e.g. a peer that could not start) also count.
    if (rows.some((r) => r.unit === "error")) failed = true;
  }
  if (opts.list) return;
  if (groups.length === 0) {
    process.stderr.write(`[bench] no bench matches ${opts.filters.join(" ")}; available: ${files.map((f) => f.stem).join(", ")} (see --list)\n`);
    process.exitCode = 2;
    return;
  }
  if (!opts.json) {
    const cpu = os.cpus()[0]?.model ?? "unknown cpu";
    process.stdout.write(`Backprop Lab benchmarks${opts.quick ? " (quick)" : ""} — node ${process.version}, ${os.availableParallelism()} cores (${cpu}), ${describeLoads([loadAtStart, loadNow()])}\n`);
    printTable(groups);
    process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(1)} s${failed ? " — some benches failed (see error rows)" : ""}\n`);
  }
  if (failed) process.exitCode = 1;
}

function firstLine(e) {
  return String(e?.message ?? e).split("\n")[0];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exitCode = 1;
  });
}
