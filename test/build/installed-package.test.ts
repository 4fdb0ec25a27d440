/**
 * The package works as installed: `npm pack`, then `npm install --omit=dev` of the tarball in an
 * empty project (from the local npm cache when it can), then, from that project only, the CLI
 * grades a copy of solutions/ to full marks and the package's own exercise stubs to zero, and a
 * plain Node script (CommonJS and ESM) imports the library. Before typescript moved to
 * `dependencies`, every case of an installed grader said "Cannot find module 'typescript'".
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import type { SubmissionReport } from "../../src/grader/report";

const REPO = path.join(__dirname, "..", "..");
const FULL = ALL_EXERCISES.reduce((s, e) => s + e.points, 0);
const work = mkdtempSync(path.join(os.tmpdir(), "bpl-installed-"));
const project = path.join(work, "project");
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

/** npm run by the Node under test (npm's own script is plain JavaScript). */
function npm(args: string[], cwd: string): string {
  const npmCli = path.join(execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim(), "npm", "bin", "npm-cli.js");
  const cmd = existsSync(npmCli) ? process.execPath : "npm";
  const argv = existsSync(npmCli) ? [npmCli, ...args] : args;
  return execFileSync(cmd, argv, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
}

beforeAll(() => {
  // dist/ is built by the test set-up; pack it as `npm publish` would (prepack would rebuild it)
  const tgz = npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", work], REPO).trim().split("\n").pop()!;
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "course-site", version: "1.0.0", private: true }) + "\n");
  npm(["install", "--omit=dev", "--prefer-offline", "--no-package-lock", path.join(work, tgz)], project);
}, 900_000);

describe("backprop-lab installed from its packed tarball with --omit=dev", () => {
  it("brings every run-time dependency and nothing the repository alone provides", () => {
    const installed = path.join(project, "node_modules", "backprop-lab");
    expect(existsSync(path.join(installed, "dist", "grader", "sandbox", "child.js"))).toBe(true);
    expect(existsSync(path.join(project, "node_modules", "typescript", "package.json"))).toBe(true);
    expect(existsSync(path.join(project, "node_modules", "vitest"))).toBe(false);
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "exercises", "package.json"].sort());
  });

  it("grades a copy of solutions/ to full marks and the package's own exercise stubs to zero", () => {
    const subs = path.join(work, "subs");
    cpSync(path.join(REPO, "solutions"), path.join(subs, "solutions"), { recursive: true });
    cpSync(path.join(project, "node_modules", "backprop-lab", "exercises"), path.join(subs, "stubs"), { recursive: true });
    const cli = path.join(project, "node_modules", ".bin", "backprop-lab");
    for (const [name, total] of [["solutions", FULL], ["stubs", 0]] as const) {
      const json = path.join(work, `${name}.json`);
      const r = spawnSync(process.execPath, [cli, "grade", path.join(subs, name), "--json", json, "--time-limit", "600"], { cwd: project, encoding: "utf8" });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: "" });
      const report = JSON.parse(readFileSync(json, "utf8")) as SubmissionReport;
      expect(report.total, name).toBe(total);
      expect(report.max).toBe(FULL);
      if (name === "stubs") for (const e of report.exercises) for (const c of e.cases) expect(c.feedback).toContain(`not implemented: ${e.id}`);
    }
  }, 1_200_000);

  it("a plain Node script imports the library (CommonJS and ESM) and computes a gradient", () => {
    // y = 3x + 1 → dy/dx = 3; d(ab)/da = b, d(ab)/db = a at (2, 5)
    const cjs = `const { Value, grad } = require("backprop-lab"); const x = new Value(2); const y = x.mul(3).add(1); y.backward(); console.log(JSON.stringify([x.grad, grad((a, b) => a.mul(b))(2, 5)]));`;
    // ESM: the package is CommonJS, so the default import carries every export (Node's named-export
    // detection finds only some of a CommonJS module's re-exports)
    const esm = `import lib from "backprop-lab"; const { Value, MatrixMLP, checkGradient } = lib; const x = new Value(2); x.mul(3).add(1).backward(); console.log(JSON.stringify([x.grad, typeof MatrixMLP, typeof checkGradient]));`;
    writeFileSync(path.join(project, "demo.cjs"), cjs);
    writeFileSync(path.join(project, "demo.mjs"), esm);
    expect(execFileSync(process.execPath, ["demo.cjs"], { cwd: project, encoding: "utf8" }).trim()).toBe("[3,[5,2]]");
    expect(execFileSync(process.execPath, ["demo.mjs"], { cwd: project, encoding: "utf8" }).trim()).toBe('[3,"function","function"]');
  }, 120_000);
});
