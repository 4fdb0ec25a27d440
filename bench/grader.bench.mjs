// Class-mode throughput: a generated class of copies of solutions/ (every fifth student with one
// exercise broken, every seventh submitted as a zip) graded with the full exercise set.
// Issue 6 target: 200 submissions in under 3 minutes on this machine. BPL_BENCH_CLASS=N overrides
// the class size for a quick run.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export default async function graderBench() {
  const { gradeClass } = require(path.join(root, "dist/grader/class.js"));
  const { ALL_EXERCISES } = require(path.join(root, "dist/grader/exercises/index.js"));
  const { zipSync, strToU8 } = require("fflate");
  const n = Number(process.env.BPL_BENCH_CLASS ?? 200);
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-bench-class-"));
  const sol = path.join(root, "solutions");
  const files = readdirSync(sol).filter((f) => f.endsWith(".ts"));
  for (let i = 0; i < n; i++) {
    const name = `student${String(i).padStart(3, "0")}`;
    const texts = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(sol, f), "utf8")]));
    if (i % 5 === 1) texts["01-local-rules.ts"] = texts["01-local-rules.ts"].replace("return x > 0 ? g : 0;", "return g;");
    if (i % 7 === 3) {
      writeFileSync(path.join(dir, `${name}.zip`), zipSync(Object.fromEntries(files.map((f) => [f, strToU8(texts[f])]))));
    } else {
      cpSync(sol, path.join(dir, name), { recursive: true });
      writeFileSync(path.join(dir, name, "01-local-rules.ts"), texts["01-local-rules.ts"]);
    }
  }
  const t0 = performance.now();
  const { reports } = await gradeClass(dir, ALL_EXERCISES, { jobs: os.availableParallelism() * 2, outDir: path.join(dir, "..", `${path.basename(dir)}-out`) });
  const s = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  rmSync(path.join(dir, "..", `${path.basename(dir)}-out`), { recursive: true, force: true });
  return [
    { name: `grade-class-${n}`, unit: "s", value: +s.toFixed(1), note: `${ALL_EXERCISES.length} exercises, ${os.availableParallelism()} cores; target 200 in < 180 s` },
    { name: "grade-class/per-submission", unit: "s", value: +(s / n).toFixed(3), note: `${reports.length} reports` },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  graderBench().then((rows) => console.log(rows));
}
