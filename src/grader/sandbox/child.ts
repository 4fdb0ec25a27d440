/**
 * The student process. Started by the grader under Node's permission model with a heap limit; it
 * loads the student's compiled files (one module each), calls an export on the arguments it is
 * sent, and answers with plain data. It computes no verdicts: the grader does that.
 *
 * Everything this file relies on after student code has loaded is captured first (`P`), and the
 * answer is written as JSON text by hand, so patched built-ins cannot change what is reported.
 * After every load and call it looks for side effects: built-ins changed (`tampered`), timers or
 * handles left behind (`dirty`: the grader then replaces the process), bytes printed.
 */
import { MAX_DEPTH, MAX_ELEMENTS, MAX_STRING, type ParentMessage } from "./protocol";

const fs = require("node:fs") as typeof import("node:fs");
const util = require("node:util") as typeof import("node:util");
const vm = require("node:vm") as typeof import("node:vm");
const timers = { setImmediate, setTimeout };

const P = {
  define: Reflect.defineProperty,
  Error: Error,
  isArray: Array.isArray,
  isView: ArrayBuffer.isView,
  ownKeys: Reflect.ownKeys,
  keys: Object.keys,
  gopd: Object.getOwnPropertyDescriptor,
  getPrototypeOf: Object.getPrototypeOf,
  is: Object.is,
  stringify: JSON.stringify,
  String: String,
  isProxy: util.types.isProxy,
  apply: Reflect.apply,
  compileFunction: vm.compileFunction,
  /** V8's own `stack` getter (from Node 22 an error's `stack` is an accessor, not data; undefined on 20) */
  stackGetter: Object.getOwnPropertyDescriptor(new Error(), "stack")?.get,
  /** replies are written to fd 3 with this, whose internals student code cannot reach */
  writeSync: fs.writeSync,
  utf8Slice: (Buffer.prototype as unknown as { utf8Slice: (start: number, end: number) => string }).utf8Slice,
  taSet: Object.getPrototypeOf(Uint8Array.prototype).set as (this: Uint8Array, src: ArrayLike<number>, offset?: number) => void,
  Uint8Array: Uint8Array,
  taSubarray: Object.getPrototypeOf(Uint8Array.prototype).subarray as (this: Uint8Array, begin?: number, end?: number) => Uint8Array,
  parse: JSON.parse,
  on: process.on.bind(process),
  exit: process.exit.bind(process),
  activeResources: process.getActiveResourcesInfo.bind(process),
  setImmediate: timers.setImmediate,
  setTimeout: timers.setTimeout,
  Promise: Promise,
  then: Promise.prototype.then,
  nodeRequire: require,
  regexExec: RegExp.prototype.exec,
  typedLength: Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float64Array.prototype), "length")!.get!,
  now: Date.now,
  slice: String.prototype.slice,
  indexOf: String.prototype.indexOf,
  includes: String.prototype.includes,
  startsWith: String.prototype.startsWith,
  charCodeAt: String.prototype.charCodeAt,
};
/** String and array helpers that keep working when the student patches the prototypes. */
const cut = (s: string, a: number, b?: number): string => P.apply(P.slice, s, b === undefined ? [a] : [a, b]) as string;
const has = (s: string, part: string): boolean => P.apply(P.includes, s, [part]) as boolean;
const find = (s: string, part: string, from = 0): number => P.apply(P.indexOf, s, [part, from]) as number;
const starts = (s: string, part: string): boolean => P.apply(P.startsWith, s, [part]) as boolean;
const codeAt = (s: string, i: number): number => P.apply(P.charCodeAt, s, [i]) as number;
/**
 * Append to one of the child's own arrays. `a[i] = v` would run a getter or setter the student put
 * on an index of `Array.prototype` or `Object.prototype` (and could corrupt the child's records),
 * so once such a key exists every append defines the element instead; until then the plain
 * assignment is kept, as it is forty times cheaper and runs for every property of every watched
 * object after every call.
 */
function push<T>(a: T[], v: T): void {
  if (indexTrapped) P.define(a, a.length, { value: v, writable: true, enumerable: true, configurable: true });
  else a[a.length] = v;
}
let indexTrapped = false;
/** Does `o` have an own array-index key ("0", "17", …)? */
function hasIndexKey(o: object): boolean {
  const keys = P.ownKeys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== "string" || k.length === 0) continue;
    let digits = true;
    for (let j = 0; j < k.length && digits; j++) digits = codeAt(k, j) >= 48 && codeAt(k, j) <= 57;
    if (digits) return true;
  }
  return false;
}
/** Called before the child fills its own arrays after student code has run. */
function checkIndexTraps(): void {
  indexTrapped = indexTrapped || hasIndexKey(Array.prototype) || hasIndexKey(Object.prototype);
}


/**
 * Signals are not covered by the permission model: without this, `process.kill(process.ppid,
 * "SIGUSR1")` opens the grader's inspector on 127.0.0.1:9229 (code execution in the grader, since
 * the network is open), `SIGKILL` ends the grader, and any other process of the same user can be
 * signalled, reniced or debugged. `process.kill` goes through `process._kill`; both that and
 * `process._debugProcess` and `os.setPriority` are replaced, before any student code, by versions
 * that act on this process only.
 */
function lockSignals(): void {
  const own = process.pid;
  const proc = process as unknown as { _kill: (pid: number, sig: number) => number; _debugProcess: (pid: number) => void };
  const rawKill = proc._kill;
  const denied = (permission: string, what: string): object => {
    const e = new P.Error(what);
    P.define(e, "code", { value: "ERR_ACCESS_DENIED" });
    P.define(e, "permission", { value: permission });
    return e;
  };
  const lock = (o: object, k: string, f: unknown): void => {
    P.define(o, k, { value: f, writable: false, enumerable: false, configurable: false });
  };
  lock(process, "_kill", function kill(pid: number, sig: number): number {
    if (pid !== own) throw denied("Signal", `signal ${sig} to process ${pid} refused`);
    return P.apply(rawKill, process, [pid, sig]) as number;
  });
  lock(process, "_debugProcess", function debugProcess(pid: number): void {
    throw denied("Signal", `debugging process ${pid} refused`);
  });
  const os = require("node:os") as typeof import("node:os");
  const rawPriority = os.setPriority;
  lock(os, "setPriority", function setPriority(a: number, b?: number): void {
    const pid = b === undefined ? 0 : a;
    if (pid !== 0 && pid !== own) throw denied("Priority", `changing the priority of process ${pid} refused`);
    P.apply(rawPriority, os, b === undefined ? [a] : [a, b]);
  });
  // A heap snapshot holds every string of this process, the reply token included, and V8 flags
  // change how the engine itself behaves: neither is for graded code.
  const v8 = require("node:v8") as unknown as Record<string, unknown>;
  for (const name of ["getHeapSnapshot", "writeHeapSnapshot", "setHeapSnapshotNearHeapLimit", "setFlagsFromString"]) {
    if (typeof v8[name] === "function") lock(v8, name, () => {
      throw denied("", `v8.${name} is not available to graded code`);
    });
  }
}
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

// ---- describing what was thrown, without running student getters --------------------------------
class EncodeError {
  constructor(readonly message: string) {}
}

function dataProp(o: unknown, k: PropertyKey): unknown {
  if (o === null || (typeof o !== "object" && typeof o !== "function")) return undefined;
  try {
    const d = P.gopd(o as object, k);
    return d && "value" in d ? d.value : undefined;
  } catch {
    return undefined;
  }
}

/** The constructor name of an error, read from its prototype chain's data properties only. */
function errorName(e: object): string {
  let p: unknown = e;
  for (let i = 0; i < 5 && p !== null; i++) {
    const n = dataProp(p, "name");
    if (typeof n === "string") return cut(n, 0, 60);
    try {
      p = P.getPrototypeOf(p);
    } catch {
      break;
    }
  }
  return "Error";
}

function describeThrown(e: unknown): string {
  try {
    if (typeof e === "function") return "threw a function, not an Error";
    if (e !== null && typeof e === "object") {
      if (P.isProxy(e)) return "threw a Proxy object, not an Error";
      if (P.getPrototypeOf(e) === EncodeError.prototype) return (e as EncodeError).message;
      const code = dataProp(e, "code");
      const message = dataProp(e, "message");
      if (code === "ERR_ACCESS_DENIED") {
        // a refused socket reports its permission on the system error it wraps (`errno`)
        const perm = dataProp(e, "permission") ?? dataProp(dataProp(e, "errno"), "permission");
        const res = dataProp(e, "resource");
        if (perm === "FileSystemWrite") return "tried to write a file; submissions may not write files";
        if (perm === "ChildProcess") return "tried to start a process; submissions may not start processes";
        if (perm === "WorkerThreads") return "tried to start a worker thread; submissions may not start workers";
        if (perm === "Signal") return "tried to signal or debug another process; submissions may only stop themselves";
        if (perm === "Priority") return "tried to change another process's priority; submissions may not";
        if (perm === "Net") return "tried to use the network; submissions may not open sockets";
        if (perm === "FileSystemRead" || perm === undefined)
          return `tried to read a file outside the submission${typeof res === "string" ? ` (${cut(res, 0, 200)})` : ""}`;
        if (typeof perm === "string" && perm !== "") return `tried to use a capability submissions do not have (${cut(perm, 0, 60)})`;
        if (typeof res === "string" && res !== "") return `tried to use ${cut(res, 0, 60)}, which submissions may not use`;
        return `tried to use a Node API that submissions may not use (${typeof message === "string" ? cut(message, 0, 120) : "access denied"})`;
      }
      if (code === "ERR_DLOPEN_DISABLED") return "tried to load a native add-on; submissions may not";
      if (typeof message === "string") {
        if (has(message, "Maximum call stack size exceeded")) return "recursed too deeply: the call stack overflowed";
        if (has(message, "Array buffer allocation failed") || has(message, "Invalid typed array length") || has(message, "Invalid array length"))
          return `ran out of memory (${cut(message, 0, 80)})`;
        return `threw ${errorName(e)}: ${cut(message, 0, 300)}`;
      }
      return "threw a non-Error object (throw an Error with a message)";
    }
    if (typeof e === "string") return `threw a string, not an Error: ${cut(e, 0, 200)}`;
    return `threw a non-Error value: ${cut(P.String(e), 0, 100)}`;
  } catch {
    return "threw something that could not be described";
  }
}

/** An error's stack: a data property (Node 20) or V8's own getter (Node 22+); never a getter student code put there. */
function stackOf(e: object): unknown {
  try {
    const d = P.gopd(e, "stack");
    if (d === undefined) return undefined;
    if ("value" in d) return d.value;
    return d.get !== undefined && d.get === P.stackGetter ? P.apply(d.get, e, []) : undefined;
  } catch {
    return undefined;
  }
}

/** Where in the compiled student file an error was raised: the first stack frame in `file`. */
function locate(e: unknown, file: string): { line: number; column: number } | undefined {
  if (e === null || typeof e !== "object" || P.isProxy(e)) return undefined;
  const stack = stackOf(e);
  if (typeof stack !== "string") return undefined;
  const marker = `${file}:`;
  let at = find(stack, marker);
  while (at >= 0) {
    let i = at + marker.length;
    let line = 0;
    let column = 0;
    let digits = 0;
    while (i < stack.length && codeAt(stack, i) >= 48 && codeAt(stack, i) <= 57) {
      line = line * 10 + (codeAt(stack, i) - 48);
      i++;
      digits++;
    }
    if (digits > 0 && stack[i] === ":") {
      i++;
      while (i < stack.length && codeAt(stack, i) >= 48 && codeAt(stack, i) <= 57) {
        column = column * 10 + (codeAt(stack, i) - 48);
        i++;
      }
      return { line, column };
    }
    at = find(stack, marker, at + 1);
  }
  return undefined;
}

// ---- writing JSON by hand ----------------------------------------------------------------------
const q = (s: string): string => P.stringify(s.length > MAX_STRING ? cut(s, 0, MAX_STRING) : s);
const num = (n: number): string =>
  n === n && n !== Infinity && n !== -Infinity ? `${n}` : `{"$special":"${n !== n ? "NaN" : n > 0 ? "Infinity" : "-Infinity"}"}`;

/**
 * Encode an answer as JSON text without invoking getters, `toJSON` or proxies; cap its size.
 * Typed arrays become arrays; objects contribute their own enumerable data properties.
 */
function encode(v: unknown): string {
  let budget = MAX_ELEMENTS;
  let text = "";
  const emit = (s: string): void => {
    text += s;
  };
  const where = (path: string): string => (path ? ` at ${path}` : "");
  const walk = (x: unknown, depth: number, path: string): void => {
    if (--budget < 0) throw new EncodeError(`returned more than ${MAX_ELEMENTS} values (a huge result)`);
    if (depth > MAX_DEPTH) throw new EncodeError(`returned data nested deeper than ${MAX_DEPTH} levels`);
    if (x === undefined) return emit(`{"$special":"undefined"}`);
    if (x === null) return emit("null");
    if (typeof x === "boolean") return emit(x ? "true" : "false");
    if (typeof x === "number") return emit(num(x));
    if (typeof x === "string") return emit(q(x));
    if (typeof x === "function") throw new EncodeError(`returned a function${where(path)} where data was expected`);
    if (typeof x !== "object") throw new EncodeError(`returned a ${typeof x}${where(path)} where data was expected`);
    if (P.isProxy(x)) {
      if (inertObjects.has(x as object)) throw new EncodeError("used the course library (backprop-lab) in the answer; graded code cannot use it: write the computation yourself");
      throw new EncodeError(`returned a Proxy${where(path)}; return plain data`);
    }
    if (P.isView(x)) {
      if (x instanceof DataView) throw new EncodeError(`returned a DataView${where(path)} where numbers were expected`);
      const len = P.apply(P.typedLength, x, []) as number;
      if (len > budget) throw new EncodeError(`returned more than ${MAX_ELEMENTS} values (a huge result)`);
      budget -= len;
      emit("[");
      for (let i = 0; i < len; i++) {
        const d = P.gopd(x, i);
        const e = d ? d.value : undefined;
        if (i > 0) emit(",");
        emit(typeof e === "number" ? num(e) : typeof e === "bigint" ? q(`${e}`) : "null");
      }
      return emit("]");
    }
    if (P.isArray(x)) {
      const lenD = P.gopd(x, "length");
      const len = lenD && typeof lenD.value === "number" ? lenD.value : 0;
      if (len > budget) throw new EncodeError(`returned an array of ${len} elements (a huge result)`);
      emit("[");
      for (let i = 0; i < len; i++) {
        const d = P.gopd(x, i);
        if (d && (d.get || d.set)) throw new EncodeError(`returned an array with a getter at ${path}[${i}]; return plain data`);
        if (i > 0) emit(",");
        walk(d ? d.value : undefined, depth + 1, `${path}[${i}]`);
      }
      return emit("]");
    }
    const keys = P.ownKeys(x as object);
    if (keys.length > budget) throw new EncodeError("returned an object with too many keys (a huge result)");
    emit("{");
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (typeof k !== "string") continue;
      const d = P.gopd(x, k);
      if (!d || !d.enumerable) continue;
      if (d.get || d.set) throw new EncodeError(`returned an object with a getter on \`${cut(k, 0, 60)}\`; return plain data`);
      if (k === "toJSON" || k === "__proto__") continue;
      if (typeof d.value === "function") continue; // methods of a class instance are not data
      if (!first) emit(",");
      first = false;
      emit(q(k));
      emit(":");
      walk(d.value, depth + 1, path ? `${path}.${k}` : k);
    }
    return emit("}");
  };
  walk(v, 0, "");
  return text;
}

// ---- built-ins the student must not change --------------------------------------------------------
const iteratorProto = P.getPrototypeOf(P.getPrototypeOf([][Symbol.iterator]()));
const WATCHED: [string, object][] = [
  ["globalThis", globalThis],
  ["Object", Object],
  ["Object.prototype", Object.prototype],
  ["Function.prototype", Function.prototype],
  ["Array", Array],
  ["Array.prototype", Array.prototype],
  ["ArrayIterator.prototype", P.getPrototypeOf([][Symbol.iterator]())],
  ["Iterator.prototype", iteratorProto],
  ["Number", Number],
  ["Number.prototype", Number.prototype],
  ["String", String],
  ["String.prototype", String.prototype],
  ["Boolean.prototype", Boolean.prototype],
  ["Symbol", Symbol],
  ["Math", Math],
  ["JSON", JSON],
  ["Reflect", Reflect],
  ["Promise", Promise],
  ["Promise.prototype", Promise.prototype],
  ["RegExp.prototype", RegExp.prototype],
  ["Error", Error],
  ["Error.prototype", Error.prototype],
  ["Map.prototype", Map.prototype],
  ["Set.prototype", Set.prototype],
  ["ArrayBuffer", ArrayBuffer],
  ["ArrayBuffer.prototype", ArrayBuffer.prototype],
  ["TypedArray", P.getPrototypeOf(Float64Array)],
  ["TypedArray.prototype", P.getPrototypeOf(Float64Array.prototype)],
  ["Float64Array", Float64Array],
  ["Float64Array.prototype", Float64Array.prototype],
  ["Float32Array.prototype", Float32Array.prototype],
  ["Int32Array.prototype", Int32Array.prototype],
  ["Uint8Array.prototype", Uint8Array.prototype],
  ["Date", Date],
  ["console", console],
  ["process", process],
  ["process.stdout", process.stdout],
  ["process.stderr", process.stderr],
];
/** The watched objects' own properties at a point in time, in `ownKeys` order. */
interface ObjectState {
  keys: (string | symbol)[];
  /** per key: [0, value, writable, enumerable] for data, [1, get, set] for accessors */
  parts: unknown[][];
}
type Snap = ObjectState[];

function stateOf(name: string, obj: object): ObjectState {
  const all = P.ownKeys(obj);
  // Node's own bookkeeping on process and its streams (listener counts, buffers) is not a built-in
  const internals = starts(name, "process");
  const keys: (string | symbol)[] = [];
  const parts: unknown[][] = [];
  for (let i = 0; i < all.length; i++) {
    const k = all[i]!;
    if (internals && typeof k === "string" && starts(k, "_")) continue;
    const d = P.gopd(obj, k);
    if (!d) continue;
    push(keys, k);
    push(parts, "value" in d ? [0, d.value, d.writable, d.enumerable] : [1, d.get, d.set]);
  }
  return { keys, parts };
}

function takeSnapshot(): Snap {
  checkIndexTraps();
  const s: Snap = [];
  for (let w = 0; w < WATCHED.length; w++) push(s, stateOf(WATCHED[w]![0], WATCHED[w]![1]));
  return s;
}
let baseline: Snap = [];

const keyName = (k: string | symbol): string => (typeof k === "symbol" ? P.String(k) : k);
const sameParts = (a: unknown[], b: unknown[]): boolean => a[0] === b[0] && P.is(a[1], b[1]) && P.is(a[2], b[2]) && P.is(a[3], b[3]);
const indexIn = (keys: (string | symbol)[], k: string | symbol): number => {
  for (let i = 0; i < keys.length; i++) if (keys[i] === k) return i;
  return -1;
};

/**
 * What changed since the baseline. Lazy globals turning from accessor into data are not changes,
 * and neither are new globals (the student's own); anything else on a built-in is. The common
 * case (nothing changed, keys in the same order) costs one descriptor read per property.
 */
function tamperedSince(): string[] {
  checkIndexTraps();
  const out: string[] = [];
  for (let w = 0; w < WATCHED.length && out.length < 8; w++) {
    const [name, obj] = WATCHED[w]!;
    const before = baseline[w]!;
    const now = stateOf(name, obj);
    const isGlobal = name === "globalThis";
    let aligned = now.keys.length === before.keys.length;
    for (let i = 0; aligned && i < now.keys.length; i++) aligned = now.keys[i] === before.keys[i];
    if (aligned) {
      for (let i = 0; i < now.keys.length; i++) {
        const a = before.parts[i]!;
        const b = now.parts[i]!;
        if (sameParts(a, b)) continue;
        if (isGlobal && a[0] === 1 && b[0] === 0) continue;
        push(out, `${name}.${keyName(now.keys[i]!)}`);
      }
      continue;
    }
    // keys added, deleted or reordered: compare by name
    for (let i = 0; i < now.keys.length; i++) {
      const j = indexIn(before.keys, now.keys[i]!);
      if (j < 0) {
        if (!isGlobal) push(out, `${name}.${keyName(now.keys[i]!)} (added)`);
        continue;
      }
      const a = before.parts[j]!;
      const b = now.parts[i]!;
      if (sameParts(a, b) || (isGlobal && a[0] === 1 && b[0] === 0)) continue;
      push(out, `${name}.${keyName(now.keys[i]!)}`);
    }
    for (let j = 0; j < before.keys.length; j++) if (indexIn(now.keys, before.keys[j]!) < 0) push(out, `${name}.${keyName(before.keys[j]!)} (deleted)`);
  }
  return out;
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
const inertObjects = new WeakSet<object>();
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
    throw new Error(`require("${cut(id, 0, 100)}"): graded files must be self-contained; they cannot import other files`);
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
  baseline = takeSnapshot();
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
  const before = encode(m.args);
  let out: unknown = NOTHING;
  let thrown: unknown = NOTHING;
  try {
    out = P.apply(fn as (...a: unknown[]) => unknown, undefined, m.args);
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
    after = encode(m.args);
  } catch (e) {
    return fail(describeThrown(e));
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
baseline = takeSnapshot();
baseResources = resourceCounts();
