/**
 * Messages between the grader and the student process, one JSON line each: the grader writes to
 * the child's stdin, the child writes to a plain pipe on its fd 3 (no Node IPC channel: its
 * parent-side parser throws inside the grader on a line that is not JSON). The child writes JSON
 * TEXT itself with references captured before any student code ran, so a patched `JSON`,
 * `Object.prototype.toJSON` or `Array.prototype` cannot change what the grader receives. The
 * grader parses each line with its own clean `JSON` and validates every field (see
 * `parseChildMessage` and `decodeOutput`) before using it.
 */
import type { DriverName } from "./drivers";

/**
 * Grader → child. `hello` comes first, before any student code loads, and carries a random token
 * that every reply must repeat: a message the student's code sends itself cannot pass for one.
 * `key` names a loaded module (one per student file); `wanted` lists the exports the grader will
 * call, which the child reports first whatever else the file exports. A call may name a `driver`:
 * trusted code in the child that receives the export and the arguments (sandbox/drivers).
 */
export type ParentMessage =
  | { type: "hello"; token: string }
  | { type: "load"; key: string; js: string; filename: string; wanted: string[] }
  | { type: "call"; id: number; key: string; exportName: string; args: unknown[]; driver?: DriverName };

/** The grader's request to load a file. */
export type LoadMessage = Extract<ParentMessage, { type: "load" }>;
/** The grader's request to call an export. */
export type CallMessage = Extract<ParentMessage, { type: "call" }>;

/** A place in the compiled JavaScript (1-based), mapped back to the student's source by the grader. */
export interface JsLocation {
  line: number;
  column: number;
}

/** What the child reports about side effects of a load or a call. */
export interface SideEffects {
  /** built-ins or globals changed, e.g. ["Math.exp", "Object.prototype.polluted"] */
  tampered: string[];
  /** bytes written to stdout/stderr (all discarded) */
  printed: number;
  /** timers, sockets or other handles still open afterwards: the process must be replaced */
  dirty: boolean;
}

/**
 * Child → grader, after parsing and validation. `ready` answers the grader's hello before any
 * student code is loaded, so a process that dies without it never ran student code: its death is
 * the grader's failure (a Node that refuses the flags, a missing child script), not the student's.
 * `running` comes just before a load's or call's student code runs, with the process's resident
 * memory then: what the student's code adds is measured from it. `late` marks a failure raised
 * outside the code's own stack (a timer or promise callback): it may come from work an EARLIER
 * call left behind.
 */
export type ChildMessage =
  | { type: "ready" }
  | { type: "running"; rssMb: number }
  | ({ type: "loaded"; key: string; ok: true; exports: string[]; hasDefault: boolean } & SideEffects)
  | ({ type: "loaded"; key: string; ok: false; error: string; where?: JsLocation; late: boolean } & SideEffects)
  | ({ type: "result"; id: number; ok: true; value: unknown; mutated: boolean } & SideEffects)
  | ({ type: "result"; id: number; ok: false; error: string; where?: JsLocation; late: boolean } & SideEffects);

/** Most numbers (and other values) one answer may hold: far above any exercise's real answer. */
export const MAX_ELEMENTS = 200_000;
/** Deepest nesting one answer may have (the MLP's { dW: [W¹, …] } needs 4). */
export const MAX_DEPTH = 8;
/** Longest string one answer may hold. */
export const MAX_STRING = 10_000;
/** Longest message text the grader accepts from the child (a full-size answer fits easily). */
export const MAX_MESSAGE_CHARS = 8_000_000;

/** A property of parsed JSON (an object), read without asserting what the object holds. */
const field = (o: object, k: string): unknown => Reflect.get(o, k);
const str = (x: unknown, max = 2000): string | null => (typeof x === "string" ? x.slice(0, max) : null);
const int = (x: unknown): number | null => (typeof x === "number" && Number.isInteger(x) && x >= 0 ? x : null);

/** The strings of a list, each cut to `chars`, at most `count` of them; [] for anything but a list. */
const strings = (x: unknown, count: number, chars: number): string[] =>
  Array.isArray(x) ? x.filter((s): s is string => typeof s === "string").slice(0, count).map((s) => s.slice(0, chars)) : [];

function sideEffects(o: object): SideEffects {
  return { tampered: strings(field(o, "tampered"), 20, 200), printed: int(field(o, "printed")) ?? 0, dirty: field(o, "dirty") === true };
}

function where(x: unknown): JsLocation | undefined {
  if (x === null || typeof x !== "object") return undefined;
  const line = int(field(x, "line"));
  const column = int(field(x, "column"));
  return line !== null && column !== null ? { line, column } : undefined;
}

/**
 * Parse one message from the child. Anything malformed, or without the process's token, yields
 * null (the grader treats it as an unexpected reply and replaces the process). The `value` of a
 * result is left encoded; `decodeOutput` checks it.
 */
export function parseChildMessage(raw: unknown, token: string): ChildMessage | null {
  if (typeof raw !== "string" || raw.length > MAX_MESSAGE_CHARS) return null;
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    return null;
  }
  if (m === null || typeof m !== "object" || Array.isArray(m)) return null;
  if (field(m, "token") !== token) return null;
  // sent on the grader's first message, before any student code: the process started and listens
  if (field(m, "type") === "ready") return { type: "ready" };
  // sent just before student code runs: the memory the process holds then (MB)
  if (field(m, "type") === "running") {
    const mb = field(m, "rssMb");
    return typeof mb === "number" && Number.isFinite(mb) && mb >= 0 ? { type: "running", rssMb: mb } : null;
  }
  const fx = sideEffects(m);
  if (field(m, "type") === "loaded") {
    const key = str(field(m, "key"), 500);
    if (key === null) return null;
    if (field(m, "ok") === true) {
      const exports = strings(field(m, "exports"), 400, 100);
      return { type: "loaded", key, ok: true, exports, hasDefault: field(m, "hasDefault") === true, ...fx };
    }
    const w = where(field(m, "where"));
    return { type: "loaded", key, ok: false, error: str(field(m, "error")) ?? "the file failed to load", ...(w ? { where: w } : {}), late: field(m, "async") === true, ...fx };
  }
  if (field(m, "type") === "result") {
    const id = int(field(m, "id"));
    if (id === null) return null;
    if (field(m, "ok") === true) return { type: "result", id, ok: true, value: field(m, "value"), mutated: field(m, "mutated") === true, ...fx };
    const w = where(field(m, "where"));
    return { type: "result", id, ok: false, error: str(field(m, "error")) ?? "failed", ...(w ? { where: w } : {}), late: field(m, "async") === true, ...fx };
  }
  return null;
}

/**
 * Turn the child's encoded value back into plain data, checking types and sizes. Non-finite
 * numbers and undefined travel as tagged objects because JSON cannot carry them. Throws a
 * student-facing message when the data is malformed or too big.
 */
export function decodeOutput(v: unknown): unknown {
  let budget = MAX_ELEMENTS;
  const walk = (x: unknown, depth: number): unknown => {
    if (--budget < 0) throw new Error(`returned more than ${MAX_ELEMENTS} values (a huge result)`);
    if (depth > MAX_DEPTH) throw new Error(`returned data nested deeper than ${MAX_DEPTH} levels`);
    if (x === null || typeof x === "boolean") return x;
    if (typeof x === "number") return x;
    if (typeof x === "string") {
      if (x.length > MAX_STRING) throw new Error("returned a string that is too long");
      return x;
    }
    if (Array.isArray(x)) {
      if (x.length > budget) throw new Error(`returned more than ${MAX_ELEMENTS} values (a huge result)`);
      const out: unknown[] = new Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = walk(x[i], depth + 1);
      return out;
    }
    if (typeof x === "object") {
      const keys = Object.keys(x);
      if (keys.length === 1 && keys[0] === "$special") {
        const s = field(x, "$special");
        if (s === "NaN") return NaN;
        if (s === "Infinity") return Infinity;
        if (s === "-Infinity") return -Infinity;
        if (s === "undefined") return undefined;
        throw new Error("returned malformed data");
      }
      if (keys.length > budget) throw new Error("returned an object with too many keys");
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        if (k === "__proto__" || k === "constructor" || k === "prototype") continue;
        out[k] = walk(field(x, k), depth + 1);
      }
      return out;
    }
    throw new Error("returned malformed data");
  };
  return walk(v, 0);
}
