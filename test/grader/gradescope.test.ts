/**
 * The Gradescope run, end to end, against Gradescope's autograder spec: the zip has `setup.sh` and
 * `run_autograder` at its root (executable), Gradescope's layout is rebuilt in a temporary folder
 * (source/ = the unzipped autograder, submission/, results/), `run_autograder` is run from
 * /autograder's stand-in, and results.json has the spec's fields and types. Needs the built dist/.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import { buildGradescopeZip } from "../../src/grader/gradescope-build";
import type { GradescopeResults } from "../../src/grader/gradescope-run";

const REPO = path.join(__dirname, "..", "..");
let zipPath = "";
let zipBytes: Uint8Array;
const SEED = 4242;
const CHOSEN = ["relu-backward", "layer-gradients", "mlp-backward"];

/** Unix mode of each entry, read from the zip's central directory. */
function unixModes(zip: Uint8Array): Record<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  let p = view.getUint32(end + 16, true);
  const count = view.getUint16(end + 10, true);
  const modes: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const external = view.getUint32(p + 38, true);
    const name = Buffer.from(zip.subarray(p + 46, p + 46 + nameLen)).toString("utf8");
    modes[name] = (external >>> 16) & 0o7777;
    p += 46 + nameLen + extraLen + commentLen;
  }
  return modes;
}

/** Lay out /autograder as Gradescope does and run run_autograder; returns results.json. */
function runAutograder(submission: (dir: string) => void, env: Record<string, string> = {}): GradescopeResults {
  const root = mkdtempSync(path.join(os.tmpdir(), "bpl-gs-"));
  try {
    for (const [name, data] of Object.entries(unzipSync(zipBytes))) {
      const target = path.join(root, "source", name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    cpSync(path.join(root, "source", "run_autograder"), path.join(root, "run_autograder"));
    chmodSync(path.join(root, "run_autograder"), 0o755);
    mkdirSync(path.join(root, "submission"));
    submission(path.join(root, "submission"));
    execFileSync(path.join(root, "run_autograder"), { cwd: root, env: { ...process.env, AUTOGRADER_ROOT: root, ...env }, stdio: "ignore" });
    return JSON.parse(readFileSync(path.join(root, "results", "results.json"), "utf8")) as GradescopeResults;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

beforeAll(() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-gs-zip-"));
  zipPath = buildGradescopeZip(path.join(dir, "autograder.zip"), { seed: SEED, exercises: CHOSEN });
  zipBytes = readFileSync(zipPath);
}, 120_000); // zipping TypeScript's lib files takes seconds, longer on a loaded machine

describe("Gradescope autograder", () => {
  it("puts setup.sh and run_autograder, executable, at the zip's root with the grader and its config", () => {
    const names = Object.keys(unzipSync(zipBytes));
    expect(names).toEqual(expect.arrayContaining(["setup.sh", "run_autograder", "package.json", "autograder-config.json", "dist/grader/gradescope-run.js", "dist/grader/sandbox/child.js", "node_modules/typescript/lib/lib.es2022.d.ts", "node_modules/fflate/package.json"]));
    expect(names.some((n) => n.startsWith("solutions/") || n.startsWith("test/"))).toBe(false);
    const modes = unixModes(zipBytes);
    expect(modes["setup.sh"]).toBe(0o755);
    expect(modes["run_autograder"]).toBe(0o755);
    const files = unzipSync(zipBytes);
    expect(new TextDecoder().decode(files["run_autograder"]).startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(files["autograder-config.json"]))).toEqual({ seed: SEED, exercises: CHOSEN });
  });

  it("grades /autograder/submission into results.json with the spec's fields; hidden cases after the due date", () => {
    const r = runAutograder((dir) => cpSync(path.join(REPO, "solutions"), dir, { recursive: true }));
    const chosen = ALL_EXERCISES.filter((e) => CHOSEN.includes(e.id));
    expect(Object.keys(r).sort()).toEqual(["execution_time", "output", "score", "tests"]);
    expect(r.score).toBe(chosen.reduce((s, e) => s + e.points, 0));
    expect(Number.isInteger(r.execution_time)).toBe(true);
    expect(r.output).toContain(`seed ${SEED}`);
    const cases = chosen.flatMap((e) => e.cases(SEED).map((c) => ({ ex: e, c })));
    expect(r.tests).toHaveLength(cases.length);
    r.tests.forEach((t, i) => {
      const { ex, c } = cases[i]!;
      expect(Object.keys(t).sort()).toEqual(["max_score", "name", "number", "output", "score", "status", "visibility"]);
      expect(t.name).toBe(`${ex.id}: ${c.name}`);
      expect(t.number).toMatch(/^\d+\.\d+$/);
      expect(t.status).toBe("passed");
      expect(t.score).toBe(t.max_score);
      expect(t.visibility).toBe(c.visible ? "visible" : "after_due_date");
    });
    for (const ex of chosen) {
      const mine = r.tests.filter((t) => t.name.startsWith(`${ex.id}: `));
      // exactly the exercise's points (to 1e-9), not 7 × 0.1429 = 1.0003
      expect(Math.abs(mine.reduce((s, t) => s + t.max_score, 0) - ex.points)).toBeLessThan(1e-9);
    }
  });

  it("a hostile submission still yields complete, valid results: its failures are tests with feedback", () => {
    const r = runAutograder((dir) => {
      cpSync(path.join(REPO, "solutions"), dir, { recursive: true });
      cpSync(path.join(REPO, "test", "hostile", "process-kill", "01-local-rules.ts"), path.join(dir, "01-local-rules.ts"));
    });
    const relu = r.tests.filter((t) => t.name.startsWith("relu-backward: "));
    expect(relu.every((t) => t.status === "failed" && t.score === 0 && t.output.includes("killed by SIGKILL"))).toBe(true);
    expect(r.tests.filter((t) => !t.name.startsWith("relu-backward: ")).every((t) => t.status === "passed")).toBe(true);
    expect(r.score).toBe(2 + 4);
  });

  it("a notebook upload, and a zip upload, are graded like the CLI grades them", () => {
    const nb = runAutograder((dir) => writeFileSync(path.join(dir, "answers.ipynb"), "{ not json"));
    expect(nb.score).toBe(0);
    expect(nb.output).toContain("notebook is not valid JSON");
    expect(nb.tests.every((t) => t.status === "failed")).toBe(true);
    const zipped = runAutograder((dir) => {
      const entries: Record<string, Uint8Array> = {};
      for (const f of ["05-delta-recurrence.ts", "01-local-rules.ts", "06-layer-gradients.ts", "07-mlp-backward.ts"]) entries[f] = readFileSync(path.join(REPO, "solutions", f));
      writeFileSync(path.join(dir, "my-answers.zip"), zipSync(entries));
    });
    expect(zipped.score).toBe(1 + 2 + 4);
  });

  it("with a node older than 20 it writes a results.json that says the autograder failed, with no score", () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), "bpl-oldnode-"));
    writeFileSync(path.join(bin, "node"), "#!/bin/sh\nif [ \"$1\" = \"-e\" ]; then exit 1; else echo v18.19.1; fi\n");
    chmodSync(path.join(bin, "node"), 0o755);
    const r = runAutograder(() => undefined, { PATH: `${bin}:${process.env["PATH"]}` });
    expect(r).toEqual({ execution_time: 0, output: expect.stringContaining("needs Node 20, 22, 24 or 26 (found: v18.19.1)"), tests: [] });
    expect(r.output).toMatch(/^The autograder failed; this is not a problem with your submission/);
  });
});
