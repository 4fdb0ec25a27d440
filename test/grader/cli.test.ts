/**
 * End-to-end through the CLI entry point: solutions/ as a student submission in the zip and
 * notebook forms, class mode (gradebook + per-student reports, scores equal to grading alone),
 * and usage errors exiting 2. solutions/ is used here only, never from src/.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { main } from "../../src/grader/cli";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import type { SubmissionReport } from "../../src/grader/report";

const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");
const FULL = ALL_EXERCISES.reduce((s, e) => s + e.points, 0);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "bpl-cli-"));
const solutionFiles = () => readdirSync(SOLUTIONS).filter((f) => f.endsWith(".ts"));

function notebookOf(files: string[]): string {
  const cells = files.map((f) => ({
    cell_type: "code",
    metadata: {},
    outputs: [],
    execution_count: null,
    source: readFileSync(path.join(SOLUTIONS, f), "utf8").replace(/^export /gm, "").split(/(?<=\n)/),
  }));
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

async function gradeJson(args: string[]): Promise<{ code: number; report: SubmissionReport }> {
  const out = path.join(tmp(), "r.json");
  const code = await main([...args, "--json", out]);
  return { code, report: JSON.parse(readFileSync(out, "utf8")) as SubmissionReport };
}

describe.concurrent("backprop-lab grade", () => {
  it("grades a zip of solutions/ at full marks", async () => {
    const dir = tmp();
    const entries: Record<string, Uint8Array> = {};
    for (const f of solutionFiles()) entries[`exercises/${f}`] = strToU8(readFileSync(path.join(SOLUTIONS, f), "utf8"));
    writeFileSync(path.join(dir, "alice.zip"), zipSync(entries));
    const { code, report } = await gradeJson(["grade", path.join(dir, "alice.zip")]);
    expect(code).toBe(0);
    expect(report.exercises).toHaveLength(ALL_EXERCISES.length);
    expect(report.total).toBe(FULL);
  });

  it("grades a notebook whose cells define the functions", async () => {
    const dir = tmp();
    // Two solution files whose helpers do not clash when pasted into one notebook.
    const files = ["01-local-rules.ts", "06-layer-gradients.ts"];
    const exs = ALL_EXERCISES.filter((e) => files.includes(e.file));
    writeFileSync(path.join(dir, "bob.ipynb"), notebookOf(files));
    const { code, report } = await gradeJson(["grade", path.join(dir, "bob.ipynb"), ...exs.flatMap((e) => ["--exercise", e.id])]);
    expect(code).toBe(0);
    expect(report.exercises).toHaveLength(exs.length);
    expect(report.total).toBe(exs.reduce((s, e) => s + e.points, 0));
  });

  it("a notebook missing a function fails only that exercise, naming it", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "nb.ipynb"), notebookOf(["01-local-rules.ts"]));
    const { report } = await gradeJson(["grade", path.join(dir, "nb.ipynb"), "--exercise", "mul-backward", "--exercise", "layer-gradients"]);
    expect(report.exercises.map((e) => e.score)).toEqual([1, 0]);
    expect(report.exercises[1]!.cases[0]!.feedback).toContain("no cell defines `layerGradients`");
  });

  it("class mode: gradebook and reports; each student scores what they score alone", async () => {
    const root = tmp();
    const cls = path.join(root, "class");
    mkdirSync(cls);
    cpSync(SOLUTIONS, path.join(cls, "carol"), { recursive: true });
    cpSync(path.join(__dirname, "..", "hostile", "endless-loop"), path.join(cls, "mallory"), { recursive: true });
    cpSync(path.join(__dirname, "..", "hostile", "process-exit"), path.join(cls, "trudy"), { recursive: true });
    const code = await main(["grade", "--class", cls, "--jobs", "3"]);
    expect(code).toBe(0);
    const out = path.join(root, "class-grades");
    const csv = readFileSync(path.join(out, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe(["student", ...ALL_EXERCISES.map((e) => e.id), "total", "max", "errors"].join(","));
    expect(csv).toHaveLength(4);
    for (const s of ["carol", "mallory", "trudy"]) {
      const inClass = JSON.parse(readFileSync(path.join(out, "reports", `${s}.json`), "utf8")) as SubmissionReport;
      const alone = (await gradeJson(["grade", path.join(cls, s)])).report;
      expect(inClass.exercises.map((e) => [e.id, e.score])).toEqual(alone.exercises.map((e) => [e.id, e.score]));
    }
    const carol = JSON.parse(readFileSync(path.join(out, "reports", "carol.json"), "utf8")) as SubmissionReport;
    expect(carol.total).toBe(FULL);
  });

  it("bad usage exits 2", async () => {
    expect(await main(["grade"])).toBe(2);
    expect(await main(["grade", "x", "--seed", "abc"])).toBe(2);
    expect(await main(["grade", "x", "--exercise", "no-such-id"])).toBe(2);
    expect(await main(["frobnicate"])).toBe(2);
  });
});
