/**
 * Messages between the grader and the student process. Everything here is plain JSON; the
 * grader validates every field it receives before use (see `decodeOutput`).
 */

/** The parts of an exercise contract the runtime needs; the real `Exercise` satisfies it. */
export interface GradableCase {
  name: string;
  visible: boolean;
  args: unknown[];
}

/** A judge's verdict on one case. */
export interface GradableVerdict {
  score: number;
  feedback: string;
  relError?: number;
  diagnosis?: string;
}

/** Structural view of `Exercise` from contract.ts, so the runtime does not depend on a file it does not own. */
export interface GradableExercise {
  id: string;
  title: string;
  file: string;
  exportName: string;
  points: number;
  cases(seed: number): GradableCase[];
  judge(c: GradableCase, output: unknown): GradableVerdict;
}

/** Grader → child. */
export type ParentMessage =
  | { type: "load"; js: string; filename: string; exportName: string }
  | { type: "call"; id: number; args: unknown[] };

/** Child → grader. `value` is an encoded output (see encode in child.ts). */
export type ChildMessage =
  | { type: "loaded"; ok: true }
  | { type: "loaded"; ok: false; error: string }
  | { type: "result"; id: number; ok: true; value: unknown; mutated: string | null }
  | { type: "result"; id: number; ok: false; error: string }
  | { type: "fault"; error: string };

/** Caps on what a student can send back. */
export const MAX_ELEMENTS = 200_000;
export const MAX_DEPTH = 8;
export const MAX_STRING = 10_000;

/**
 * Turn the child's encoded value back into plain data, checking types and sizes. Non-finite
 * numbers and undefined travel as tagged objects because JSON cannot carry them. Throws a
 * student-facing message when the data is malformed or too big.
 */
export function decodeOutput(v: unknown): unknown {
  let budget = MAX_ELEMENTS;
  const walk = (x: unknown, depth: number): unknown => {
    if (--budget < 0) throw new Error(`returned more than ${MAX_ELEMENTS} values`);
    if (depth > MAX_DEPTH) throw new Error(`returned data nested deeper than ${MAX_DEPTH} levels`);
    if (x === null || typeof x === "boolean") return x;
    if (typeof x === "number") return x;
    if (typeof x === "string") {
      if (x.length > MAX_STRING) throw new Error("returned a string that is too long");
      return x;
    }
    if (Array.isArray(x)) {
      if (x.length > budget) throw new Error(`returned more than ${MAX_ELEMENTS} values`);
      const out: unknown[] = new Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = walk(x[i], depth + 1);
      return out;
    }
    if (typeof x === "object") {
      const o = x as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === "$special") {
        const s = o["$special"];
        if (s === "NaN") return NaN;
        if (s === "Infinity") return Infinity;
        if (s === "-Infinity") return -Infinity;
        if (s === "undefined") return undefined;
        if (s === "-0") return -0;
        throw new Error("returned malformed data");
      }
      const out: Record<string, unknown> = Object.create(null);
      for (const k of keys) {
        if (k === "__proto__") continue;
        out[k] = walk(o[k], depth + 1);
      }
      // Plain object prototype so judges can use ordinary property access.
      return Object.assign({}, out);
    }
    throw new Error("returned malformed data");
  };
  return walk(v, 0);
}
