/**
 * The permission model really holds in the student process: the submission folder is readable,
 * solutions/, the grader's case generators and anything else are not; writes and child processes
 * are refused; the network is NOT blocked (asserted, as the threat model says).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { StudentModule } from "../../src/grader/sandbox/runner";

const REPO = path.join(__dirname, "..", "..");
const limits = { caseTimeoutMs: 3000, loadTimeoutMs: 5000, heapMb: 64, outputCapBytes: 65536 };

function run(body: string): Promise<{ ok: boolean; output?: unknown; error?: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
  writeFileSync(path.join(dir, "mine.txt"), "hello");
  const js = `"use strict"; exports.f = function (p) { ${body} };`;
  const m = new StudentModule(js, "probe.ts", "f", [dir], limits);
  return m.call([dir]).finally(() => m.kill()) as Promise<{ ok: boolean; output?: unknown; error?: string }>;
}

describe.concurrent("sandbox permissions", () => {
  it("reads its own submission", async () => {
    expect(await run(`return require("fs").readFileSync(p + "/mine.txt", "utf8");`)).toMatchObject({ ok: true, output: "hello" });
  });
  for (const target of ["solutions/01-local-rules.ts", "src/grader/exercises/index.ts", "dist/grader/exercises/index.js", "package.json"]) {
    it(`cannot read ${target}`, async () => {
      const r = await run(`return require("fs").readFileSync(${JSON.stringify(path.join(REPO, target))}, "utf8");`);
      expect(r.ok).toBe(false);
      expect(r.error).toContain("tried to read a file outside the submission");
    });
  }
  it("cannot write, even inside its own folder", async () => {
    const r = await run(`require("fs").writeFileSync(p + "/x.txt", "x"); return 1;`);
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining("tried to write a file") });
  });
  it("cannot start a process", async () => {
    const r = await run(`require("child_process").execSync("true"); return 1;`);
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining("tried to start a process") });
  });
  it("can open a socket: the network is not blocked (documented in docs/threat-model.md)", async () => {
    const r = await run(`const s = require("net").createServer(); s.listen(0, "127.0.0.1"); return typeof s.close;`);
    expect(r).toMatchObject({ ok: true, output: "function" });
  });
});
