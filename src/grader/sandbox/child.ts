/**
 * The student process. Started by the grader under Node's permission model with a heap limit; it
 * loads the student's compiled files (one module each), calls an export on the arguments it is
 * sent, and answers with plain data. It computes no verdicts: the grader does that.
 *
 * Everything this file relies on after student code has loaded is captured first (`P`, in
 * child-builtins.ts, imported first), and the answer is written as JSON text by hand
 * (child-encode.ts), so patched built-ins cannot change what is reported.
 * After every load and call it looks for side effects: built-ins changed (`tampered`), timers or
 * handles left behind (`dirty`: the grader then replaces the process), bytes printed.
 */
import type { ParentMessage } from "./protocol";
import { P, cut, push, starts } from "./child-builtins";
import { EncodeError, dataProp, describeThrown, encode, inertObjects, locate, q } from "./child-encode";
import { lockSignals } from "./child-signals";
import { recordBaseline, tamperedSince } from "./child-tamper";

/** Most values in a call's arguments the child copies to notice a changed input (the grader's own data; the capstone sends 784 000 pixels). */
const MAX_ARG_ELEMENTS = 4000000;
import { DRIVERS, isDriverName } from "./drivers";

lockSignals();

/** How long timers a call leaves behind may still fire and be charged to it. */
const GRACE_MS = 25;

// ---- output: counted and discarded -----------------------------------------------------------
let printed = 0;
const counter = function (chunk: unknown, enc?: unknown, cb?: unknown): boolean {
  if (typeof chunk === "string") printed += chunk.length;
  else if (chunk !== null && typeof chunk === "object" && P.isView(chunk)) printed += (chunk as ArrayBufferView).byteLength;
  const done = typeof enc === "function" ? enc : cb;
  if (typeof done === "function") P.setImmediate(done as () => void);
  return true;
};
for (const s of [process.stdout, process.stderr]) {
  (s as unknown as { write: unknown }).write = counter;
}


// ---- async work left behind ------------------------------------------------------------------------
function resourceCounts(): Record<string, number> {
  const c: Record<string, number> = Object.create(null) as Record<string, number>;
  const r = P.activeResources();
  for (let i = 0; i < r.length; i++) c[r[i]!] = (c[r[i]!] ?? 0) + 1;
  return c;
}
let baseResources: Record<string, number> = Object.create(null) as Record<string, number>;
function extraResources(): { timers: number; other: number } {
  const c = resourceCounts();
  let timersLeft = 0;
  let other = 0;
  for (const k in c) {
    const extra = c[k]! - (baseResources[k] ?? 0);
    if (extra <= 0) continue;
    if (k === "Timeout" || k === "Immediate") timersLeft += extra;
    else other += extra;
  }
  return { timers: timersLeft, other };
}
const tick = (): Promise<void> => new P.Promise<void>((r) => void P.setImmediate(r));
const sleep = (ms: number): Promise<void> =>
  new P.Promise<void>((r) => {
    const t = P.setTimeout(r, ms);
    t.unref();
  });

/** Let queued callbacks run (so their errors are charged to this call); report leftovers. */
async function settle(): Promise<boolean> {
  await tick();
  const until = P.now() + GRACE_MS;
  let left = extraResources();
  // at least one pass through the timers phase, so a timer already due fires here even when a
  // loaded machine kept this process off the CPU for the whole grace period
  let first = true;
  while (left.timers > 0 && (first || P.now() < until)) {
    first = false;
    await sleep(2);
    left = extraResources();
  }
  return left.timers > 0 || left.other > 0;
}

// ---- faults raised outside the call's own stack ---------------------------------------------------------
let fault: string | null = null;
const unthrow = (s: string): string => (starts(s, "threw ") ? cut(s, 6) : s);
P.on("uncaughtException", (e: unknown) => {
  if (fault === null) fault = `an uncaught error escaped from a timer or callback: ${unthrow(describeThrown(e))}`;
});
P.on("unhandledRejection", (e: unknown) => {
  if (fault === null) fault = `an unhandled promise rejection escaped: ${unthrow(describeThrown(e))}`;
});

// ---- the course library and tslab: inert stand-ins ----------------------------------------------------
function inert(): unknown {
  const target = function () {
    /* inert */
  };
  const p: object = new Proxy(target, {
    get: (_t, k) => (k === "__esModule" ? true : k === Symbol.toPrimitive ? () => "" : k === "then" ? undefined : p),
    apply: () => p,
    construct: () => p,
    has: () => true,
    set: () => true,
  });
  inertObjects.add(p);
  return p;
}
const INERT = inert();

function studentRequire(id: unknown): unknown {
  if (typeof id !== "string") throw new Error("require() needs a module name");
  if (id === "backprop-lab" || starts(id, "backprop-lab/") || id === "tslab") return INERT;
  if (starts(id, ".") || starts(id, "/"))
    throw new Error(`require("${cut(id, 0, 100)}"): a graded file may import only another file of the submission, e.g. "./07-mlp-backward"`);
  return P.nodeRequire(id);
}

// ---- loading and calling -----------------------------------------------------------------------------
interface Loaded {
  exports: unknown;
  file: string;
}
const modules: Record<string, Loaded> = Object.create(null) as Record<string, Loaded>;

/** The token from the grader's first message; every reply carries it (student code never sees it). */
let token = "";

/**
 * One reply line on fd 3, written synchronously through the captured `fs.writeSync` (the pipe
 * is blocking on this side, so the whole line goes out): no stream, prototype or IPC machinery
 * student code could patch to read or rewrite it.
 */
function send(text: string): void {
  try {
    P.apply(P.writeSync, undefined, [3, `{"token":${q(token)},${cut(text, 1)}\n`]);
  } catch {
    P.exit(3);
  }
}

function effects(dirty: boolean, printedBefore: number): string {
  const t = tamperedSince();
  let list = "";
  for (let i = 0; i < t.length; i++) list += (i ? "," : "") + q(t[i]!);
  return `"tampered":[${list}],"printed":${printed - printedBefore},"dirty":${dirty || t.length > 0 || fault !== null ? "true" : "false"}`;
}

async function load(m: Extract<ParentMessage, { type: "load" }>): Promise<void> {
  const printedBefore = printed;
  fault = null;
  const mod = { exports: {} as unknown };
  let error: string | null = null;
  let where: { line: number; column: number } | undefined;
  try {
    const factory = P.compileFunction(m.js, ["exports", "require", "module", "__filename", "__dirname"], { filename: m.filename }) as (...a: unknown[]) => void;
    P.apply(factory, undefined, [mod.exports, studentRequire, mod, m.filename, "."]);
  } catch (e) {
    error = `loading ${m.filename} ${describeThrown(e)}`;
    where = locate(e, m.filename);
  }
  const dirty = await settle();
  const late = error === null && fault !== null;
  if (late) error = `loading ${m.filename}: ${fault}`;
  const fx = effects(dirty, printedBefore);
  if (error !== null) {
    return send(`{"type":"loaded","key":${q(m.key)},"ok":false,"error":${q(error)}${where ? `,"where":{"line":${where.line},"column":${where.column}}` : ""}${late ? `,"async":true` : ""},${fx}}`);
  }
  // What the file's top level changed is reported once, here; its calls are compared with it.
  recordBaseline();
  const ex = dataProp(mod, "exports");
  modules[m.key] = { exports: ex, file: m.filename };
  // The names the grader asked for come first, so a file with many top-level names (a long
  // notebook) cannot push them past the cap; then others, for a "found: …" hint.
  const names: string[] = [];
  let hasDefault = false;
  if (ex !== null && (typeof ex === "object" || typeof ex === "function")) {
    const wanted = P.isArray(m.wanted) ? m.wanted : [];
    for (let i = 0; i < wanted.length && i < 200; i++) {
      const w = wanted[i];
      if (typeof w === "string" && w !== "default" && P.gopd(ex as object, w)?.enumerable === true) push(names, w);
    }
    const keys = P.keys(ex as object);
    for (let i = 0; i < keys.length && names.length < 400; i++) {
      const k = keys[i]!;
      if (k === "__esModule") continue;
      if (k === "default") hasDefault = true;
      else if (names.length < 200 && !hasName(names, k)) push(names, k);
    }
  }
  let list = "";
  for (let i = 0; i < names.length; i++) list += (i ? "," : "") + q(names[i]!);
  send(`{"type":"loaded","key":${q(m.key)},"ok":true,"exports":[${list}],"hasDefault":${hasDefault ? "true" : "false"},${fx}}`);
}

function hasName(list: string[], k: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === k) return true;
  return false;
}

const NOTHING = {};

async function call(m: Extract<ParentMessage, { type: "call" }>): Promise<void> {
  const printedBefore = printed;
  fault = null;
  const mod = modules[m.key];
  const fn = mod ? dataProp(mod.exports, m.exportName) : undefined;
  if (typeof fn !== "function") {
    const what = fn === undefined ? "missing" : `a ${typeof fn}`;
    return send(`{"type":"result","id":${m.id},"ok":false,"error":${q(`\`${m.exportName}\` is not a function (it is ${what})`)},${effects(false, printedBefore)}}`);
  }
  // The grader's own arguments (up to MAX_ARG_ELEMENTS values: the capstone sends 784 000 pixels).
  const before = encode(m.args, MAX_ARG_ELEMENTS);
  // a driver (trusted code, loaded before any student code) receives the export and the arguments
  const driver = isDriverName(m.driver) ? DRIVERS[m.driver] : null;
  let out: unknown = NOTHING;
  let thrown: unknown = NOTHING;
  try {
    out = driver ? P.apply(driver, undefined, [fn, m.args]) : P.apply(fn as (...a: unknown[]) => unknown, undefined, m.args);
  } catch (e) {
    thrown = e;
  }
  const dirty = await settle();
  const fx = effects(dirty, printedBefore);
  // `async`: raised outside the call's own stack (a timer, a promise), possibly by earlier work
  const fail = (error: string, where?: { line: number; column: number }, late = false): void =>
    send(`{"type":"result","id":${m.id},"ok":false,"error":${q(error)}${where ? `,"where":{"line":${where.line},"column":${where.column}}` : ""}${late ? `,"async":true` : ""},${fx}}`);
  if (thrown !== NOTHING) return fail(describeThrown(thrown), locate(thrown, mod!.file));
  if (fault !== null) return fail(fault, undefined, true);
  let value: string;
  let after: string;
  try {
    if (out !== null && typeof out === "object" && !P.isProxy(out)) {
      const then = P.gopd(out, "then") ?? (out instanceof P.Promise ? { value: P.then } : undefined);
      if (then && typeof then.value === "function") throw new EncodeError("returned a Promise; the function must return its result directly");
    }
    value = encode(out);
  } catch (e) {
    return fail(describeThrown(e));
  }
  try {
    after = encode(m.args, MAX_ARG_ELEMENTS);
  } catch {
    after = ""; // grown past the cap (or made unreadable): changed
  }
  send(`{"type":"result","id":${m.id},"ok":true,"value":${value},"mutated":${after === before ? "false" : "true"},${fx}}`);
}

// ---- reading the grader's messages: JSON lines on stdin ---------------------------------------------
// Queue messages so a call never overlaps another (the grader sends one at a time anyway).
let chain: Promise<void> = P.Promise.resolve();
function dispatch(m: ParentMessage): void {
  if (m === null || typeof m !== "object") return;
  if (m.type === "hello") {
    if (token === "" && typeof m.token === "string") {
      token = m.token;
      send(`{"type":"ready"}`); // before any student code: the grader now knows this process started
    }
    return;
  }
  const job = m.type === "load" ? () => load(m) : m.type === "call" ? () => call(m) : null;
  if (job) chain = P.apply(P.then, chain, [job, job]) as Promise<void>;
}

// stdin is read as a stream (a blocking read in the thread pool would keep process.exit from
// returning until the next message). What arrives there is not secret: the token came first,
// before any student code, and student code that tampers with streams only deafens itself.
let pending = new P.Uint8Array(0);
function onData(chunk: Uint8Array): void {
  const data = new P.Uint8Array(pending.length + chunk.length);
  P.apply(P.taSet, data, [pending, 0]);
  P.apply(P.taSet, data, [chunk, pending.length]);
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 10) continue;
    const line = P.apply(P.utf8Slice, data, [start, i]) as string;
    start = i + 1;
    let m: unknown;
    try {
      m = P.parse(line);
    } catch {
      continue;
    }
    dispatch(m as ParentMessage);
  }
  pending = new P.Uint8Array(data.length - start);
  P.apply(P.taSet, pending, [P.apply(P.taSubarray, data, [start]) as Uint8Array, 0]);
}
process.stdin.on("data", onData);
process.stdin.on("end", () => P.exit(0)); // the grader closed the pipe: it is gone or done
process.stdin.on("error", () => P.exit(0));

// The baseline is taken last: everything above is the grader's own doing.
recordBaseline();
baseResources = resourceCounts();
