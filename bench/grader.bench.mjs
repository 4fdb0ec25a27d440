// Class-mode throughput: a generated class of copies of solutions/ (every fifth student with one
// exercise broken, every seventh submitted as a zip, every eleventh as a notebook of two files)
// graded with the full exercise set, students graded in parallel across the cores.
// Issue 6 target: 200 submissions in under 3 minutes on this machine (2 cores).
// Size: BPL_BENCH_CLASS=N, or ctx.quick (20 students); default 200.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A notebook whose cells are the given solution files with `export` removed. */
function notebookOf(texts) {
  const cells = texts.map((t) => ({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: t.replace(/^export /gm, "").split(/(?<=\n)/) }));
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

/** Write a class of `n` submissions into `dir`. */
export function makeClass(dir, n) {
  const { zipSync, strToU8 } = require("fflate");
  const sol = path.join(root, "solutions");
  const files = readdirSync(sol).filter((f) => f.endsWith(".ts"));
  for (let i = 0; i < n; i++) {
    const name = `student${String(i).padStart(3, "0")}`;
    // Every file differs from every other student's (as real submissions do), so no cache helps.
    const texts = Object.fromEntries(files.map((f) => [f, `${readFileSync(path.join(sol, f), "utf8")}\n// ${name}\n`]));
    if (i % 5 === 1) texts["01-local-rules.ts"] = texts["01-local-rules.ts"].replace("return x > 0 ? g : 0;", "return g;");
    if (i % 11 === 5) {
      writeFileSync(path.join(dir, `${name}.ipynb`), notebookOf([texts["01-local-rules.ts"], texts["06-layer-gradients.ts"]]));
    } else if (i % 7 === 3) {
      writeFileSync(path.join(dir, `${name}.zip`), zipSync(Object.fromEntries(files.map((f) => [f, strToU8(texts[f])]))));
    } else {
      mkdirSync(path.join(dir, name));
      for (const f of files) writeFileSync(path.join(dir, name, f), texts[f]);
    }
  }
}

export default async function graderBench(ctx) {
  const { gradeClass } = require(path.join(root, "dist/grader/class.js"));
  const { ALL_EXERCISES } = require(path.join(root, "dist/grader/exercises/index.js"));
  const n = Number(process.env.BPL_BENCH_CLASS ?? (ctx?.quick ? 20 : 200));
  const cores = os.availableParallelism();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-bench-class-"));
  const out = `${dir}-out`;
  makeClass(dir, n);
  const t0 = performance.now();
  const { reports } = await gradeClass(dir, ALL_EXERCISES, { jobs: cores, outDir: out });
  const s = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  const full = reports.filter((r) => r.total === r.max).length;
  return [
    { name: `grade-class-${n}`, unit: "s", value: +s.toFixed(1), note: `${ALL_EXERCISES.length} exercises, ${cores} cores, ${cores} students at a time; target 200 in < 180 s` },
    { name: "grade-class/per-submission", unit: "s", value: +(s / n).toFixed(3), note: `${reports.length} reports, ${full} at full marks` },
    { name: "grade-class/projected-200", unit: "s", value: +((s / n) * 200).toFixed(1), note: "linear projection to a class of 200" },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  graderBench().then((rows) => console.log(rows));
}
