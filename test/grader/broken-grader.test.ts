/**
 * A broken grader is never a student's zero. A planted `node` that refuses the permission flags
 * (as Node 24 refuses `--experimental-permission`) and a grader installed without `typescript`
 * make every form of `grade` exit 1 with an installation message and write no scores; the
 * Gradescope runner writes a results.json that says the autograder failed, with no score; and a
 * sandbox that breaks in the middle of a run stops it instead of charging the student.
 */
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { gradeClass } from "../../src/grader/class";
import { main } from "../../src/grader/cli";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import { isGraderFault } from "../../src/grader/fault";
import { gradeSubmission } from "../../src/grader/grade";
import { SANDBOX_NODE_ENV } from "../../src/grader/sandbox/node-flags";
import { checkGrader } from "../../src/grader/selftest";
import { loadSubmission } from "../../src/grader/submission";

const REPO = path.join(__dirname, "..", "..");
const SOLUTIONS = path.join(REPO, "solutions");
const CLI = path.join(REPO, "dist", "grader", "cli.js");
/** Room for a loaded machine: each test runs several CLI processes, each of which starts Node and TypeScript. */
const TIMEOUT_MS = 600_000;
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "bpl-broken-"));

/** A `node` that refuses both permission flags with Node's own words, and runs anything else. */
function refusingNode(): string {
  const file = path.join(tmp(), "node");
  writeFileSync(
    file,
    `#!/bin/sh\nfor a in "$@"; do case "$a" in --permission|--experimental-permission) echo "$0: bad option: $a" >&2; exit 9;; esac; done\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The four forms a submission comes in, plus a class of two. */
function submissions(): { folder: string; zip: string; notebook: string; file: string; classDir: string } {
  const dir = tmp();
  const folder = path.join(dir, "alice");
  cpSync(SOLUTIONS, folder, { recursive: true });
  const files = readdirSync(SOLUTIONS).filter((f) => f.endsWith(".ts"));
  const zip = path.join(dir, "bob.zip");
  writeFileSync(zip, zipSync(Object.fromEntries(files.map((f) => [f, readFileSync(path.join(SOLUTIONS, f))]))));
  const notebook = path.join(dir, "carol.ipynb");
  const cell = (f: string) => ({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: [readFileSync(path.join(SOLUTIONS, f), "utf8").replace(/^export /gm, "")] });
  writeFileSync(notebook, JSON.stringify({ cells: files.map(cell), metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  const file = path.join(dir, "01-local-rules.ts");
  cpSync(path.join(SOLUTIONS, "01-local-rules.ts"), file);
  const classDir = path.join(dir, "class");
  mkdirSync(classDir);
  cpSync(folder, path.join(classDir, "alice"), { recursive: true });
  cpSync(zip, path.join(classDir, "bob.zip"));
  return { folder, zip, notebook, file, classDir };
}

/** Every form of `grade` under `env`: each must exit 1 with `message` and write no scores. */
async function expectNoScores(cli: string, env: NodeJS.ProcessEnv, message: RegExp): Promise<void> {
  const s = submissions();
  const out = tmp();
  const forms: [string, string[]][] = [
    ["folder", [s.folder]],
    ["zip", [s.zip]],
    ["notebook", [s.notebook]],
    ["one file", [s.file]],
  ];
  for (const [name, args] of forms) {
    const json = path.join(out, `${name}.json`);
    const gs = path.join(out, `${name}-gradescope.json`);
    const r = await run(process.execPath, [cli, "grade", ...args, "--json", json, "--gradescope", gs], env);
    expect({ name, code: r.code }).toEqual({ name, code: 1 });
    expect(r.stderr, name).toMatch(/the grader cannot run on this installation: /);
    expect(r.stderr, name).toMatch(message);
    expect(r.stderr, name).toContain("How to fix it: ");
    expect(r.stdout, name).not.toMatch(/total/);
    expect(existsSync(json) || existsSync(gs), name).toBe(false);
  }
  const grades = path.join(out, "grades");
  const r = await run(process.execPath, [cli, "grade", "--class", s.classDir, "--out", grades], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(existsSync(path.join(grades, "gradebook.csv"))).toBe(false);
  expect(existsSync(path.join(grades, "reports")) ? readdirSync(path.join(grades, "reports")) : []).toEqual([]);
}

describe("a grader whose sandbox cannot start", () => {
  it("exits 1 with an installation message for a folder, a zip, a notebook, one file and a class, and writes no scores", async () => {
    await expectNoScores(CLI, { [SANDBOX_NODE_ENV]: refusingNode() }, /exited \(code 9\) before it started: .*bad option: --(experimental-)?permission/);
  }, TIMEOUT_MS);
  it("the Gradescope runner writes a results.json that says the autograder failed, with no score", async () => {
    const root = tmp();
    cpSync(SOLUTIONS, path.join(root, "submission"), { recursive: true });
    const r = await run(process.execPath, [path.join(REPO, "dist", "grader", "gradescope-run.js")], { AUTOGRADER_ROOT: root, [SANDBOX_NODE_ENV]: refusingNode() });
    expect(r.code).not.toBe(0);
    const results = JSON.parse(readFileSync(path.join(root, "results", "results.json"), "utf8")) as Record<string, unknown>;
    expect(results).not.toHaveProperty("score");
    expect(results["tests"]).toEqual([]);
    expect(results["output"]).toMatch(/^The autograder failed; this is not a problem with your submission/);
    expect(results["output"]).toMatch(/bad option/);
  }, TIMEOUT_MS);
});

describe("a grader installed without typescript", () => {
  it("exits 1 saying the compiler could not be loaded, for every form, and writes no scores", async () => {
    // dist/ with its other run-time dependencies, but no typescript anywhere up the tree
    const pkg = tmp();
    cpSync(path.join(REPO, "dist"), path.join(pkg, "dist"), { recursive: true });
    cpSync(path.join(REPO, "package.json"), path.join(pkg, "package.json"));
    mkdirSync(path.join(pkg, "node_modules"));
    symlinkSync(path.join(REPO, "node_modules", "fflate"), path.join(pkg, "node_modules", "fflate"), "dir");
    await expectNoScores(path.join(pkg, "dist", "grader", "cli.js"), {}, /the TypeScript compiler could not be loaded \(Cannot find module 'typescript'/);
  }, TIMEOUT_MS);
});

describe("a sandbox that breaks in the middle of a run", () => {
  const saved = process.env[SANDBOX_NODE_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[SANDBOX_NODE_ENV];
    else process.env[SANDBOX_NODE_ENV] = saved;
  }, TIMEOUT_MS);
  it("gradeSubmission throws a GraderFault instead of scoring the student", async () => {
    process.env[SANDBOX_NODE_ENV] = refusingNode();
    const sub = await loadSubmission(SOLUTIONS, "alice");
    try {
      const e: unknown = await gradeSubmission(sub, ALL_EXERCISES.slice(0, 2)).then(
        () => null,
        (err: unknown) => err,
      );
      expect(isGraderFault(e)).toBe(true);
      expect((e as Error).message).toMatch(/before it started: .*bad option/);
    } finally {
      sub.dispose();
    }
  }, TIMEOUT_MS);
  it("class mode stops: no gradebook and no report for anyone the fault reached; the CLI exits 1", async () => {
    await checkGrader(); // the self-test passes with the real Node, then the sandbox breaks
    process.env[SANDBOX_NODE_ENV] = refusingNode();
    const s = submissions();
    const out = path.join(tmp(), "grades");
    const e: unknown = await gradeClass(s.classDir, ALL_EXERCISES.slice(0, 2), { outDir: out, jobs: 1 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isGraderFault(e)).toBe(true);
    expect(existsSync(path.join(out, "gradebook.csv"))).toBe(false);
    expect(readdirSync(path.join(out, "reports"))).toEqual([]);

    const json = path.join(tmp(), "r.json");
    const err: string[] = [];
    const sink = (into: string[]) => new Writable({ write: (c, _e, cb) => (into.push(String(c)), cb()) });
    const code = await main(["grade", s.folder, "--json", json], { stdout: sink([]), stderr: sink(err) });
    expect(code).toBe(1);
    expect(err.join("")).toMatch(/the grader cannot run on this installation: .*bad option/);
    expect(existsSync(json)).toBe(false);
  }, TIMEOUT_MS);
});
