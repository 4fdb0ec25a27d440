/**
 * The student process. Started by the grader under Node's permission model with a heap limit;
 * it loads one compiled student module, calls its export on the arguments it is sent, and sends
 * back the result as plain data. It computes no verdicts: the grader does that.
 *
 * Pristine references to everything it uses are taken before student code loads, so patched
 * built-ins cannot change how results are encoded.
 */
import type { ChildMessage, ParentMessage } from "./protocol";

const P = {
  isArray: Array.isArray,
  isView: ArrayBuffer.isView,
  keys: Object.keys,
  getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
  getPrototypeOf: Object.getPrototypeOf,
  objectProto: Object.prototype,
  arrayProto: Array.prototype,
  isFinite: Number.isFinite,
  is: Object.is,
  stringify: JSON.stringify,
  parse: JSON.parse,
  String: String,
  FunctionCtor: Function,
  send: process.send!.bind(process),
  on: process.on.bind(process),
  isProxy: (require("node:util") as typeof import("node:util")).types.isProxy,
  ErrorCtor: Error,
  apply: Reflect.apply,
  push: Array.prototype.push,
  join: Array.prototype.join,
};

const MAX_ELEMENTS = 200_000;
const MAX_DEPTH = 8;

class EncodeError {
  constructor(readonly message: string) {}
}

/** Read data without invoking getters, toJSON or proxies; cap its size. */
function encode(v: unknown): unknown {
  let budget = MAX_ELEMENTS;
  const walk = (x: unknown, depth: number, path: string): unknown => {
    if (--budget < 0) throw new EncodeError(`returned more than ${MAX_ELEMENTS} values (a huge result)`);
    if (depth > MAX_DEPTH) throw new EncodeError(`returned data nested deeper than ${MAX_DEPTH} levels`);
    if (x === undefined) return { $special: "undefined" };
    if (x === null || typeof x === "boolean") return x;
    if (typeof x === "number") {
      if (P.isFinite(x)) return P.is(x, -0) ? 0 : x;
      return { $special: x !== x ? "NaN" : x > 0 ? "Infinity" : "-Infinity" };
    }
    if (typeof x === "string") return x.length > 10_000 ? x.slice(0, 10_000) : x;
    if (typeof x === "function") throw new EncodeError(`returned a function${path ? ` at ${path}` : ""} where data was expected`);
    if (typeof x !== "object") throw new EncodeError(`returned a ${typeof x}${path ? ` at ${path}` : ""} where data was expected`);
    if (P.isProxy(x)) throw new EncodeError(`returned a Proxy${path ? ` at ${path}` : ""}; return plain data`);
    if (P.isView(x)) {
      const desc = P.getOwnPropertyDescriptor(P.getPrototypeOf(P.getPrototypeOf(x)), "length");
      const len = desc && desc.get ? (P.apply(desc.get, x, []) as number) : 0;
      if (len > budget) throw new EncodeError(`returned more than ${MAX_ELEMENTS} values (a huge result)`);
      budget -= len;
      const out: unknown[] = [];
      const ta = x as unknown as ArrayLike<number>;
      for (let i = 0; i < len; i++) {
        const d = P.getOwnPropertyDescriptor(ta, i);
        const n = d ? d.value : undefined;
        out[i] = typeof n === "number" && !P.isFinite(n) ? { $special: n !== n ? "NaN" : n > 0 ? "Infinity" : "-Infinity" } : n;
      }
      return out;
    }
    const isArr = P.isArray(x);
    const lenDesc = isArr ? P.getOwnPropertyDescriptor(x, "length") : undefined;
    const keys = isArr ? null : P.keys(x as object);
    if (isArr) {
      const len = (lenDesc?.value as number) ?? 0;
      if (len > budget) throw new EncodeError(`returned an array of ${len} elements (a huge result)`);
      const out: unknown[] = [];
      for (let i = 0; i < len; i++) {
        const d = P.getOwnPropertyDescriptor(x, i);
        if (d && (d.get || d.set)) throw new EncodeError(`returned an array with a getter at ${path}[${i}]`);
        out[i] = walk(d ? d.value : undefined, depth + 1, `${path}[${i}]`);
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    if (keys!.length > budget) throw new EncodeError("returned an object with too many keys");
    for (let i = 0; i < keys!.length; i++) {
      const k = keys![i]!;
      const d = P.getOwnPropertyDescriptor(x, k);
      if (!d) continue;
      if (d.get || d.set) throw new EncodeError(`returned an object with a getter on \`${k}\`; return plain data`);
      if (k === "toJSON") continue;
      if (k === "__proto__") continue;
      out[k] = walk(d.value, depth + 1, path ? `${path}.${k}` : k);
    }
    // Matrix-like class instances keep data on own fields; typed-array `data` is handled above.
    return out;
  };
  return walk(v, 0, "");
}

function describeThrown(e: unknown): string {
  if (e instanceof EncodeError) return e.message;
  try {
    if (e !== null && typeof e === "object") {
      const d = P.getOwnPropertyDescriptor(e, "message");
      const code = P.getOwnPropertyDescriptor(e, "code");
      if (code && code.value === "ERR_ACCESS_DENIED") {
        const res = P.getOwnPropertyDescriptor(e, "resource");
        const perm = P.getOwnPropertyDescriptor(e, "permission");
        const what = perm && typeof perm.value === "string" ? perm.value : "";
        if (what === "FileSystemWrite") return "tried to write a file; submissions may not write files";
        if (what === "ChildProcess") return "tried to start a process; submissions may not start processes";
        if (what === "WorkerThreads") return "tried to start a worker; submissions may not start workers";
        return `tried to read a file outside the submission${res && typeof res.value === "string" ? ` (${res.value.slice(0, 200)})` : ""}`;
      }
      if (d && typeof d.value === "string") {
        const nameD = P.getOwnPropertyDescriptor(P.getPrototypeOf(e) ?? {}, "name") ?? P.getOwnPropertyDescriptor(e, "name");
        const name = nameD && typeof nameD.value === "string" ? nameD.value : "Error";
        if (/Maximum call stack size exceeded/.test(d.value)) return "recursed too deeply: the call stack overflowed";
        return `threw ${name}: ${d.value.slice(0, 300)}`;
      }
      return "threw a non-Error object";
    }
    return `threw a non-Error value: ${P.String(e).slice(0, 100)}`;
  } catch {
    return "threw something that could not be described";
  }
}

function send(m: ChildMessage): void {
  try {
    P.send(m);
  } catch {
    process.exitCode = 3;
  }
}

let fn: ((...a: unknown[]) => unknown) | null = null;

function load(js: string, filename: string, exportName: string): void {
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  try {
    const factory = new P.FunctionCtor("exports", "require", "module", "__filename", "__dirname", js) as (
      ...a: unknown[]
    ) => void;
    const dir = filename.replace(/[\\/][^\\/]*$/, "");
    factory(mod.exports, require, mod, filename, dir);
  } catch (e) {
    send({ type: "loaded", ok: false, error: `loading the file ${describeThrown(e).replace(/^threw/, "threw")}` });
    return;
  }
  const ex = mod.exports;
  const d = ex && typeof ex === "object" ? P.getOwnPropertyDescriptor(ex, exportName) : undefined;
  const f = d ? d.value : undefined;
  if (typeof f !== "function") {
    const hasDefault = ex && typeof ex === "object" && P.getOwnPropertyDescriptor(ex, "default");
    const names = ex && typeof ex === "object" ? P.keys(ex).filter((k) => k !== "__esModule") : [];
    send({
      type: "loaded",
      ok: false,
      error: hasDefault
        ? `\`${exportName}\` must be a named export (\`export function ${exportName}\`), not a default export`
        : `no export named \`${exportName}\`${names.length ? ` (found: ${names.slice(0, 8).join(", ")})` : ""}`,
    });
    return;
  }
  fn = f as (...a: unknown[]) => unknown;
  send({ type: "loaded", ok: true });
}

async function call(id: number, args: unknown[]): Promise<void> {
  if (!fn) return send({ type: "result", id, ok: false, error: "no function loaded" });
  const before = P.stringify(args);
  const mine = P.parse(before) as unknown[];
  let out: unknown;
  try {
    out = P.apply(fn, undefined, mine);
    if (out !== null && typeof out === "object" && !P.isProxy(out) && typeof (P.getOwnPropertyDescriptor(out, "then")?.value) === "function") {
      throw new EncodeError("returned a Promise; the function must return its result synchronously");
    }
  } catch (e) {
    return send({ type: "result", id, ok: false, error: describeThrown(e) });
  }
  let value: unknown;
  let after: unknown;
  try {
    value = encode(out);
    after = P.stringify(encode(mine));
  } catch (e) {
    return send({ type: "result", id, ok: false, error: describeThrown(e) });
  }
  send({ type: "result", id, ok: true, value, mutated: after === before ? null : "changed its input arguments" });
}

P.on("message", (m: ParentMessage) => {
  if (m.type === "load") load(m.js, m.filename, m.exportName);
  else if (m.type === "call") void call(m.id, m.args);
});
P.on("uncaughtException", (e: unknown) => {
  send({ type: "fault", error: `an uncaught error escaped (from a timer or callback): ${describeThrown(e).replace(/^threw /, "")}` });
  process.exit(70);
});
P.on("unhandledRejection", (e: unknown) => {
  send({ type: "fault", error: `an unhandled promise rejection escaped: ${describeThrown(e).replace(/^threw /, "")}` });
  process.exit(70);
});
