/**
 * End-to-end through the CLI entry point: solutions/ as a student submission in the folder, zip
 * and notebook forms, the untouched stubs, class mode (gradebook, reports, progress lines), exit
 * statuses, and the table's shape. solutions/ is used here as a student would submit it, never
 * from src/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { zipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { main } from "../../src/grader/cli";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import type { SubmissionReport } from "../../src/grader/report";

const REPO = path.join(__dirname, "..", "..");
const SOLUTIONS = path.join(REPO, "solutions");
const FULL = ALL_EXERCISES.reduce((s, e) => s + e.points, 0);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "bpl-cli-"));
const solutionFiles = () => readdirSync(SOLUTIONS).filter((f) => f.endsWith(".ts"));

/** Capturing stand-ins for stdout/stderr. */
function streams(tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const mk = (into: string[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(String(chunk));
        cb();
      },
    });
  const stderr = Object.assign(mk(err), { isTTY: tty, columns: 120 });
  return { io: { stdout: mk(out), stderr }, out, err };
}

function notebookOf(files: string[], extraCells: string[] = []): string {
  const code = (source: string) => ({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: source.split(/(?<=\n)/) });
  const cells = [
    ...extraCells.map(code),
    ...files.map((f) => code(readFileSync(path.join(SOLUTIONS, f), "utf8").replace(/^export /gm, ""))),
  ];
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

async function gradeJson(args: string[]): Promise<{ code: number; report: SubmissionReport; out: string }> {
  const file = path.join(tmp(), "r.json");
  const s = streams();
  const code = await main([...args, "--json", file], s.io);
  return { code, report: JSON.parse(readFileSync(file, "utf8")) as SubmissionReport, out: s.out.join("") };
}

describe.concurrent("backprop-lab grade", () => {
  it("grades a folder of solutions/ at full marks and prints the table", async () => {
    const { code, report, out } = await gradeJson(["grade", SOLUTIONS]);
    expect(code).toBe(0);
    expect(report.total).toBe(FULL);
    const lines = out.split("\n");
    expect(lines.some((l) => /^relu-backward\s+1\/1$/.test(l))).toBe(true);
    expect(lines.some((l) => new RegExp(`^total\\s+${FULL}/${FULL}$`).test(l))).toBe(true);
    expect(out).not.toContain("✗");
  }, 300_000); // the capstone trains a network three times

  it("grades the untouched stubs at zero, every case saying 'not implemented' at the stub's own line, and still exits 0", async () => {
    const { code, report, out } = await gradeJson(["grade", path.join(REPO, "exercises")]);
    expect(code).toBe(0);
    expect(report.total).toBe(0);
    for (const e of report.exercises) {
      const lines = readFileSync(path.join(REPO, "exercises", e.file), "utf8").split("\n");
      const line = lines.findIndex((l) => l.includes(`not implemented: ${e.id}"`)) + 1;
      const column = lines[line - 1]!.indexOf("new Error") + 1;
      for (const c of e.cases) expect(c.feedback).toBe(`threw Error: not implemented: ${e.id} (at ${e.file}:${line}:${column})`);
    }
    // the table: every case of an exercise failed the same way, so one line each, with the count
    const failedLines = out.split("\n").filter((l) => l.trimStart().startsWith("✗"));
    expect(failedLines.map((l) => l.trim())).toEqual(report.exercises.map((e) => `✗ ${e.cases.length} cases: ${e.cases[0]!.feedback}`));
  });

  it("a partial folder: the missing files are named once, the submitted exercises keep their details, --json and --gradescope keep every case", async () => {
    const dir = tmp();
    const sub = path.join(dir, "alice");
    mkdirSync(sub);
    // one exercise file, with deltaStep broken so that it loses marks
    const text = readFileSync(path.join(SOLUTIONS, "05-delta-recurrence.ts"), "utf8");
    writeFileSync(path.join(sub, "05-delta-recurrence.ts"), text.replace(/export function deltaStep\(([^)]*)\)([^{]*)\{/, "export function deltaStep($1)$2{\n  throw new Error(\"later\");"));
    const gs = path.join(dir, "results.json");
    const { code, report, out } = await gradeJson(["grade", sub, "--gradescope", gs]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    const others = [...new Set(ALL_EXERCISES.filter((e) => e.file !== "05-delta-recurrence.ts").map((e) => e.file))];
    expect(lines.slice(0, 4)).toEqual(["Student: alice   seed 20261122", expect.stringMatching(new RegExp(`^total\\s+0/${FULL}$`)), "lost marks: delta-recurrence 0/2", `not submitted: ${others.join(", ")}`]);
    expect(out).not.toContain("was not submitted");
    const table = lines.slice(lines.findIndex((l) => l.startsWith("exercise")));
    expect(table.map((l) => l.trim().replace(/\s+/g, " "))).toEqual(["exercise score", expect.stringMatching(/^-+ -+$/), "delta-recurrence 0/2", expect.stringMatching(new RegExp(`^✗ ${ALL_EXERCISES.find((e) => e.id === "delta-recurrence")!.cases(20261122).length} cases: threw Error: later \\(at 05-delta-recurrence\\.ts:\\d+:\\d+\\)$`))]);
    expect(lines.length).toBeLessThan(12); // it was 175 lines
    // the JSON report and results.json still hold every case of every exercise
    expect(report.exercises.map((e) => [e.id, e.cases.length])).toEqual(ALL_EXERCISES.map((e) => [e.id, e.cases(20261122).length]));
    expect(report.exercises.filter((e) => e.submitted === false).map((e) => e.id)).toEqual(ALL_EXERCISES.filter((e) => e.file !== "05-delta-recurrence.ts").map((e) => e.id));
    expect(report.exercises.find((e) => e.id === "toy-chain")!.cases.every((c) => c.feedback === "file 03-toy-chain.ts was not submitted")).toBe(true);
    const results = JSON.parse(readFileSync(gs, "utf8")) as { tests: { name: string; output: string }[] };
    expect(results.tests).toHaveLength(report.exercises.reduce((n, e) => n + e.cases.length, 0));
    expect(results.tests.filter((t) => t.output === "file 03-toy-chain.ts was not submitted")).toHaveLength(report.exercises.find((e) => e.id === "toy-chain")!.cases.length);
  });

  it("grades a zip of solutions/ at full marks", async () => {
    const dir = tmp();
    const entries: Record<string, Uint8Array> = {};
    for (const f of solutionFiles()) entries[`exercises/${f}`] = strToU8(readFileSync(path.join(SOLUTIONS, f), "utf8"));
    writeFileSync(path.join(dir, "alice.zip"), zipSync(entries));
    const { code, report } = await gradeJson(["grade", path.join(dir, "alice.zip")]);
    expect(code).toBe(0);
    expect(report.exercises).toHaveLength(ALL_EXERCISES.length);
    expect(report.total).toBe(FULL);
  }, 300_000); // the capstone trains a network three times

  it("grades one .ts file on the exercises it defines, by file name or by export; --exercise overrides", async () => {
    const one = await gradeJson(["grade", path.join(SOLUTIONS, "05-delta-recurrence.ts")]);
    expect(one.report.exercises.map((e) => e.id)).toEqual(["delta-recurrence"]);
    expect(one.report.total).toBe(2);
    const dir = tmp();
    writeFileSync(path.join(dir, "mywork.ts"), readFileSync(path.join(SOLUTIONS, "08-layer-backward.ts"), "utf8"));
    const renamed = await gradeJson(["grade", path.join(dir, "mywork.ts")]);
    expect(renamed.report.exercises.map((e) => e.file)).toEqual(Array(5).fill("08-layer-backward.ts"));
    expect(renamed.report.total).toBe(renamed.report.max);
    const forced = await gradeJson(["grade", path.join(dir, "mywork.ts"), "--exercise", "mul-backward"]);
    expect(forced.report.exercises[0]!.cases[0]!.feedback).toBe("mywork.ts does not define `mulBackward`");
  });

  it("grades one .ts file on what it exports, not on export names that appear only in its comments or strings", async () => {
    const dir = tmp();
    const rules = readFileSync(path.join(SOLUTIONS, "01-local-rules.ts"), "utf8");
    const relu = rules.slice(rules.indexOf("export function reluBackward"), rules.indexOf("}", rules.indexOf("export function reluBackward")) + 1);
    const text = `// still to do: layerGradients, deltaStep and mlpBackward\n/* export function mulBackward(a: number, b: number, g: number) {} */\nconst todo = "linearLayerBackward";\n${relu}\n`;
    writeFileSync(path.join(dir, "answers.ts"), text);
    const { code, report } = await gradeJson(["grade", path.join(dir, "answers.ts")]);
    expect(code).toBe(0);
    expect(report.exercises.map((e) => e.id)).toEqual(["relu-backward"]);
    expect(report.total).toBe(1);
  });

  it("grades a notebook whose cells define the functions, with imports, check() calls, magics and a redefined function", async () => {
    const dir = tmp();
    const files = ["01-local-rules.ts", "06-layer-gradients.ts"];
    const exs = ALL_EXERCISES.filter((e) => files.includes(e.file));
    const first = `import { check, loadExercises } from "backprop-lab";\n%load_ext something\n// a first, wrong try that a later cell replaces\nfunction reluBackward(x: number, g: number): number {\n  return g;\n}\nconst helper = 1;\n`;
    const nb = JSON.parse(notebookOf(files, [first])) as { cells: unknown[] };
    nb.cells.push({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: ['check("relu-backward", reluBackward);\n', "const helper = 2;\n"] });
    writeFileSync(path.join(dir, "bob.ipynb"), JSON.stringify(nb));
    const { code, report } = await gradeJson(["grade", path.join(dir, "bob.ipynb"), ...exs.flatMap((e) => ["--exercise", e.id])]);
    expect(code).toBe(0);
    expect(report.exercises.map((e) => e.id)).toEqual(exs.map((e) => e.id));
    expect(report.exercises.filter((e) => e.score < e.max).map((e) => `${e.id}: ${e.cases[0]!.feedback}`)).toEqual([]);
  });

  it("a notebook missing a function fails only that exercise, naming it; a type error names the cell and line", async () => {
    const dir = tmp();
    const typeError = "function layerGradients(delta: number[][], A: number[][]) {\n  const M: string = delta[0]!.length;\n  return { dW: [], db: [] };\n}\n";
    writeFileSync(path.join(dir, "nb.ipynb"), notebookOf(["01-local-rules.ts"], [typeError]));
    const { report } = await gradeJson(["grade", path.join(dir, "nb.ipynb"), "--exercise", "mul-backward", "--exercise", "layer-gradients", "--exercise", "delta-recurrence"]);
    expect(report.exercises.map((e) => e.score)).toEqual([1, 0, 0]);
    expect(report.exercises[1]!.cases[0]!.feedback).toBe("does not type-check: nb.ipynb cell 1, line 2:9: Type 'number' is not assignable to type 'string'.");
    expect(report.exercises[2]!.cases[0]!.feedback).toBe("no cell defines `deltaStep`");
  });

  it("class mode: gradebook, one report per student, a progress line at the start and per student off a terminal", async () => {
    const root = tmp();
    const cls = path.join(root, "class");
    mkdirSync(cls);
    cpSync(SOLUTIONS, path.join(cls, "carol"), { recursive: true });
    cpSync(path.join(REPO, "exercises"), path.join(cls, "erin"), { recursive: true });
    mkdirSync(path.join(cls, "__MACOSX")); // left by unzipping on a Mac: not a student
    const s = streams(false);
    const out = path.join(root, "grades");
    const all = path.join(root, "all.json");
    const code = await main(["grade", "--class", cls, "--out", out, "--json", all, "--exercise", "relu-backward", "--exercise", "layer-gradients"], s.io);
    expect(code).toBe(0);
    const lines = s.err.join("").trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[░{30}\] 0\/2 {2}0:00 elapsed$/);
    expect(lines[2]).toMatch(/^\[█{30}\] 2\/2 {2}\d+:\d\d elapsed {2}(carol 3\/3|erin 0\/3)$/);
    const csv = readFileSync(path.join(out, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv).toEqual(["student,relu-backward,layer-gradients,total,max,errors", "carol,1,2,3,3,", "erin,0,0,0,3,"]);
    expect(existsSync(path.join(out, "reports", "carol.json"))).toBe(true);
    expect((JSON.parse(readFileSync(all, "utf8")) as SubmissionReport[]).map((r) => r.total)).toEqual([3, 0]);
    expect(s.out.join("")).toContain(`graded 2 submissions → ${out}/gradebook.csv`);
  });

  it("redraws one progress line in place on a terminal", async () => {
    const root = tmp();
    const cls = path.join(root, "class");
    for (const n of ["a", "b", "c"]) cpSync(SOLUTIONS, path.join(cls, n), { recursive: true });
    const s = streams(true);
    expect(await main(["grade", "--class", cls, "--exercise", "mul-backward"], s.io)).toBe(0);
    const text = s.err.join("");
    expect(text.match(/\r/g)).toHaveLength(4); // 0/3 when it starts, then once per student
    expect(text.endsWith("\n")).toBe(true);
    expect(text).toContain("3/3");
  });

  it("exit status: 2 for bad usage, 1 when grading cannot start, 0 whatever the score", async () => {
    const s = streams();
    expect(await main(["grade"], s.io)).toBe(2);
    expect(await main(["grade", "x", "--seed", "abc"], s.io)).toBe(2);
    expect(await main(["grade", "x", "--exercise", "no-such-id"], s.io)).toBe(2);
    expect(await main(["grade", "x", "--time-limit", "-3"], s.io)).toBe(2);
    expect(await main(["frobnicate"], s.io)).toBe(2);
    expect(s.err.join("")).toContain('unknown exercise "no-such-id"; known: mul-backward');
    expect(await main(["grade", path.join(tmp(), "does-not-exist")], s.io)).toBe(1);
    expect(s.err.join("")).toContain("grading failed: no such file or folder");
    expect(await main(["grade", path.join(REPO, "exercises"), "--exercise", "relu-backward"], s.io)).toBe(0);
  });

  it("--no-typecheck runs code that tslab would refuse; by default it is refused at the error's line", async () => {
    const dir = tmp();
    cpSync(SOLUTIONS, dir, { recursive: true });
    const file = path.join(dir, "01-local-rules.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("return x > 0 ? g : 0;", "const unused: string = 5;\n  return x > 0 ? g : 0;"));
    const strict = await gradeJson(["grade", dir, "--exercise", "relu-backward", "--exercise", "mul-backward"]);
    expect(strict.report.exercises.map((e) => e.score)).toEqual([0, 1]);
    expect(strict.report.exercises[0]!.cases[0]!.feedback).toBe("does not type-check: 01-local-rules.ts:42:9: Type 'number' is not assignable to type 'string'.");
    const lax = await gradeJson(["grade", dir, "--exercise", "relu-backward", "--exercise", "mul-backward", "--no-typecheck"]);
    expect(lax.report.exercises.map((e) => e.score)).toEqual([1, 1]);
  });

  it("--seed changes the hidden cases and nothing else; --gradescope writes results.json", async () => {
    const dir = tmp();
    const a = await gradeJson(["grade", SOLUTIONS, "--exercise", "layer-gradients", "--seed", "7", "--gradescope", path.join(dir, "gs.json")]);
    expect(a.report.seed).toBe(7);
    expect(a.report.total).toBe(2);
    const gs = JSON.parse(readFileSync(path.join(dir, "gs.json"), "utf8")) as { score: number; tests: unknown[] };
    expect(gs.score).toBe(2);
    expect(gs.tests).toHaveLength(ALL_EXERCISES.find((e) => e.id === "layer-gradients")!.cases(7).length);
  });
});
