/**
 * The Gradescope run, end to end: build the autograder zip, unpack it into a temporary folder laid
 * out like /autograder, put solutions/ in submission/, run `run_autograder` with AUTOGRADER_ROOT,
 * and check results.json. Needs the built dist/ (npm test runs setup first).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { expect, it } from "vitest";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import { buildGradescopeZip } from "../../src/grader/gradescope-build";

it("run_autograder grades /autograder/submission into results.json", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "bpl-gs-"));
  const zip = buildGradescopeZip(path.join(root, "autograder.zip"));
  const files = unzipSync(readFileSync(zip));
  expect(Object.keys(files)).toEqual(expect.arrayContaining(["setup.sh", "run_autograder", "package.json", "dist/grader/gradescope-run.js"]));
  for (const [name, data] of Object.entries(files)) {
    const target = path.join(root, "source", name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  cpSync(path.join(root, "source", "run_autograder"), path.join(root, "run_autograder"));
  chmodSync(path.join(root, "run_autograder"), 0o755);
  cpSync(path.join(__dirname, "..", "..", "solutions"), path.join(root, "submission"), { recursive: true });
  execFileSync(path.join(root, "run_autograder"), { env: { ...process.env, AUTOGRADER_ROOT: root }, stdio: "ignore" });
  const r = JSON.parse(readFileSync(path.join(root, "results", "results.json"), "utf8")) as {
    score: number;
    execution_time: number;
    output: string;
    tests: { name: string; number: string; score: number; max_score: number; status: string; output: string; visibility: string }[];
  };
  expect(r.score).toBe(ALL_EXERCISES.reduce((s, e) => s + e.points, 0));
  expect(typeof r.execution_time).toBe("number");
  expect(r.tests.length).toBe(ALL_EXERCISES.reduce((s, e) => s + e.cases(20261122).length, 0));
  for (const t of r.tests) {
    expect(t.status).toBe("passed");
    expect(t.visibility).toBe(t.name.includes(": hidden") ? "after_due_date" : "visible");
  }
});
