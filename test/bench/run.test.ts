// The benchmark harness, run on a folder of tiny fake benches (BPL_BENCH_DIR): table and JSON
// output, name filters, --quick, and a throwing bench that must not hide the others.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect, test } from "vitest";

const runner = path.join(__dirname, "../../bench/run.mjs");
const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-bench-harness-"));
writeFileSync(path.join(dir, "alpha.bench.mjs"), `
export const workloads = ["alpha-step"];
export default async function (ctx) {
  console.log("a library talking on stdout");
  return [
    { name: "alpha-step", unit: "µs/step", value: 12.5, note: "ours" },
    { name: "alpha-step/peer", unit: "µs/step", value: 125 },
    { name: "alpha-step/ratio-vs-peer", unit: "×", value: 10, spread: { min: 8, max: 12.5, rounds: 5 } },
    { name: "alpha-other/ratio-vs-slowpoke", unit: "×", value: 0.25 },
    { name: "alpha-reps", unit: "n", value: ctx.reps(1000), note: ctx.quick ? "quick" : "full" },
  ];
}`);
writeFileSync(path.join(dir, "beta.bench.mjs"), `export default async function () { throw new Error("beta broke"); }`);
writeFileSync(path.join(dir, "gamma.bench.mjs"), `export default async function () { return [{ name: "gamma-step", unit: "ms", value: 1 }]; }`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [runner, ...args], { encoding: "utf8", env: { ...process.env, BPL_BENCH_DIR: dir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("--json: one JSON object per line on stdout and nothing else; a throwing bench is an error line and exit 1", () => {
  const r = run("--json");
  const lines = r.out.trim().split("\n");
  const rows = lines.map((l) => JSON.parse(l) as { name: string; unit: string; value: number | null; note?: string });
  expect(rows.map((x) => x.name)).toEqual(["alpha-step", "alpha-step/peer", "alpha-step/ratio-vs-peer", "alpha-other/ratio-vs-slowpoke", "alpha-reps", "beta", "gamma-step"]);
  expect(rows[0]).toEqual({ name: "alpha-step", unit: "µs/step", value: 12.5, note: "ours" });
  expect(rows[2]).toEqual({ name: "alpha-step/ratio-vs-peer", unit: "×", value: 10, spread: { min: 8, max: 12.5, rounds: 5 } });
  expect(rows[5]).toMatchObject({ name: "beta", unit: "error", value: null });
  expect(rows[5]!.note).toContain("beta broke");
  expect(r.err).toContain("a library talking on stdout");
  expect(r.code).toBe(1);
});

test("the table spells out ratios both ways and keeps going after an error", () => {
  const r = run();
  expect(r.out.split("\n").find((l) => l.startsWith("Backprop Lab benchmarks"))).toMatch(/load average \d+\.\d\d at the start, \d+\.\d\d at the end$/);
  expect(r.out).toContain("ours is 10.0× faster than peer");
  expect(r.out).toContain("min–max ×rounds");
  expect(r.out).toMatch(/alpha-step\/ratio-vs-peer\s+10\.0\s+×\s+8\.0–12\.5 ×5\s+ours is 10\.0× faster/);
  expect(r.out).toContain("ours is 4.0× slower than slowpoke");
  expect(r.out).toMatch(/beta\s+—\s+error\s+beta\.bench\.mjs threw: beta broke/);
  expect(r.out).toContain("gamma-step");
  expect(r.code).toBe(1);
});

test("filters select by file name or by a declared workload; --quick divides repetitions", () => {
  const byFile = run("gamma", "--json");
  expect(byFile.out.trim().split("\n").map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(["gamma-step"]);
  expect(byFile.code).toBe(0);
  const byRow = run("alpha-step", "--json", "--quick");
  const names = byRow.out.trim().split("\n").map((l) => (JSON.parse(l) as { name: string }).name);
  expect(names).toEqual(["alpha-step", "alpha-step/peer", "alpha-step/ratio-vs-peer"]);
  const quick = run("alpha", "--json", "--quick").out.trim().split("\n").map((l) => JSON.parse(l) as { name: string; value: number; note?: string });
  expect(quick.find((x) => x.name === "alpha-reps")).toEqual({ name: "alpha-reps", unit: "n", value: 100, note: "quick" });
  expect(run("nothing-matches").code).toBe(2);
  expect(run("--bogus").code).toBe(2);
});

test("a row whose spread lacks min, max or rounds is an error row, not a misprinted figure", () => {
  const bad = mkdtempSync(path.join(os.tmpdir(), "bpl-bench-bad-"));
  try {
    writeFileSync(path.join(bad, "delta.bench.mjs"), `export default async function () { return [{ name: "delta", unit: "×", value: 1, spread: { min: 1 } }]; }`);
    const r = spawnSync(process.execPath, [runner, "--json"], { encoding: "utf8", env: { ...process.env, BPL_BENCH_DIR: bad } });
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { name: string; unit: string; note?: string });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "delta", unit: "error" });
    expect(rows[0]!.note).toContain("malformed row");
    expect(r.status).toBe(1);
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});
