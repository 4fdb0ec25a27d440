/**
 * The student process's own copies of the built-ins it relies on (`P`) and string and array helpers
 * over them, taken when the child starts, before any student code loads: student code can patch
 * the prototypes, but not these references. Importing this module is what captures them, so the
 * child's entry imports it first.
 */
export const fs: typeof import("node:fs") = require("node:fs");
export const util: typeof import("node:util") = require("node:util");
export const vm: typeof import("node:vm") = require("node:vm");
export const timers = Object.freeze({ setImmediate, setTimeout });

/** A getter the platform defines; its absence is a Node this child cannot run on. */
function getterOf(o: object, k: string): () => unknown {
  const get = Object.getOwnPropertyDescriptor(o, k)?.get;
  if (get === undefined) throw new Error(`the student process needs the built-in getter ${k}`);
  return get;
}

/**
 * Written out, not inferred: TypeScript 5.9 would print the inferred type as the generic
 * `Uint8Array<ArrayBufferLike>`, which tslab's TypeScript 5.0 cannot read in the emitted .d.ts.
 */
const taSubarray: (this: Uint8Array, begin?: number, end?: number) => Uint8Array = Uint8Array.prototype.subarray;

/** Frozen: student code can reach this module's exports (the child freezes those too). */
export const P = Object.freeze({
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
  // Node's own method, not in its type declarations: the cast names its signature
  utf8Slice: (Buffer.prototype as unknown as { utf8Slice: (start: number, end: number) => string }).utf8Slice,
  /** %TypedArray%.prototype.set and .subarray, read through Uint8Array.prototype (which has no own ones) */
  taSet: Uint8Array.prototype.set,
  Uint8Array: Uint8Array,
  taSubarray,
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
  typedLength: getterOf(Object.getPrototypeOf(Float64Array.prototype), "length"),
  now: Date.now,
  /** the process's resident memory in bytes (read from the OS, not from V8's heap) */
  rss: process.memoryUsage.rss,
  slice: String.prototype.slice,
  indexOf: String.prototype.indexOf,
  includes: String.prototype.includes,
  startsWith: String.prototype.startsWith,
  charCodeAt: String.prototype.charCodeAt,
});
/** String and array helpers that keep working when the student patches the prototypes. */
export const cut = (s: string, a: number, b?: number): string => P.apply(P.slice, s, b === undefined ? [a] : [a, b]);
export const has = (s: string, part: string): boolean => P.apply(P.includes, s, [part]);
export const find = (s: string, part: string, from = 0): number => P.apply(P.indexOf, s, [part, from]);
export const starts = (s: string, part: string): boolean => P.apply(P.startsWith, s, [part]);
export const codeAt = (s: string, i: number): number => P.apply(P.charCodeAt, s, [i]);
/**
 * Append to one of the child's own arrays. `a[i] = v` would run a getter or setter the student put
 * on an index of `Array.prototype` or `Object.prototype` (and could corrupt the child's records),
 * so once such a key exists every append defines the element instead; until then the plain
 * assignment is kept, as it is forty times cheaper and runs for every property of every watched
 * object after every call.
 */
export function push<T>(a: T[], v: T): void {
  if (indexTrapped) P.define(a, a.length, { value: v, writable: true, enumerable: true, configurable: true });
  else a[a.length] = v;
}
let indexTrapped = false;
/** Does `o` have an own array-index key ("0", "17", …)? */
export function hasIndexKey(o: object): boolean {
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
export function checkIndexTraps(): void {
  indexTrapped = indexTrapped || hasIndexKey(Array.prototype) || hasIndexKey(Object.prototype);
}
/** `typeof x === "function"`, typed so that the result can be called. */
export const isCallable = (x: unknown): x is (...a: unknown[]) => unknown => typeof x === "function";
