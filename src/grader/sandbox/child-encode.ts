/**
 * The student process's answers and errors as text, without running student code: values are
 * encoded as JSON by hand (no getters, `toJSON` or proxies are ever called), and a thrown value is
 * described from its own data properties only. Uses the captured built-ins, so patched prototypes
 * cannot change what is reported.
 */
import { MAX_DEPTH, MAX_ELEMENTS, MAX_STRING } from "./protocol";
import { P, codeAt, cut, find, has } from "./child-builtins";

/** The inert stand-ins for the course library (made by the child's loader): an answer holding one is refused by name. */
export const inertObjects = new WeakSet<object>();

// ---- describing what was thrown, without running student getters --------------------------------
export class EncodeError {
  constructor(readonly message: string) {}
}

export function dataProp(o: unknown, k: PropertyKey): unknown {
  if (o === null || (typeof o !== "object" && typeof o !== "function")) return undefined;
  try {
    const d = P.gopd(o, k);
    return d && "value" in d ? d.value : undefined;
  } catch {
    return undefined;
  }
}

/** The constructor name of an error, read from its prototype chain's data properties only. */
export function errorName(e: object): string {
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

export function describeThrown(e: unknown): string {
  try {
    if (typeof e === "function") return "threw a function, not an Error";
    if (e !== null && typeof e === "object") {
      if (P.isProxy(e)) return "threw a Proxy object, not an Error";
      if (P.getPrototypeOf(e) === EncodeError.prototype) {
        const own = dataProp(e, "message");
        return typeof own === "string" ? own : "threw a non-Error object (throw an Error with a message)";
      }
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
export function stackOf(e: object): unknown {
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
export function locate(e: unknown, file: string): { line: number; column: number } | undefined {
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
export const q = (s: string): string => P.stringify(s.length > MAX_STRING ? cut(s, 0, MAX_STRING) : s);
export const num = (n: number): string =>
  n === n && n !== Infinity && n !== -Infinity ? `${n}` : `{"$special":"${n !== n ? "NaN" : n > 0 ? "Infinity" : "-Infinity"}"}`;

/**
 * Encode an answer as JSON text without invoking getters, `toJSON` or proxies; cap its size.
 * Typed arrays become arrays; objects contribute their own enumerable data properties.
 */
export function encode(v: unknown, cap = MAX_ELEMENTS): string {
  let budget = cap;
  let text = "";
  const emit = (s: string): void => {
    text += s;
  };
  const where = (path: string): string => (path ? ` at ${path}` : "");
  const walk = (x: unknown, depth: number, path: string): void => {
    if (--budget < 0) throw new EncodeError(`returned more than ${cap} values (a huge result)`);
    if (depth > MAX_DEPTH) throw new EncodeError(`returned data nested deeper than ${MAX_DEPTH} levels`);
    if (x === undefined) return emit(`{"$special":"undefined"}`);
    if (x === null) return emit("null");
    if (typeof x === "boolean") return emit(x ? "true" : "false");
    if (typeof x === "number") return emit(num(x));
    if (typeof x === "string") return emit(q(x));
    if (typeof x === "function") throw new EncodeError(`returned a function${where(path)} where data was expected`);
    if (typeof x !== "object") throw new EncodeError(`returned a ${typeof x}${where(path)} where data was expected`);
    if (P.isProxy(x)) {
      if (inertObjects.has(x)) throw new EncodeError("used the course library (backprop-lab) in the answer; graded code cannot use it: write the computation yourself");
      throw new EncodeError(`returned a Proxy${where(path)}; return plain data`);
    }
    if (P.isView(x)) {
      if (x instanceof DataView) throw new EncodeError(`returned a DataView${where(path)} where numbers were expected`);
      const len = P.apply(P.typedLength, x, []) as number;
      if (len > budget) throw new EncodeError(`returned more than ${cap} values (a huge result)`);
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
    const keys = P.ownKeys(x);
    if (keys.length > budget) throw new EncodeError("returned an object with too many keys (a huge result)");
    emit("{");
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
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
