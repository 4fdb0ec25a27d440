/**
 * Which built-ins student code changed: the child snapshots the properties of the objects it and
 * the grader rely on (prototypes, globals, `process`), and after every load and call reports
 * what differs from the last baseline. Reads go through the captured built-ins only.
 */
import { P, checkIndexTraps, push, starts } from "./child-builtins";

// Loops here index the child's own dense arrays (`for…of` would go through an array iterator
// student code can replace), so an element read at an index below the length is there: the `!`
// after such a read says so to the type checker (noUncheckedIndexedAccess).

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
export interface ObjectState {
  keys: (string | symbol)[];
  /** per key: [0, value, writable, enumerable] for data, [1, get, set] for accessors */
  parts: unknown[][];
}
/** The watched objects' states, in WATCHED order. */
export type Snap = ObjectState[];

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

export function takeSnapshot(): Snap {
  checkIndexTraps();
  const s: Snap = [];
  for (let w = 0; w < WATCHED.length; w++) push(s, stateOf(WATCHED[w]![0], WATCHED[w]![1]));
  return s;
}
const keyName = (k: string | symbol): string => (typeof k === "symbol" ? P.String(k) : k);
const sameParts = (a: unknown[], b: unknown[]): boolean => a[0] === b[0] && P.is(a[1], b[1]) && P.is(a[2], b[2]) && P.is(a[3], b[3]);
const indexIn = (keys: (string | symbol)[], k: string | symbol): number => {
  for (let i = 0; i < keys.length; i++) if (keys[i] === k) return i;
  return -1;
};

/**
 * What changed since `baseline`. Lazy globals turning from accessor into data are not changes,
 * and neither are new globals (the student's own); anything else on a built-in is. The common
 * case (nothing changed, keys in the same order) costs one descriptor read per property.
 */
export function changedSince(baseline: Snap): string[] {
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

/** The built-ins' state to compare with, kept by whoever holds the watch (not by this module). */
export interface BuiltinWatch {
  /** Takes the state later reports compare with: the child's own at start-up, then each loaded file's. */
  recordBaseline(): void;
  /** What changed since the last baseline, as "Object.name" (and "(added)", "(deleted)"), at most 8. */
  tamperedSince(): string[];
}

/** A watch whose baseline is the state now. */
export function watchBuiltins(): BuiltinWatch {
  let baseline = takeSnapshot();
  return {
    recordBaseline: () => {
      baseline = takeSnapshot();
    },
    tamperedSince: () => changedSince(baseline),
  };
}
