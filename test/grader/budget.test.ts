/**
 * The time a submission is charged is its own, never the machine's: a case's limit and the whole
 * submission's budget count what its student processes do (computing, sleeping, blocking) and not
 * the time they wait for a CPU. With real children: code that sleeps and code that computes both
 * use up a small budget; a child blocked for good is stopped; a wall-clock safety net that runs out
 * while budget is left is the machine's failure (a `GraderFault`), not a score; a correct
 * submission graded on a core shared with two spinning processes scores full marks although its
 * wall-clock time is far over its budget; and the capstone's limit follows `--case-limit`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exerciseById } from "../../src/grader/exercises";
import { isGraderFault } from "../../src/grader/fault";
import { gradeSubmission, type GradeOptions } from "../../src/grader/grade";
import type { ExerciseReport, SubmissionReport } from "../../src/grader/report";
import { SubmissionRunner, TimeBudget } from "../../src/grader/sandbox/runner";
import { loadSubmission } from "../../src/grader/submission";

const REPO = path.join(__dirname, "..", "..");
const CLI = path.join(REPO, "dist", "grader", "cli.js");
const RELU = "export function reluBackward(x: number, g: number): number {\n  return x > 0 ? g : 0;\n}";
const relu = exerciseById("relu-backward");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder with solutions/01-local-rules.ts whose reluBackward runs `body` first, then answers correctly. */
function reluFolder(body: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-budget-"));
  dirs.push(dir);
  const src = readFileSync(path.join(REPO, "solutions", "01-local-rules.ts"), "utf8");
  expect(src).toContain(RELU);
  writeFileSync(path.join(dir, "01-local-rules.ts"), src.replace(RELU, `export function reluBackward(x: number, g: number): number {\n${body}\n  return x > 0 ? g : 0;\n}`));
  return dir;
}

async function gradeRelu(dir: string, opts: GradeOptions): Promise<ExerciseReport> {
  const sub = await loadSubmission(dir, "s");
  try {
    return (await gradeSubmission(sub, [relu], opts)).exercises[0]!;
  } finally {
    sub.dispose();
  }
}

/** 0.3 s per call of the student's time, 12 calls (8 cases, 4 of them visible and run twice): 3.6 s against a 1 s budget. */
const SLEEP = "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);";
/** Computing for `us` µs of CPU time (user and system: asking for it is a system call). */
const compute = (us: number): string => `  const t0 = process.cpuUsage();\n  for (let u = process.cpuUsage(t0); u.user + u.system < ${us}; u = process.cpuUsage(t0)) { /* computing */ }`;
const COMPUTE = compute(300_000);

describe("the submission's budget counts the student's own time", () => {
  for (const [what, body] of [
    ["sleeps", SLEEP],
    ["computes", COMPUTE],
  ] as const) {
    it(`code that ${what} 0.3 s per call uses up a 1 s budget: right answers until then, then every case says the time is up`, async () => {
      const r = await gradeRelu(reluFolder(body), { submissionTimeoutMs: 1000 });
      const out = r.cases.findIndex((c) => c.score === 0);
      expect(out).toBeGreaterThan(0);
      expect(r.cases.slice(0, out).every((c) => c.score === 1)).toBe(true);
      for (const c of r.cases.slice(out)) {
        expect(c.score).toBe(0);
        expect(c.feedback).toMatch(/used up its total time/);
      }
    }, 120_000);
  }

  it("a child blocked for good (Atomics.wait with no timeout) is stopped by the case limit: blocking is the student's time", async () => {
    const r = await gradeRelu(reluFolder("  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);"), { limits: { caseTimeoutMs: 500 }, checkDeterminism: false });
    expect(r.cases.map((c) => c.feedback)).toEqual(r.cases.map(() => "timed out after 0.5 s"));
  }, 120_000);

  it("when the wall-clock safety net runs out with budget left, the machine is blamed: a GraderFault, not a timeout", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-budget-"));
    dirs.push(dir);
    // budget 60 s of the student's time, but only 0.2 s of wall-clock time: what a machine that
    // keeps the child off the CPU looks like to the grader
    const runner = new SubmissionRunner([dir], { caseTimeoutMs: 5000, loadTimeoutMs: 5000, heapMb: 64, memoryMb: 300, outputCapBytes: 65536 }, new TimeBudget(60_000, 200));
    runner.register("m", { js: `"use strict"; exports.f = () => { for (;;) {} };`, filename: "m.ts" });
    try {
      const e: unknown = await runner.call("m", "f", [], 60_000).then(
        (r) => r,
        (e: unknown) => e,
      );
      expect(isGraderFault(e), JSON.stringify(e)).toBe(true);
      expect((e as Error).message).toMatch(/^the machine is too busy: /);
    } finally {
      runner.dispose();
    }
  }, 120_000);
});

/** The first CPU this process may run on (the spinners and the grader share it). */
function firstCpu(): string {
  const list = /Cpus_allowed_list:\s*(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  return list?.[1] ?? "0";
}

describe("a loaded machine costs no marks", () => {
  it.runIf(process.platform === "linux")(
    "a correct submission using 2.4 s of CPU, graded on one core shared with two spinning processes (about 3× that in wall-clock time), scores full marks with a 4 s budget",
    async () => {
      const dir = reluFolder(compute(200_000)); // 0.2 s per call, 12 calls
      const cpu = firstCpu();
      const spinners: ChildProcess[] = [0, 1].map(() => spawn("taskset", ["-c", cpu, process.execPath, "-e", "for(;;){}"], { stdio: "ignore" }));
      try {
        const out = path.join(dir, "report.json");
        const code = await new Promise<number | null>((resolve) => {
          const grader = spawn("taskset", ["-c", cpu, process.execPath, CLI, "grade", dir, "--exercise", "relu-backward", "--time-limit", "4", "--json", out], { stdio: "ignore" });
          grader.on("exit", resolve);
        });
        expect(code).toBe(0);
        const r = JSON.parse(readFileSync(out, "utf8")) as SubmissionReport;
        expect(r.exercises[0]!.cases.map((c) => [c.score, c.feedback])).toEqual(r.exercises[0]!.cases.map(() => [1, expect.any(String)]));
        expect(r.total).toBe(r.max);
      } finally {
        for (const s of spinners) s.kill("SIGKILL");
      }
    },
    300_000,
  );
});

describe("the capstone's limit follows --case-limit", () => {
  it("with the per-case limit at 1/20 of its default, a capstone that never returns is stopped after 1/20 of its 60 s: 3 s", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-budget-"));
    dirs.push(dir);
    cpSync(path.join(REPO, "solutions", "07-mlp-backward.ts"), path.join(dir, "07-mlp-backward.ts"));
    const src = readFileSync(path.join(REPO, "solutions", "14-digits-capstone.ts"), "utf8");
    const head = /export function trainDigits\([\s\S]*?\): \{ W: [^\n]*\{\n/.exec(src)!;
    writeFileSync(path.join(dir, "14-digits-capstone.ts"), `${src.slice(0, head.index + head[0].length)}  for (let i = 0; i >= 0; i++) { /* never ends */ }\n${src.slice(head.index + head[0].length)}`);
    const sub = await loadSubmission(dir, "s");
    try {
      const r = await gradeSubmission(sub, [exerciseById("digits-capstone")], { limits: { caseTimeoutMs: 100 } });
      // Not "ran out of memory": reading the capstone's digits grows the child by 85 MB (Node 20) to
      // 140 MB (Node 24) before the function is called, and that is the grader's doing, not the
      // student's (the runner measures growth from the child's `running` notice).
      for (const c of r.exercises[0]!.cases) {
        expect(c.score).toBe(0);
        expect(c.feedback).toBe("timed out after 3 s");
      }
    } finally {
      sub.dispose();
    }
  }, 120_000);
});

describe("a timed-out call says whether its heap was full", () => {
  // The runner measures the growth from the child's `running` notice, sent just before student code
  // runs. (Growth before it is the grader's own: the capstone test above is the case where it misled.)
  const cases = [
    // 40 arrays of 131 072 doubles (40 MB) held on a 64 MB heap, then a loop that never ends
    ["fills its heap, then loops", "const keep = []; for (let i = 0; i < 40; i++) keep.push(Array.from({ length: 131072 }, () => i + 0.5)); for (;;) { if (keep.length === 0) break; }", "ran out of memory (the heap limit of 64 MB was reached; stopped after 1 s)"],
    ["loops, allocating nothing", "for (;;) { if (xs.length > 0) break; }", "timed out after 1 s"],
  ] as const;
  for (const [what, body, said] of cases) {
    it(`a call that ${what}: "${said}"`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-budget-"));
      dirs.push(dir);
      const runner = new SubmissionRunner([dir], { caseTimeoutMs: 1000, loadTimeoutMs: 5000, heapMb: 64, memoryMb: 800, outputCapBytes: 65536 });
      runner.register("m", { js: `"use strict"; exports.f = (xs) => { ${body} };`, filename: "m.ts" });
      try {
        const r = await runner.call("m", "f", [[]], 10_000, 1000);
        expect(r).toMatchObject({ ok: false, kind: "timeout", error: said });
      } finally {
        runner.dispose();
      }
    }, 120_000);
  }
});
