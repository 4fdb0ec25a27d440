/**
 * The student process really is confined: its own folder is readable; solutions/, the grader's
 * case generators and anything else are not; writes and child processes are refused; sockets are
 * refused where the Node running student code has a network permission (25 and later), and on
 * older Node the network is NOT blocked (asserted, as the threat model says). A submission is graded from a private copy
 * without symbolic links, so a link cannot reach outside either. Side effects are reported.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import { gradeSubmission } from "../../src/grader/grade";
import { sandboxNode } from "../../src/grader/sandbox/node-flags";
import { StudentModule, SubmissionRunner } from "../../src/grader/sandbox/runner";
import { loadSubmission } from "../../src/grader/submission";

const REPO = path.join(__dirname, "..", "..");
const limits = { caseTimeoutMs: 3000, loadTimeoutMs: 5000, heapMb: 64, memoryMb: 300, outputCapBytes: 65536 };
/**
 * Time for a call that may have to load its file, maybe twice (a retry in a fresh child), before
 * it runs: the grading path passes what is left of the submission's budget, which is far more.
 */
const WITH_LOADS = 2 * limits.loadTimeoutMs + limits.caseTimeoutMs;

function run(body: string): Promise<{ ok: boolean; output?: unknown; error?: string; tampered: string[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
  writeFileSync(path.join(dir, "mine.txt"), "hello");
  const js = `"use strict"; exports.f = function (p) { ${body} };`;
  const m = new StudentModule(js, "probe.ts", "f", [dir], limits);
  return m.call([dir]).finally(() => m.kill()) as Promise<{ ok: boolean; output?: unknown; error?: string; tampered: string[] }>;
}

describe.concurrent("sandbox permissions", () => {
  it("reads its own submission", async () => {
    expect(await run(`return require("fs").readFileSync(p + "/mine.txt", "utf8");`)).toMatchObject({ ok: true, output: "hello" });
  });
  for (const target of ["solutions/01-local-rules.ts", "src/grader/exercises/index.ts", "dist/grader/exercises/index.js", "dist/grader/grade.js", "package.json"]) {
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
  it("cannot start a process or a worker", async () => {
    expect(await run(`require("child_process").execSync("true"); return 1;`)).toMatchObject({ ok: false, error: expect.stringContaining("tried to start a process") });
    expect(await run(`new (require("worker_threads").Worker)("1", { eval: true }); return 1;`)).toMatchObject({ ok: false, error: expect.stringContaining("tried to start a worker") });
  });
  it("cannot signal, debug or renice another process (the permission model does not cover signals)", async () => {
    for (const body of [`process.kill(process.ppid, "SIGUSR1"); return 1;`, `process.kill(0, 0); return 1;`, `process._debugProcess(process.ppid); return 1;`, `require("os").setPriority(process.ppid, 19); return 1;`]) {
      const r = await run(body);
      expect(r, body).toMatchObject({ ok: false });
      expect(r.error, body).toMatch(/tried to (signal or debug another process|change another process's priority)/);
    }
    // and the grader listens for SIGUSR1 itself, so the signal could not open its inspector anyway
    expect(process.listenerCount("SIGUSR1")).toBeGreaterThan(0);
  });
  it("can still stop itself", async () => {
    expect(await run(`process.kill(process.pid, 0); return "alive";`)).toMatchObject({ ok: true, output: "alive" });
  });
  const node = sandboxNode();
  it.runIf(node.blocksNetwork)(`cannot use the network: Node ${node.major}'s permission model refuses sockets without --allow-net`, async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    let connections = 0;
    server.on("connection", () => connections++);
    try {
      for (const body of [
        `require("net").connect(${port}, "127.0.0.1"); return 1;`,
        `require("net").createServer().listen(0, "127.0.0.1"); return 1;`,
        `require("net").connect("/var/run/docker.sock"); return 1;`,
        `require("dgram").createSocket("udp4").bind(0); return 1;`,
      ]) {
        const r = await run(body);
        expect(r, body).toMatchObject({ ok: false, error: expect.stringContaining("tried to use the network") });
      }
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
  it.runIf(!node.blocksNetwork)(`can open a socket: Node ${node.major} has no network permission (documented in docs/threat-model.md)`, async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const arrived = new Promise<void>((r) => server.once("connection", () => r()));
    try {
      const r = await run(`require("net").connect(${port}, "127.0.0.1").on("error", () => undefined); return 1;`);
      expect(r).toMatchObject({ ok: true, output: 1 });
      await arrived; // the student process reached a server of the grader's machine
    } finally {
      server.close();
    }
  });
  it("reports built-ins changed during a call, and the next call runs in a fresh process", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
    const runner = new SubmissionRunner([dir], limits);
    runner.register("m", { js: `exports.f = function (k) { if (k === 1) { Math.exp = () => 0; Object.prototype.evil = 1; } return [Math.exp(0), typeof ({}).evil]; };`, filename: "m.ts" });
    try {
      const first = await runner.call("m", "f", [1], WITH_LOADS);
      expect(first.tampered).toEqual(expect.arrayContaining(["Math.exp", "Object.prototype.evil (added)"]));
      const second = await runner.call("m", "f", [2], WITH_LOADS);
      expect(second).toMatchObject({ ok: true, tampered: [], output: [1, "undefined"] });
    } finally {
      runner.dispose();
    }
  });
});

describe("the student process's own parts", () => {
  it("graded code can reach them through Node's module cache, but cannot rewire them, send with the token or reset what they record", async () => {
    const r = await run(`
      const parts = Object.values(require("module")._cache).filter((m) => /sandbox[\\/](child|drivers|protocol)/.test(m.filename));
      let attempts = 0, replaced = 0;
      for (const m of parts) for (const k of Object.keys(m.exports)) {
        attempts++;
        try { m.exports[k] = () => []; replaced++; } catch (e) {}
      }
      const P = parts.find((m) => m.filename.endsWith("child-builtins.js")).exports.P;
      try { P.writeSync = () => 0; replaced++; } catch (e) {}
      let served = false;
      try { parts.find((m) => m.filename.endsWith("child-messages.js")).exports.serve(() => ({})); served = true; } catch (e) {}
      // a watch of its own, with a baseline after the change below, says nothing about the child's
      const own = parts.find((m) => m.filename.endsWith("child-tamper.js")).exports.watchBuiltins;
      Math.evil = 1;
      own().recordBaseline();
      return { parts: parts.length, attempts, replaced, served };`);
    expect(r).toMatchObject({ ok: true, output: { replaced: 0, served: false } });
    const out = r.output as { parts: number; attempts: number };
    expect(out.parts).toBeGreaterThanOrEqual(10);
    expect(out.attempts).toBeGreaterThan(30);
    expect(r.tampered).toContain("Math.evil (added)");
  });
});

describe("work one call leaves behind cannot cost another", () => {
  // a() answers at once but leaves an unref'd timer (absent from Node's list of active handles)
  // that exits the process 30 ms later. b() spins for 80 ms and leaves a 1 ms timer of its own,
  // so the child waits for that timer after b returns, and a's exit fires inside b's call.
  const js = `"use strict";
    exports.a = function () { setTimeout(() => process.exit(3), 30).unref(); return 1; };
    exports.b = function () { setTimeout(() => {}, 1); const t = Date.now(); while (Date.now() - t < 80) {} return 2; };`;
  it("a call that dies in a child other code has run in is run again in a fresh child, and graded there", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
    const runner = new SubmissionRunner([dir], limits);
    runner.register("m", { js, filename: "m.ts", wanted: ["a", "b"] });
    try {
      expect(await runner.call("m", "a", [], WITH_LOADS)).toMatchObject({ ok: true, output: 1 });
      expect(await runner.call("m", "b", [], WITH_LOADS)).toMatchObject({ ok: true, output: 2 });
    } finally {
      runner.dispose();
    }
  });
  it("but the same death in a child that ran only that function is charged to it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
    const runner = new SubmissionRunner([dir], limits);
    runner.register("m", { js: `"use strict"; exports.c = function () { setTimeout(() => process.exit(3), 30).unref(); setTimeout(() => {}, 1); const t = Date.now(); while (Date.now() - t < 80) {} return 1; };`, filename: "m.ts" });
    try {
      expect(await runner.call("m", "c", [], WITH_LOADS)).toMatchObject({ ok: false, kind: "died", error: expect.stringContaining("process exited (code 3)") });
    } finally {
      runner.dispose();
    }
  });
  it("a file whose load is hit by another file's leftover work is loaded again in a fresh child", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
    const runner = new SubmissionRunner([dir], limits);
    runner.register("m", { js, filename: "m.ts" });
    runner.register("n", { js: `"use strict"; setTimeout(() => {}, 1); const t = Date.now(); while (Date.now() - t < 80) {} exports.d = () => 4;`, filename: "n.ts" });
    try {
      expect(await runner.call("m", "a", [], WITH_LOADS)).toMatchObject({ ok: true, output: 1 });
      expect(await runner.call("n", "d", [], WITH_LOADS)).toMatchObject({ ok: true, output: 4 });
    } finally {
      runner.dispose();
    }
  });
});

describe("the grader's own stalls", () => {
  it("a reply that came in time is not a timeout because the grader's event loop was busy (e.g. compiling a classmate)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-sb-"));
    const runner = new SubmissionRunner([dir], { ...limits, caseTimeoutMs: 300 });
    runner.register("m", { js: `"use strict"; exports.f = (k) => k + 1;`, filename: "m.ts" });
    try {
      // loading may take its full load limit (a cold child on a loaded machine), not the case limit
      expect(await runner.call("m", "f", [1], WITH_LOADS)).toMatchObject({ ok: true, output: 2 });
      const pending = runner.call("m", "f", [2]);
      await new Promise((r) => setImmediate(r)); // the request is on its way
      // Busy for many times the case limit, so that even on a loaded machine the child has long
      // had its turn to answer (the reply waits in the pipe) when the case timer fires.
      const t = Date.now();
      while (Date.now() - t < 3000) {
        /* the grader is busy */
      }
      expect(await pending).toMatchObject({ ok: true, output: 3 });
    } finally {
      runner.dispose();
    }
  });
});

describe("private copies", () => {
  it("a symbolic link in a submission is skipped with a note, so it can neither be graded nor read", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-link-"));
    const sub = path.join(dir, "mallory");
    mkdirSync(sub);
    symlinkSync(path.join(REPO, "solutions", "01-local-rules.ts"), path.join(sub, "01-local-rules.ts"));
    const s = await loadSubmission(sub, "mallory");
    const r = await gradeSubmission(s, ALL_EXERCISES.filter((e) => e.id === "relu-backward"));
    s.dispose();
    expect(r.notes).toEqual(["skipped the symbolic link 01-local-rules.ts: submit the file itself"]);
    expect(r.exercises[0]!.cases[0]!.feedback).toBe("file 01-local-rules.ts was not submitted");
  });
  it("the student process reads the private copy, not the folder it was submitted from", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-orig-"));
    writeFileSync(
      path.join(dir, "01-local-rules.ts"),
      `declare const require: (m: string) => any; declare const process: any;\nexport function reluBackward(x: number, g: number): number {\n  require("fs").readFileSync(${JSON.stringify(path.join(dir, "01-local-rules.ts"))}, "utf8");\n  return x > 0 ? g : 0;\n}\n`,
    );
    const s = await loadSubmission(dir);
    expect(s.readDir).not.toBe(dir);
    const r = await gradeSubmission(s, ALL_EXERCISES.filter((e) => e.id === "relu-backward"));
    s.dispose();
    expect(r.exercises[0]!.cases[0]!.feedback).toContain("tried to read a file outside the submission");
  });
});

describe("what the grader refuses to compile", () => {
  it("a single file or zip over the size limit is refused before it is read, with its size", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-huge-"));
    writeFileSync(path.join(dir, "answers.ipynb"), " ".repeat(6 * 1024 * 1024));
    const s = await loadSubmission(path.join(dir, "answers.ipynb"));
    const r = await gradeSubmission(s, ALL_EXERCISES.filter((e) => e.id === "relu-backward"));
    s.dispose();
    expect(r.errors).toEqual(["answers.ipynb is 6.0 MB; the limit is 5 MB"]);
    expect(r.exercises[0]!.cases.every((c) => c.score === 0 && c.feedback === "answers.ipynb is 6.0 MB; the limit is 5 MB")).toBe(true);
  });
  it("a source over 512 KB costs its exercises, with the size in the feedback", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-big-"));
    writeFileSync(path.join(dir, "01-local-rules.ts"), `export function reluBackward(x: number, g: number): number {\n  return x > 0 ? g : 0;\n}\n${"// padding\n".repeat(60_000)}`);
    const s = await loadSubmission(dir);
    const r = await gradeSubmission(s, ALL_EXERCISES.filter((e) => e.id === "relu-backward"));
    s.dispose();
    expect(r.exercises[0]!.cases[0]!.feedback).toMatch(/^01-local-rules\.ts is too large to grade \(\d+ KB of code; the limit is 512 KB\)$/);
  });
});
