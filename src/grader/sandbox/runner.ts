/**
 * The grader's side of the student process: spawn it under the permission model with heap and
 * time limits, load a module into it, call the export case by case, and replace the process
 * whenever it dies or overruns. Every reply is validated before the grader uses it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { decodeOutput, type ChildMessage, type ParentMessage } from "./protocol";

/** Limits for one student process. */
export interface SandboxLimits {
  /** wall-clock limit per call, ms */
  caseTimeoutMs: number;
  /** wall-clock limit for loading the module, ms */
  loadTimeoutMs: number;
  /** V8 old-space limit, MB */
  heapMb: number;
  /** stdout+stderr bytes kept (the rest is discarded) */
  outputCapBytes: number;
}

/** Defaults tuned for the course's small matrices. */
export const DEFAULT_LIMITS: SandboxLimits = {
  caseTimeoutMs: 2000,
  loadTimeoutMs: 5000,
  heapMb: 128,
  outputCapBytes: 64 * 1024,
};

/** What one call produced, from the grader's point of view. */
export type CallOutcome =
  | { ok: true; output: unknown; mutated: string | null }
  | { ok: false; error: string };

/** The compiled child script: beside this file in dist/, or in dist/ when running from src/ (tests). */
const CHILD_SCRIPT = ((): string => {
  const here = path.join(__dirname, "child.js");
  if (existsSync(here)) return here;
  return path.resolve(__dirname, "../../../dist/grader/sandbox/child.js");
})();

/** One student module loaded in a sandboxed child process, respawned on demand. */
export class StudentModule {
  private child: ChildProcess | null = null;
  private stderrHead = "";
  /** Bytes the student printed to stdout/stderr since the last spawn (all discarded past the cap). */
  outputBytes = 0;
  private loadError: string | null = null;
  private nextId = 1;
  private pending: ((m: ChildMessage | { type: "exit"; code: number | null; signal: string | null }) => void) | null =
    null;

  constructor(
    private readonly js: string,
    private readonly filename: string,
    private readonly exportName: string,
    private readonly readDirs: string[],
    private readonly limits: SandboxLimits = DEFAULT_LIMITS,
  ) {}

  private spawn(): ChildProcess {
    // Node 20 grants a folder only with a trailing wildcard; the child script itself must be readable.
    // One flag per folder: on Node 20 a comma-separated list honours only its last wildcard entry.
    const allow = [path.dirname(CHILD_SCRIPT), ...this.readDirs].map((d) => `--allow-fs-read=${path.resolve(d)}${path.sep}*`);
    const child = fork(CHILD_SCRIPT, [], {
      execArgv: [
        "--experimental-permission",
        ...allow,
        `--max-old-space-size=${this.limits.heapMb}`,
        "--stack-size=900",
        "--no-warnings",
      ],
      serialization: "json",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: {},
      cwd: this.readDirs[0] ?? path.dirname(CHILD_SCRIPT),
    });
    this.stderrHead = "";
    this.outputBytes = 0;
    const onData = (isErr: boolean) => (d: Buffer) => {
      this.outputBytes += d.length;
      if (isErr && this.stderrHead.length < 16_384) this.stderrHead += d.toString("utf8", 0, Math.min(d.length, 16_384));
    };
    child.stdout!.on("data", onData(false));
    child.stderr!.on("data", onData(true));
    // A killed child's late messages and exit must not answer the next child's request.
    child.on("message", (m: unknown) => {
      if (this.child !== child) return;
      const p = this.pending;
      if (p && isChildMessage(m)) p(m);
    });
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      const p = this.pending;
      if (p) p({ type: "exit", code, signal });
    });
    child.on("error", () => {
      /* reported through exit */
    });
    this.child = child;
    return child;
  }

  private describeDeath(code: number | null, signal: string | null): string {
    if (/heap out of memory|Allocation failed|Reached heap limit|invalid array length|Array buffer allocation failed/i.test(this.stderrHead))
      return "ran out of memory";
    if (signal) return `the process was killed by ${signal}`;
    if (code === 70) return "an uncaught error or unhandled promise rejection escaped (from a timer, callback or promise)";
    return `the process exited (code ${code ?? "?"}) — do not call process.exit`;
  }

  /** Send one message and wait for a reply of the wanted kind, a death, or the deadline. */
  private exchange(
    msg: ParentMessage,
    want: (m: ChildMessage) => boolean,
    timeoutMs: number,
  ): Promise<ChildMessage | { type: "timeout" } | { type: "died"; why: string }> {
    const child = this.child ?? this.spawn();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.kill();
        resolve({ type: "timeout" });
      }, timeoutMs);
      this.pending = (m) => {
        if (m.type === "exit") {
          clearTimeout(timer);
          this.pending = null;
          // Give stderr a moment to flush so the OOM message is seen.
          setTimeout(() => resolve({ type: "died", why: this.describeDeath(m.code, m.signal) }), 20);
          return;
        }
        if (m.type === "fault") {
          clearTimeout(timer);
          this.pending = null;
          this.kill();
          resolve({ type: "died", why: typeof m.error === "string" ? m.error.slice(0, 300) : "an uncaught error escaped" });
          return;
        }
        if (!want(m)) return;
        clearTimeout(timer);
        this.pending = null;
        resolve(m);
      };
      try {
        child.send(msg);
      } catch {
        /* the exit handler reports it */
      }
    });
  }

  private async ensureLoaded(): Promise<string | null> {
    if (this.loadError) return this.loadError;
    if (this.child) return null;
    this.spawn();
    const r = await this.exchange(
      { type: "load", js: this.js, filename: this.filename, exportName: this.exportName },
      (m) => m.type === "loaded",
      this.limits.loadTimeoutMs,
    );
    if (r.type === "timeout") this.loadError = `loading the file timed out after ${fmtSeconds(this.limits.loadTimeoutMs)}`;
    else if (r.type === "died") this.loadError = `loading the file failed: ${r.why}`;
    else if (r.type === "loaded" && !r.ok) {
      this.kill();
      this.loadError = typeof r.error === "string" ? r.error.slice(0, 500) : "the file failed to load";
    }
    return this.loadError;
  }

  /** Call the student's export on `args` and return the validated output or a feedback line. */
  async call(args: unknown[]): Promise<CallOutcome> {
    const loadErr = await this.ensureLoaded();
    if (loadErr) return { ok: false, error: loadErr };
    const id = this.nextId++;
    const r = await this.exchange(
      { type: "call", id, args },
      (m) => m.type === "result" && m.id === id,
      this.limits.caseTimeoutMs,
    );
    if (r.type === "timeout") return { ok: false, error: `timed out after ${fmtSeconds(this.limits.caseTimeoutMs)}` };
    if (r.type === "died") return { ok: false, error: r.why };
    if (r.type !== "result") return { ok: false, error: "the student process sent an unexpected reply" };
    if (!r.ok) return { ok: false, error: typeof r.error === "string" ? r.error.slice(0, 500) : "failed" };
    try {
      return { ok: true, output: decodeOutput(r.value), mutated: typeof r.mutated === "string" ? r.mutated.slice(0, 200) : null };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  /** Stop the child (idempotent). */
  kill(): void {
    const c = this.child;
    this.child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      try {
        c.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
}

function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function isChildMessage(m: unknown): m is ChildMessage {
  if (m === null || typeof m !== "object") return false;
  const t = (m as { type?: unknown }).type;
  if (t === "loaded") return typeof (m as { ok?: unknown }).ok === "boolean";
  if (t === "result")
    return typeof (m as { id?: unknown }).id === "number" && typeof (m as { ok?: unknown }).ok === "boolean";
  return t === "fault";
}
