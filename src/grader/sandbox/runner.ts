/**
 * The grader's side of the student process. One `SandboxProcess` is one child under the
 * permission model with heap, memory and time limits; it can hold several student files. A
 * `SubmissionRunner` gives one submission a single shared child for all its files and cases, and
 * replaces it whenever it dies, overruns, or is left dirty (timers, sockets, changed built-ins), so
 * nothing one case does can reach the next. A file whose top-level code changes built-ins gets a
 * child of its own, so the change cannot reach the submission's other files.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { childScript } from "../child-script";
import { GraderFault } from "../fault";
import { permissionArgs, sandboxNode, type SandboxNode } from "./node-flags";
import type { DriverName } from "./drivers";
import { MAX_MESSAGE_CHARS, decodeOutput, parseChildMessage, type ChildMessage, type JsLocation, type ParentMessage } from "./protocol";

/** Limits for one student process. */
export interface SandboxLimits {
  /** wall-clock limit per call, ms */
  caseTimeoutMs: number;
  /** wall-clock limit for loading one file, ms */
  loadTimeoutMs: number;
  /** V8 old-space limit, MB */
  heapMb: number;
  /** resident memory limit of the whole process (heap, buffers, code), MB */
  memoryMb: number;
  /** bytes a single case may print to stdout/stderr before it is charged */
  outputCapBytes: number;
}

/** Defaults tuned for the course's small matrices. */
export const DEFAULT_LIMITS: SandboxLimits = {
  caseTimeoutMs: 2000,
  loadTimeoutMs: 5000,
  heapMb: 128,
  memoryMb: 512,
  outputCapBytes: 64 * 1024,
};

/** What one call produced, from the grader's point of view. */
export type CallOutcome =
  | { ok: true; output: unknown; mutated: boolean; tampered: string[]; printed: number }
  | { ok: false; error: string; where?: JsLocation; kind: "load" | "call" | "timeout" | "died"; tampered: string[]; printed: number };

/** The compiled script of the child process (see child-script.ts). */
const CHILD_SCRIPT = childScript("sandbox/child");

/** Resident memory of a process in MB from /proc (null where /proc is not available). */
function residentMb(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return Number.isFinite(pages) ? (pages * 4096) / (1024 * 1024) : null;
  } catch {
    return null;
  }
}

/** What a process's main thread has used so far, from /proc's schedstat (ms): time on a CPU, and time runnable but waiting for one. */
interface ThreadTimes {
  runMs: number;
  waitMs: number;
}

function threadTimes(pid: number | undefined): ThreadTimes | null {
  if (pid === undefined) return null;
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ").map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { runMs: run! / 1e6, waitMs: wait! / 1e6 } : null;
  } catch {
    return null;
  }
}

/**
 * A submission's budget, and a child's start, may take up to this many times their time in
 * wall-clock time (a submission at least `MIN_SUBMISSION_WALL_SLACK_MS` more); past that the
 * machine, not the student, is to blame (see `ExchangeClock`). A single case has no safety net
 * of its own: its time grows whenever the student process runs or sleeps, so only a machine that
 * keeps it off the CPU can stretch it, and the submission's net bounds that. (On this project's
 * 2-core machine, with the hostile corpus's eleven graders at once beside other jobs, a case's
 * child got a tenth of a CPU and less: a net of ten times a 1 s case stopped whole runs.)
 */
export const MAX_STARVATION_FACTOR = 10;

/** The smallest wall-clock safety net for a whole submission, on top of its budget. */
export const MIN_SUBMISSION_WALL_SLACK_MS = 600_000;

/**
 * The student's time in one exchange with a child, counted the same way by a case's limit and by
 * the submission's budget. Whatever the student's code does is theirs: computing, and sleeping or
 * blocking (`Atomics.wait`, a synchronous read). What the machine does is not: time the child's
 * main thread spent runnable but waiting for a CPU (a loaded machine, from /proc's schedstat), and
 * time the grader's own event loop was held up (compiling a classmate), when a reply may have sat
 * unread. The count never drops below the CPU time the thread actually used, so a loop that
 * computes is always charged. Starting Node is the grader's work: the clock starts once the child
 * has answered the grader's hello. Where /proc is missing, the count is wall-clock time.
 */
class ExchangeClock {
  private readonly startedAt = Date.now();
  private readonly first: ThreadTimes | null;
  private last: ThreadTimes | null;
  private stallMs = 0;

  constructor(private readonly pid: number | undefined) {
    this.first = this.last = threadTimes(pid);
  }

  /** wall-clock time since the clock started, ms */
  get wallMs(): number {
    return Date.now() - this.startedAt;
  }

  /** The grader's event loop ran this much later than it asked to. */
  stalled(ms: number): void {
    this.stallMs += ms;
  }

  /** The student's time so far, ms. */
  usedMs(): number {
    const now = threadTimes(this.pid) ?? this.last;
    this.last = now;
    const wall = this.wallMs;
    if (!this.first || !now) return Math.max(0, wall - this.stallMs);
    return Math.max(now.runMs - this.first.runMs, wall - (now.waitMs - this.first.waitMs) - this.stallMs);
  }
}

/**
 * One submission's time: its budget, counted as its children's time by `ExchangeClock` (never the
 * machine's load), and a far larger wall-clock safety net. The budget running out is the student's
 * doing; the safety net running out while budget is left is the machine's (it spent nine tenths of
 * the time elsewhere), and is raised as a `GraderFault` rather than charged.
 */
export class TimeBudget {
  /** the submission's time used so far, ms */
  chargedMs = 0;
  /** when the safety net runs out (Date.now() ms) */
  private readonly wallDeadline: number;

  constructor(
    /** the submission's own time, ms (Infinity for none) */
    readonly budgetMs: number = Infinity,
    /** the wall-clock safety net, ms, from now */
    readonly wallMs: number = Math.max(budgetMs * MAX_STARVATION_FACTOR, budgetMs + MIN_SUBMISSION_WALL_SLACK_MS),
  ) {
    this.wallDeadline = Date.now() + wallMs;
  }

  /** the submission's own time left, ms */
  get leftMs(): number {
    return this.budgetMs - this.chargedMs;
  }

  /** wall-clock time left before the safety net, ms */
  get wallLeftMs(): number {
    return this.wallDeadline - Date.now();
  }
}

/** The grader fault for a machine too busy to give student code its time. */
export function starvationFault(what: string): GraderFault {
  return new GraderFault(
    `the machine is too busy: ${what} (waiting for a CPU, not running the student's code), so the grader cannot tell slow code from a busy machine`,
    "grade on a less loaded machine, or fewer submissions at once (--jobs 1)",
  );
}

/** A duration for feedback and fault messages ("3 s", "2.5 s"): one wording across the grader. */
export function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * What an exchange with the child came to. `broken` means the process never started (it died or
 * stayed silent before answering the grader's hello, so no student code had run), and `starved`
 * that the wall-clock safety net ran out while the student's time had not (the machine kept the
 * child waiting): the grader's failures, which the runner raises as a `GraderFault` instead of
 * charging anyone.
 */
type Reply =
  | Exclude<ChildMessage, { type: "ready" | "running" }>
  | { type: "timeout" }
  | { type: "died"; why: string }
  | { type: "broken"; why: string }
  | { type: "starved"; why: string };

/** How often an exchange looks at the child's memory (and at the grader's own event loop), ms. */
const WATCH_MS = 50;

/**
 * How long a child may take to start and answer the grader's hello before the grader gives up on
 * itself: this much of the child's own time (counted as `ExchangeClock` counts it), or
 * `MAX_STARVATION_FACTOR` times as much wall-clock time.
 */
export const START_TIMEOUT_MS = 60_000;

/** The fix to print when the sandbox's Node cannot start a child. */
function sandboxFix(node: SandboxNode): string {
  return (
    `check that ${node.execPath} (Node ${node.version || "?"}) runs: \`${node.execPath} ${node.permissionFlag ?? "--permission"} -e 0\`. ` +
    `The grader needs Node 20, 22, 24 or 26 with its permission model, and the built child script ${CHILD_SCRIPT} (reinstall backprop-lab, or run \`npm run build\` in a clone).`
  );
}

/**
 * A SIGUSR1 makes a Node process open its inspector on 127.0.0.1:9229 unless it listens for the
 * signal itself. The student process cannot send signals to other processes (the child locks
 * `process.kill`), and as a second belt the grader's process listens for SIGUSR1 while it runs
 * student code, so no signal can turn it into a debugging target reachable over the network.
 */
let inspectorSignalGuarded = false;
function guardInspectorSignal(): void {
  if (inspectorSignalGuarded || process.platform === "win32") return;
  inspectorSignalGuarded = true;
  if (process.listenerCount("SIGUSR1") === 0) process.on("SIGUSR1", () => undefined);
}

/** One sandboxed child process holding any number of loaded student files. */
export class SandboxProcess {
  private child: ChildProcess | null = null;
  private stderrHead = "";
  private pending: ((m: ChildMessage | { type: "exit"; code: number | null; signal: string | null; started: boolean } | { type: "bad" }) => void) | null = null;
  /** has the current child answered the hello (it started, and no student code had run before)? */
  private started = false;
  /** called once when the current child answers the hello */
  private onStarted: (() => void) | null = null;
  /** why the current child could not be spawned at all (ENOENT, EAGAIN, …) */
  private spawnError = "";
  private memoryKill = false;
  /** highest resident memory seen during the current exchange, MB */
  private peakMb = 0;
  /** resident memory when the current exchange's student code began to run (the child's `running` notice), MB */
  private baseMb = 0;
  /** files loaded in the current child: key → exported names */
  readonly loaded = new Map<string, { exports: string[]; hasDefault: boolean }>();
  /** characters of a reply line received but not yet complete (a reply is streaming in) */
  private partialReplyChars = 0;
  /** every export called in the current child since it started */
  readonly called = new Set<string>();
  private nextId = 1;

  constructor(
    private readonly readDirs: string[],
    private readonly limits: SandboxLimits,
    /** the submission's time, charged with every exchange */
    private readonly time: TimeBudget = new TimeBudget(),
  ) {}

  /** Is a child running now? */
  get alive(): boolean {
    return this.child !== null;
  }

  /**
   * Start a child. There is no Node IPC channel: the parent side of one parses whatever the child
   * writes to it and throws from inside Node when a line is not JSON, which would end the grader
   * (student code can write to any of its file descriptors). Instead messages go down the child's
   * stdin and replies come back on a plain pipe (fd 3), one JSON line each, read here by a parser
   * that never throws and refuses lines over `MAX_MESSAGE_CHARS`.
   */
  private spawn(): ChildProcess {
    guardInspectorSignal();
    // The child script's own folder must be readable; the flags are those this Node understands.
    const node = sandboxNode();
    const permission = permissionArgs(node, [path.dirname(CHILD_SCRIPT), ...this.readDirs]);
    const child = spawn(node.execPath, [...permission, `--max-old-space-size=${this.limits.heapMb}`, "--stack-size=900", "--no-warnings", CHILD_SCRIPT], {
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      env: {},
      cwd: this.readDirs[0] ?? path.dirname(CHILD_SCRIPT),
    });
    this.stderrHead = "";
    this.memoryKill = false;
    this.started = false;
    this.onStarted = null;
    this.spawnError = "";
    this.loaded.clear();
    this.called.clear();
    const token = randomBytes(16).toString("hex");
    // A pipe error (the child gone mid-write) must never become an uncaught error here.
    for (const s of child.stdio) s?.on("error", () => undefined);
    // Output bypassing the child's counters (direct fd writes) is drained and dropped here.
    child.stdout.on("data", () => undefined);
    child.stderr.on("data", (d: Buffer) => {
      if (this.stderrHead.length < 16_384) this.stderrHead += d.toString("utf8", 0, Math.min(d.length, 16_384));
    });
    // Replies: complete lines only; a replaced child's late lines must not answer the next child's request.
    // Node types an extra pipe as readable or writable; from this side it is a duplex socket
    const replies = child.stdio[3];
    if (!(replies instanceof Readable)) throw new Error("internal: the child's reply pipe (fd 3) is not readable");
    replies.setEncoding("utf8");
    let partial = "";
    this.partialReplyChars = 0;
    replies.on("data", (chunk: string) => {
      if (this.child !== child) return;
      partial += chunk;
      this.partialReplyChars = partial.length;
      for (let nl = partial.indexOf("\n"); nl >= 0; nl = partial.indexOf("\n")) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        const m = parseChildMessage(line, token);
        if (m?.type === "running") {
          // Growth is measured from here: what came before was the grader's message being read.
          // A child can only misstate this for its own hint ("ran out of memory" or "timed out").
          this.baseMb = m.rssMb;
          this.peakMb = m.rssMb;
          continue;
        }
        if (m?.type === "ready") {
          if (!this.started) {
            this.started = true;
            const f = this.onStarted;
            this.onStarted = null;
            f?.();
          }
          continue;
        }
        const p = this.pending;
        if (p) p(m ?? { type: "bad" });
        if (this.child !== child) return;
      }
      this.partialReplyChars = partial.length;
      if (partial.length > MAX_MESSAGE_CHARS) {
        // an endless line: stop reading it and stop the child
        partial = "";
        const p = this.pending;
        this.kill();
        if (p) p({ type: "bad" });
      }
    });
    let repliesEnded = false;
    replies.on("end", () => (repliesEnded = true));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      let reported = false;
      const report = (): void => {
        if (reported || this.child !== child) return;
        reported = true;
        this.child = null;
        this.loaded.clear();
        this.called.clear();
        const p = this.pending;
        if (p) p({ type: "exit", code, signal, started: this.started });
      };
      // A child that died before its "ready" was read may still have it in the pipe: read the pipe
      // to its end before deciding whose failure the death was.
      if (this.started || repliesEnded) return report();
      replies.once("end", report);
      replies.once("close", report);
      setTimeout(report, 2000);
    });
    child.on("error", (e) => {
      // spawning failed (no such binary, no processes left): the grader's failure; exit may not follow
      if (this.child !== child) return;
      this.spawnError = e.message;
      if (child.pid === undefined) {
        this.child = null;
        const p = this.pending;
        if (p) p({ type: "exit", code: null, signal: null, started: false });
      }
    });
    this.child = child;
    // Sent before anything else, so before any student code loads.
    this.post({ type: "hello", token });
    return child;
  }

  /** Write one message to the child's stdin (a dead child's pipe error is swallowed above). */
  private post(msg: ParentMessage): void {
    const c = this.child;
    if (!c || !c.stdin || c.stdin.destroyed) return;
    c.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  /** Why a child never started, from what it printed or the spawn error. */
  private describeStartFailure(code: number | null, signal: string | null): string {
    if (this.spawnError) return `the student process could not be started: ${this.spawnError}`;
    const said = this.stderrHead.split("\n").map((l) => l.trim()).filter((l) => l !== "").slice(0, 2).join(" / ").slice(0, 300);
    return `the student process ${signal ? `was killed by ${signal}` : `exited (code ${code ?? "?"})`} before it started${said ? `: ${said}` : ""}`;
  }

  private describeDeath(code: number | null, signal: string | null): string {
    if (this.memoryKill) return `ran out of memory (used more than ${this.limits.memoryMb} MB)`;
    if (/heap out of memory|Allocation failed|Reached heap limit|invalid array length|Array buffer allocation failed/i.test(this.stderrHead))
      return "ran out of memory";
    if (signal) return `the process was killed by ${signal}`;
    return `the process exited (code ${code ?? "?"}) — do not call process.exit`;
  }

  /**
   * Send one message and wait for the reply it asks for, a death, or the deadline: `timeoutMs` of
   * the student's time (see `ExchangeClock`), within what is left of the submission's wall-clock
   * safety net. The time used is charged to the submission's budget however the exchange ends.
   */
  private exchange(msg: ParentMessage, want: (m: ChildMessage) => boolean, timeoutMs: number): Promise<Reply> {
    const child = this.child ?? this.spawn();
    this.peakMb = 0;
    this.baseMb = residentMb(child.pid ?? -1) ?? 0;
    const wallLimitMs = this.time.wallLeftMs;
    return new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let startTimer: NodeJS.Timeout | undefined;
      let clock: ExchangeClock | null = null;
      const finish = (r: Reply): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(startTimer);
        clearInterval(watch);
        this.pending = null;
        if (clock) this.time.chargedMs += clock.usedMs();
        resolve(r);
      };
      let exited = false;
      const expire = (starved: boolean): void => {
        if (settled || exited) return;
        const why = starved && clock ? `in ${fmtSeconds(clock.wallMs)} of wall-clock time the student process got ${fmtSeconds(clock.usedMs())} of its own` : "";
        this.kill();
        finish(starved ? { type: "starved", why } : { type: "timeout" });
      };
      // This timer can fire late, and before a reply that came in time is read, when the grader's
      // own event loop was busy (another student's compile in class mode): let I/O already waiting
      // be read first (setImmediate runs after the poll phase), and give a reply still streaming in
      // a moment more, so a stall in the grader never turns into a student's timeout.
      const arm = (): void => {
        clearTimeout(startTimer);
        const c = new ExchangeClock(child.pid);
        clock = c;
        const check = (): void => {
          setImmediate(() => {
            if (settled || exited) return;
            if (this.partialReplyChars > 0) return void setTimeout(() => expire(false), 250);
            const used = c.usedMs();
            const wall = c.wallMs;
            if (used >= timeoutMs) expire(false);
            else if (wall >= wallLimitMs) expire(true);
            else timer = setTimeout(check, Math.max(20, Math.min(timeoutMs - used, wallLimitMs - wall)));
          });
        };
        timer = setTimeout(check, Math.max(1, Math.min(timeoutMs, wallLimitMs)));
      };
      // Starting is timed the same way: a child that hangs uses its own time, one that is only
      // kept waiting by a busy machine does not (up to the factor in wall-clock time).
      let startClock: ExchangeClock | null = null;
      if (this.started) arm();
      else {
        this.onStarted = arm;
        const sc = new ExchangeClock(child.pid);
        startClock = sc;
        const checkStart = (): void => {
          if (settled || exited || this.started) return;
          const used = sc.usedMs();
          if (used < START_TIMEOUT_MS && sc.wallMs < START_TIMEOUT_MS * MAX_STARVATION_FACTOR) {
            startTimer = setTimeout(checkStart, Math.max(20, START_TIMEOUT_MS - used));
            return;
          }
          this.kill();
          finish({ type: "broken", why: `the student process did not start within ${used < START_TIMEOUT_MS ? `${fmtSeconds(sc.wallMs)} of wall-clock time` : fmtSeconds(START_TIMEOUT_MS)}` });
        };
        startTimer = setTimeout(checkStart, START_TIMEOUT_MS);
      }
      // The heap limit does not cover buffers: watch the whole process's resident memory.
      // Its ticks also show when the grader's own event loop was held up (see ExchangeClock).
      let lastTick = Date.now();
      const watch = setInterval(() => {
        const now = Date.now();
        if (now - lastTick > 2 * WATCH_MS) (clock ?? startClock)?.stalled(now - lastTick - WATCH_MS);
        lastTick = now;
        const pid = child.pid;
        const mb = pid !== undefined ? residentMb(pid) : null;
        if (mb !== null) this.peakMb = Math.max(this.peakMb, mb);
        if (mb !== null && mb > this.limits.memoryMb) {
          this.memoryKill = true;
          try {
            child.kill("SIGKILL");
          } catch {
            /* already gone */
          }
        }
      }, WATCH_MS);
      this.pending = (m) => {
        if (m.type === "exit") {
          exited = true;
          // Give stderr a moment to flush so an out-of-memory message is seen.
          const code = m.code;
          const signal = m.signal;
          setTimeout(() => finish(m.started ? { type: "died", why: this.describeDeath(code, signal) } : { type: "broken", why: this.describeStartFailure(code, signal) }), 20);
          clearTimeout(timer);
          clearTimeout(startTimer);
          clearInterval(watch);
          return;
        }
        if (m.type === "bad") {
          this.kill();
          finish({ type: "died", why: "the student process sent a malformed reply" });
          return;
        }
        if (m.type !== "ready" && m.type !== "running" && want(m)) finish(m);
      };
      this.post(msg);
    });
  }

  /**
   * Has only `key`'s file been loaded, and only `exportName` (or nothing) been called, since this
   * child started? Then nothing but that function's own file could have caused what happens next.
   */
  holdsOnly(key: string, exportName?: string): boolean {
    if (this.child === null) return true;
    for (const k of this.loaded.keys()) if (k !== key) return false;
    for (const e of this.called) if (e !== `${key}\u0000${exportName}`) return false;
    return true;
  }

  /** Load a compiled file under `key`; the outcome says what it exports or why it failed. */
  async load(key: string, js: string, filename: string, timeoutMs: number, wanted: string[] = []): Promise<Reply> {
    const r = await this.exchange({ type: "load", key, js, filename, wanted }, (m) => m.type === "loaded" && m.key === key, timeoutMs);
    if (r.type === "loaded" && r.ok) this.loaded.set(key, { exports: r.exports, hasDefault: r.hasDefault });
    return r;
  }

  /** Call an export of a loaded file (through a driver when one is named). */
  call(key: string, exportName: string, args: unknown[], timeoutMs: number, driver?: DriverName): Promise<Reply> {
    const id = this.nextId++;
    this.called.add(`${key}\u0000${exportName}`);
    return this.exchange({ type: "call", id, key, exportName, args, ...(driver ? { driver } : {}) }, (m) => m.type === "result" && m.id === id, timeoutMs);
  }

  /**
   * Did the last exchange fill the heap (a timeout then means garbage-collection thrashing)? Judged
   * by how much the process grew while student code ran, not by its size: Node 26 alone is larger
   * than a 64 MB heap limit, and reading the capstone's digits grows Node 24 by ~140 MB before the
   * student's function is called.
   */
  get heapWasFull(): boolean {
    return this.peakMb - this.baseMb >= 0.75 * this.limits.heapMb;
  }

  /** Stop the child (idempotent). */
  kill(): void {
    const c = this.child;
    this.child = null;
    this.loaded.clear();
    this.called.clear();
    if (c && c.exitCode === null && c.signalCode === null) {
      try {
        c.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
}

/** A compiled student file the runner can load. */
export interface RunnableFile {
  js: string;
  /** shown in stack traces and feedback, e.g. "01-local-rules.ts" */
  filename: string;
  /** the exports that will be called (reported by the child however many others the file has) */
  wanted?: string[];
}

/**
 * Could this outcome have been caused by work an earlier call or another file left behind (a
 * timer, a promise, a finalizer firing now), rather than by the code just run? A death, a timeout,
 * built-ins changed, output over the cap, or an error raised outside the call's own stack.
 */
function mayBeInherited(r: Reply, outputCap: number): boolean {
  if (r.type === "timeout" || r.type === "died") return true;
  if (r.type !== "result" && r.type !== "loaded") return true;
  if (r.tampered.length > 0 || r.printed > outputCap) return true;
  return r.ok === false && r.late;
}

/** Describe a missing export the way a student can fix it. */
function missingExport(exportName: string, file: string, info: { exports: string[]; hasDefault: boolean }): string {
  if (info.hasDefault && !info.exports.includes(exportName))
    return `${file}: \`${exportName}\` must be a named export (\`export function ${exportName}\`), not a default export`;
  const found = info.exports.slice(0, 8);
  return `${file} has no export named \`${exportName}\`${found.length ? ` (found: ${found.join(", ")})` : " (the file exports nothing)"}`;
}

/**
 * All the student processes one submission needs: a shared child, plus a dedicated child for any
 * file whose top-level code changed built-ins, all charging one `TimeBudget`. Every call returns a
 * validated outcome; nothing a student does makes it throw (a `GraderFault` is the grader's or the
 * machine's failure).
 */
export class SubmissionRunner {
  private readonly shared: SandboxProcess;
  private readonly dedicated = new Map<string, SandboxProcess>();
  private readonly files = new Map<string, RunnableFile>();
  /** load failures are permanent: a file whose top level fails fails the same way every time */
  private readonly loadErrors = new Map<string, { error: string; where?: JsLocation }>();

  constructor(
    private readonly readDirs: string[],
    private readonly limits: SandboxLimits = DEFAULT_LIMITS,
    /** the submission's time (default: no budget beyond each call's own limits) */
    readonly time: TimeBudget = new TimeBudget(),
  ) {
    this.shared = new SandboxProcess(readDirs, limits, time);
  }

  /** Make a compiled file available under `key`. */
  register(key: string, file: RunnableFile): void {
    this.files.set(key, file);
  }

  private processFor(key: string): SandboxProcess {
    return this.dedicated.get(key) ?? this.shared;
  }

  /** Load `key` into its process if needed, within `left()` of the student's time; returns an error outcome or the export list. */
  private async ensureLoaded(key: string, left: () => number): Promise<{ exports: string[]; hasDefault: boolean } | Extract<CallOutcome, { ok: false }>> {
    const known = this.loadErrors.get(key);
    if (known) return { ok: false, kind: "load", error: known.error, ...(known.where ? { where: known.where } : {}), tampered: [], printed: 0 };
    const file = this.files.get(key);
    if (!file) return { ok: false, kind: "load", error: "internal: file not registered", tampered: [], printed: 0 };
    let retried = false;
    for (;;) {
      const proc = this.processFor(key);
      const info = proc.loaded.get(key);
      if (info) return info;
      const fresh = !proc.alive;
      const limit = Math.min(this.limits.loadTimeoutMs, left());
      if (limit <= 0) return { ok: false, kind: "load", error: "not run: the submission used up its total time", tampered: [], printed: 0 };
      const r = await proc.load(key, file.js, file.filename, limit, file.wanted ?? []);
      if (r.type === "broken") throw new GraderFault(r.why, sandboxFix(sandboxNode()));
      if (r.type === "starved") throw starvationFault(`loading ${file.filename}, ${r.why}`);
      if (r.type === "loaded" && r.ok) {
        if (r.tampered.length > 0 && proc === this.shared) {
          // Its top level changed built-ins: give the file a child of its own and start the
          // shared one afresh, so the change cannot reach the submission's other files.
          this.shared.kill();
          this.dedicated.set(key, new SandboxProcess(this.readDirs, this.limits, this.time));
          continue;
        }
        if (r.dirty && proc === this.shared) {
          // Timers or handles left by the top level: keep them out of the shared child too.
          this.shared.kill();
          this.dedicated.set(key, new SandboxProcess(this.readDirs, this.limits, this.time));
          continue;
        }
        return { exports: r.exports, hasDefault: r.hasDefault };
      }
      proc.kill();
      const outOfTime = r.type === "timeout" && limit < this.limits.loadTimeoutMs;
      // A child that already ran other files may have been broken by them (a late timer, a
      // finalizer): load this file once more in a fresh child before blaming it.
      if (!fresh && !retried && !outOfTime && mayBeInherited(r, this.limits.outputCapBytes)) {
        retried = true;
        continue;
      }
      let failure: { error: string; where?: JsLocation };
      if (r.type === "timeout") failure = { error: outOfTime ? "not run: the submission used up its total time" : `loading ${file.filename} timed out after ${fmtSeconds(limit)}` };
      else if (r.type === "died") failure = { error: `loading ${file.filename} failed: ${r.why}` };
      else if (r.type === "loaded" && !r.ok) failure = { error: r.error, ...(r.where ? { where: r.where } : {}) };
      else failure = { error: "the student process sent an unexpected reply" };
      if (!outOfTime) this.loadErrors.set(key, failure);
      return { ok: false, kind: "load", ...failure, tampered: [], printed: 0 };
    }
  }

  /**
   * Call `exportName` of file `key` on `args` within `timeoutMs` of the student's time, loading
   * included, and what is left of the submission's budget (the call itself at most `caseLimitMs`:
   * the case limit, or an exercise's own when it trains a network). A
   * process that died, overran, or was left dirty is replaced before the next call. When the
   * outcome is a fault that earlier work in the same child could have caused, the call is made
   * again in a fresh child holding only this file, and that outcome counts: deferred sabotage
   * (an unref'd timer, a finalizer, `Atomics.waitAsync`) can cost only the code that set it up.
   * `driver` names trusted code in the child that receives the export (see sandbox/drivers).
   */
  async call(key: string, exportName: string, args: unknown[], timeoutMs = this.limits.caseTimeoutMs, caseLimitMs = this.limits.caseTimeoutMs, driver?: DriverName): Promise<CallOutcome> {
    const charged = this.time.chargedMs;
    const left = (): number => Math.min(timeoutMs - (this.time.chargedMs - charged), this.time.leftMs);
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.ensureLoaded(key, left);
      if ("ok" in loaded) return loaded;
      if (!loaded.exports.includes(exportName)) return { ok: false, kind: "load", error: missingExport(exportName, this.files.get(key)?.filename ?? "the file", loaded), tampered: [], printed: 0 };
      const proc = this.processFor(key);
      const alone = proc.holdsOnly(key, exportName);
      const limit = Math.min(caseLimitMs, left());
      if (limit <= 0) return { ok: false, kind: "timeout", error: "not run: the submission used up its total time", tampered: [], printed: 0 };
      const r = await proc.call(key, exportName, args, limit, driver);
      if (r.type === "broken") throw new GraderFault(r.why, sandboxFix(sandboxNode()));
      if (r.type === "starved") throw starvationFault(`calling ${exportName}, ${r.why}`);
      const timeLeft = left() > Math.min(caseLimitMs, this.limits.loadTimeoutMs) / 4;
      if (attempt === 0 && !alone && timeLeft && !(r.type === "timeout" && limit < caseLimitMs) && mayBeInherited(r, this.limits.outputCapBytes)) {
        proc.kill();
        continue;
      }
      return this.outcome(proc, r, limit, caseLimitMs);
    }
  }

  /** Turn a child's reply into a validated outcome (and retire a child left dirty). */
  private outcome(proc: SandboxProcess, r: Reply, limit: number, caseLimitMs: number): CallOutcome {
    if (r.type === "timeout") {
      const why =
        limit < caseLimitMs
          ? "stopped: the submission used up its total time"
          : proc.heapWasFull
            ? `ran out of memory (the heap limit of ${this.limits.heapMb} MB was reached; stopped after ${fmtSeconds(limit)})`
            : `timed out after ${fmtSeconds(limit)}`;
      return { ok: false, kind: "timeout", error: why, tampered: [], printed: 0 };
    }
    if (r.type === "died") return { ok: false, kind: "died", error: r.why, tampered: [], printed: 0 };
    if (r.type !== "result") {
      proc.kill();
      return { ok: false, kind: "died", error: "the student process sent an unexpected reply", tampered: [], printed: 0 };
    }
    if (r.dirty) proc.kill();
    if (!r.ok) return { ok: false, kind: "call", error: r.error, ...(r.where ? { where: r.where } : {}), tampered: r.tampered, printed: r.printed };
    try {
      return { ok: true, output: decodeOutput(r.value), mutated: r.mutated, tampered: r.tampered, printed: r.printed };
    } catch (e) {
      return { ok: false, kind: "call", error: e instanceof Error ? e.message : String(e), tampered: r.tampered, printed: r.printed };
    }
  }

  /** Stop every child (idempotent). */
  dispose(): void {
    this.shared.kill();
    for (const p of this.dedicated.values()) p.kill();
  }
}

/**
 * One exported function in a sandboxed child, for tests and one-off checks: compiled JavaScript
 * in, validated outcomes out.
 */
export class StudentModule {
  private readonly runner: SubmissionRunner;

  constructor(js: string, filename: string, private readonly exportName: string, readDirs: string[], private readonly limits: SandboxLimits = DEFAULT_LIMITS) {
    this.runner = new SubmissionRunner(readDirs, limits);
    this.runner.register("module", { js, filename });
  }

  /** Call the export on `args`: loading (the first time) gets its own limit, the call the case limit. */
  call(args: unknown[]): Promise<CallOutcome> {
    return this.runner.call("module", this.exportName, args, this.limits.loadTimeoutMs + this.limits.caseTimeoutMs);
  }

  /** Stop the child. */
  kill(): void {
    this.runner.dispose();
  }
}
