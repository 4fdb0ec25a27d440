/**
 * Shared judging: validate what a student returned (type and shape, with messages a student can
 * act on), compare it with an oracle computed from central differences of a trusted forward, give
 * partial credit per returned component, and name the known mistake when the answer matches one.
 */
import { ERROR_BANDS, numericVjp, relativeError } from "../engine/gradcheck";
import { Rng } from "../engine/random";
import type { CaseVerdict, Exercise, GradeCase, Json } from "./contract";

/** [] scalar, [n] vector, [rows, cols] matrix (rows of a matrix; a batch is the columns). */
export type GradShape = readonly number[];

/** A tensor as the grader holds it: flat row-major float64 values with a shape. */
export interface GradTensor {
  shape: GradShape;
  values: Float64Array;
}

/** Describe a shape the way the course writes it: "scalar", "vector of 3", "2×3 matrix". */
export function describeShape(shape: GradShape): string {
  if (shape.length === 0) return "a number";
  if (shape.length === 1) return `a vector of length ${shape[0]}`;
  return `a ${shape[0]}×${shape[1]} matrix`;
}

const isArrayLike = (x: unknown): x is ArrayLike<unknown> =>
  Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

/** Guess the shape of what a student returned, for the error message. */
export function shapeOf(x: unknown): string {
  if (typeof x === "number") return "a number";
  if (isArrayLike(x)) {
    const first = x[0];
    if (x.length > 0 && isArrayLike(first)) return `a ${x.length}×${first.length} matrix`;
    return `a vector of length ${x.length}`;
  }
  if (x === undefined) return "undefined (did you forget to return?)";
  if (x === null) return "null";
  return typeof x === "object" ? "an object" : `a ${typeof x}`;
}

/**
 * Read `x` as a tensor of `shape`, or explain why it is not one. Typed arrays are accepted as well
 * as plain arrays (they arrive as plain arrays after JSON anyway). A vector may also be given as a
 * one-column matrix, a valid convention for a bias gradient.
 */
export function readTensor(x: unknown, shape: GradShape, what: string): GradTensor | string {
  const bad = (): string => `${what}: returned ${shapeOf(x)} where ${describeShape(shape)} was expected`;
  const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
  if (shape.length === 0) {
    const single = isArrayLike(x) && x.length === 1 ? num(x[0]) : null;
    const v = num(x) ?? single;
    if (v === null) return bad();
    if (!Number.isFinite(v)) return `${what}: returned ${v}, not a finite number`;
    return { shape, values: Float64Array.of(v) };
  }
  if (!isArrayLike(x)) return bad();
  const values = new Float64Array(shape.reduce((p, q) => p * q, 1));
  if (shape.length === 1) {
    if (x.length !== shape[0]) return bad();
    for (let i = 0; i < shape[0]; i++) {
      const e = x[i];
      const v = typeof e === "number" ? e : isArrayLike(e) && e.length === 1 ? num(e[0]) : null;
      if (v === null) return bad();
      if (!Number.isFinite(v)) return `${what}: entry ${i} is ${v}, not a finite number`;
      values[i] = v;
    }
    return { shape, values };
  }
  const [rows, cols] = shape;
  if (x.length !== rows) return bad();
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    if (!isArrayLike(row) || row.length !== cols) {
      return isArrayLike(row) ? `${what}: returned a ${rows}×${row.length} matrix where ${rows}×${cols} was expected` : bad();
    }
    for (let j = 0; j < cols; j++) {
      const v = num(row[j]);
      if (v === null) return `${what}: entry (${i}, ${j}) is not a number`;
      if (!Number.isFinite(v)) return `${what}: entry (${i}, ${j}) is ${v}, not a finite number`;
      values[i * cols + j] = v;
    }
  }
  return { shape, values };
}

/**
 * An exercise's verdict on an output. A judge that throws (on an output it cannot read) costs
 * the case and says so; the grader and the inline checks both judge through this.
 */
export function verdictOf(ex: Exercise, c: GradeCase, output: unknown): CaseVerdict {
  try {
    return ex.judge(c, output);
  } catch (e) {
    return { score: 0, feedback: `the output could not be checked: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Typed arrays become plain arrays, as they do when an answer crosses the process boundary, so an
 * in-process check and the sandboxed grader see the same data.
 */
export function plainData(x: unknown, depth = 0): unknown {
  if (depth > 8) return x;
  if (isArrayLike(x) && !Array.isArray(x)) return Array.from(x);
  if (Array.isArray(x)) return x.map((v) => plainData(v, depth + 1));
  if (x !== null && typeof x === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = plainData(v, depth + 1);
    return o;
  }
  return x;
}

/** Absolute floor below which two numbers count as equal (finite differences are not exact). */
export const ABS_TOL = 1e-7;
/**
 * Relative tolerance for a gradient from central differences: the edge of the course's
 * "acceptable" band (002 §9), the same pass mark `checkGradient` uses by default.
 */
export const REL_TOL = ERROR_BANDS.acceptable;

/** Worst relative error between two flat arrays, with a small absolute floor. */
export function worstRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i] ?? NaN;
    const w = want[i] ?? NaN;
    if (Math.abs(g - w) <= ABS_TOL) continue;
    worst = Math.max(worst, relativeError(g, w));
  }
  return worst;
}

/** Do two flat arrays agree within the grading tolerance? */
export function agrees(got: ArrayLike<number>, want: ArrayLike<number>, tol = REL_TOL): boolean {
  return got.length === want.length && worstRelError(got, want) <= tol;
}

/** Plain JSON ↔ tensor helpers for contracts. */
export function fromJson(x: Json, shape?: GradShape): GradTensor {
  if (typeof x === "number") return { shape: [], values: Float64Array.of(x) };
  if (!Array.isArray(x)) throw new Error("fromJson: not numeric data");
  if (x.length > 0 && Array.isArray(x[0])) {
    const rows = x as number[][];
    const cols = rows[0]!.length;
    return { shape: shape ?? [rows.length, cols], values: Float64Array.from(rows.flat()) };
  }
  return { shape: shape ?? [x.length], values: Float64Array.from(x) };
}

/** GradTensor → plain JSON (number, number[] or number[][]). */
export function toJson(t: GradTensor): Json {
  if (t.shape.length === 0) return t.values[0]!;
  if (t.shape.length === 1) return Array.from(t.values);
  const [rows, cols] = t.shape as [number, number];
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(t.values.subarray(i * cols, (i + 1) * cols)));
  return out;
}

/**
 * The oracle: ∂⟨upstream, forward(inputs)⟩/∂inputs[k] by central differences of the trusted
 * forward, one input at a time. This is what a backward function must return for input k.
 */
export function fdVjp(
  forward: (inputs: Float64Array[]) => ArrayLike<number>,
  inputs: GradTensor[],
  k: number,
  upstream: ArrayLike<number>,
): GradTensor {
  const base = inputs.map((t) => t.values);
  const f = (x: Float64Array): ArrayLike<number> => forward(base.map((v, i) => (i === k ? x : v)));
  return { shape: inputs[k]!.shape, values: numericVjp(f, base[k]!, upstream) };
}

/** A known wrong answer: if the student's output matches it, say which pitfall to look at. */
export interface Mistake {
  id: string;
  /** what to look at, never the answer */
  feedback: string;
  /** the wrong answer for these arguments, or null when this mistake cannot happen here */
  output(args: Json[]): Json | null;
}

/** Generic pitfall names the judge recognises on its own, per component. */
export const SIGN_ERROR: Omit<Mistake, "output"> = {
  id: "sign-error",
  feedback: "has the right size but the opposite sign everywhere: check the sign of each term",
};

/** Compare any JSON-ish answer with a known wrong one (same structure, numbers within tolerance). */
export function matchesJson(got: unknown, want: Json): boolean {
  if (typeof want === "number") return typeof got === "number" && agrees([got], [want], 1e-6);
  if (Array.isArray(want)) {
    if (!isArrayLike(got) || got.length !== want.length) return false;
    for (let i = 0; i < want.length; i++) if (!matchesJson(got[i], want[i]!)) return false;
    return true;
  }
  if (want !== null && typeof want === "object") {
    if (got === null || typeof got !== "object") return false;
    const g = got as Record<string, unknown>;
    return Object.keys(want).every((k) => matchesJson(g[k], want[k]!));
  }
  return got === want;
}

/** What a backward exercise returns: one bare value, or a record of named gradients. */
export interface GradientSpec {
  /** expected gradients keyed by the name the student returns; one key with `bare` → return the value itself */
  expected: Record<string, GradTensor>;
  bare?: boolean;
  /** other answers that are equally right, e.g. the other relu′(0) convention at a kink */
  alternatives?: Record<string, GradTensor>[];
}

/**
 * Judge a backward exercise: shapes first, then each named gradient against the oracle. Partial
 * credit is the fraction of gradients that agree. A known mistake is named only when the evidence
 * singles it out: the whole answer matches that mistake (a sign error counts as one) and no other
 * known one, or else, one wrong gradient at a time, that gradient matches exactly one mistake's
 * version of it (so one slip is still named when another part of the answer is wrong too). When
 * two known mistakes give the same numbers, the feedback says what is wrong in general terms.
 */
export function judgeGradients(
  spec: GradientSpec,
  output: unknown,
  args: Json[],
  mistakes: readonly Mistake[] = [],
): CaseVerdict {
  const keys = Object.keys(spec.expected);
  let modelled: { m: Mistake; w: Json }[] | null = null;
  const models = (): { m: Mistake; w: Json }[] => {
    if (modelled) return modelled;
    modelled = [];
    for (const m of mistakes) {
      let w: Json | null = null;
      try {
        w = m.output(args);
      } catch {
        w = null; // a model that does not apply to these arguments
      }
      if (w !== null) modelled.push({ m, w });
    }
    return modelled;
  };
  /** The distinct mistakes whose whole answer this is. */
  const wholeMatches = (): Mistake[] => distinct(models().filter(({ w }) => matchesJson(output, w)).map(({ m }) => m));
  const parts: { key: string; got: GradTensor | string }[] = [];
  if (spec.bare) {
    const k = keys[0]!;
    parts.push({ key: k, got: readTensor(output, spec.expected[k]!.shape, k) });
  } else {
    if (output === null || typeof output !== "object" || isArrayLike(output)) {
      const found = wholeMatches();
      const m = found.length === 1 ? found[0] : undefined;
      return {
        score: 0,
        feedback: m ? m.feedback : `return an object { ${keys.join(", ")} }, not ${shapeOf(output)}`,
        ...(m ? { diagnosis: m.id } : {}),
      };
    }
    const o = output as Record<string, unknown>;
    for (const k of keys) parts.push({ key: k, got: k in o ? readTensor(o[k], spec.expected[k]!.shape, k) : `${k}: missing from the returned object` });
  }
  let ok = 0;
  let worst = 0;
  const failed: { key: string; got: GradTensor | string; err: number; negated: boolean }[] = [];
  for (const { key, got } of parts) {
    const want = spec.expected[key]!;
    if (typeof got === "string") {
      failed.push({ key, got, err: Infinity, negated: false });
      worst = Infinity;
      continue;
    }
    const err = worstRelError(got.values, want.values);
    worst = Math.max(worst, err);
    if (err <= REL_TOL) ok++;
    else failed.push({ key, got, err, negated: agrees(got.values.map((v) => -v), want.values) });
  }
  const score = ok / parts.length;
  if (score === 1) return { score: 1, feedback: "correct", relError: worst };
  for (const alt of spec.alternatives ?? []) {
    const v = judgeGradients({ expected: alt, ...(spec.bare ? { bare: true } : {}) }, output, args);
    if (v.score === 1) return v;
  }
  // the known mistakes each failed gradient matches; the sign error is one of them
  const o = spec.bare ? null : (output as Record<string, unknown>);
  const perPart = failed.map((f) => {
    const ids: Mistake[] = [];
    // the raw answer is compared, so a slip that also gets the shape wrong (a transposed dW) is recognised
    if (spec.bare) ids.push(...wholeMatches());
    else if (f.key in o!) for (const { m, w } of models()) if (isRecord(w) && f.key in w && matchesJson(o![f.key], w[f.key]!)) ids.push(m);
    if (f.negated) ids.push({ ...SIGN_ERROR, output: () => null });
    return { ...f, found: distinct(ids) };
  });
  const allNegated = failed.every((f) => f.negated);
  const whole = distinct([...(spec.bare ? [] : wholeMatches()), ...(allNegated && !spec.bare ? [{ ...SIGN_ERROR, output: () => null }] : [])]);
  const named: Mistake[] = [];
  if (whole.length === 1) named.push(whole[0]!);
  else if (whole.length === 0) for (const f of perPart) if (f.found.length === 1 && !named.some((m) => m.id === f.found[0]!.id)) named.push(f.found[0]!);
  const isSign = (f: (typeof perPart)[number]): boolean =>
    named.some((m) => m.id === SIGN_ERROR.id) && f.found.length === 1 && f.found[0]!.id === SIGN_ERROR.id;
  const notes = perPart.map((f) =>
    typeof f.got === "string" ? f.got : isSign(f) ? `${f.key} ${SIGN_ERROR.feedback}` : `${f.key} is wrong (worst relative error ${f.err.toExponential(1)})`,
  );
  const verdict: CaseVerdict = {
    score,
    feedback: [...named.filter((m) => m.id !== SIGN_ERROR.id).map((m) => m.feedback), ...notes].join("; "),
  };
  if (Number.isFinite(worst)) verdict.relError = worst;
  const first = named.find((m) => m.id !== SIGN_ERROR.id) ?? named[0];
  if (first) verdict.diagnosis = first.id;
  return verdict;
}

/** One mistake per id: two models of the same pitfall are one piece of evidence, not two. */
function distinct(ms: Mistake[]): Mistake[] {
  const seen = new Set<string>();
  return ms.filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

/** Is `x` an object to read fields from (not null, not an array)? A Json value narrows to a Json record. */
export function isRecord(x: Json): x is { [k: string]: Json };
export function isRecord(x: unknown): x is Record<string, unknown>;
export function isRecord(x: unknown): boolean {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/** One family of hidden cases: arguments of a fixed structure with values drawn from the generator. */
export type HiddenFamily = (rng: Rng) => Json[];

/**
 * Everything a gradient exercise module declares; `defineExercise` turns it into an `Exercise`. The
 * identifying fields are the contract's own; cases and the judge come from the rest.
 */
export interface ExerciseSpec extends Omit<Exercise, "cases" | "judge"> {
  visible: { label: string; args: Json[] }[];
  /**
   * The hidden cases, one per family: each family fixes a structure the contract allows (an
   * activation, a shape, an op) and draws its values from the seed, so every seed covers them all.
   */
  hidden: readonly HiddenFamily[];
  /** the oracle for these arguments (finite differences of a trusted forward) */
  oracle(args: Json[]): GradientSpec;
  mistakes?: Mistake[];
}

/** Build an `Exercise` from a spec: cases from the seed (forked by id), judging by `judgeGradients`. */
export function defineExercise(spec: ExerciseSpec): Exercise {
  return {
    id: spec.id,
    title: spec.title,
    file: spec.file,
    exportName: spec.exportName,
    points: spec.points,
    description: spec.description,
    cases(seed: number): GradeCase[] {
      const rng = new Rng(seed).fork(spec.id);
      const out: GradeCase[] = spec.visible.map((v, i) => ({ name: `visible ${i + 1}: ${v.label}`, visible: true, args: v.args }));
      spec.hidden.forEach((family, i) => out.push({ name: `hidden ${i + 1}`, visible: false, args: family(rng) }));
      return out;
    },
    judge(c: GradeCase, output: unknown): CaseVerdict {
      let oracle: GradientSpec;
      try {
        oracle = spec.oracle(c.args);
      } catch (e) {
        return { score: 0, feedback: `grader could not build the oracle for ${spec.id}: ${(e as Error).message}` };
      }
      return judgeGradients(oracle, output, c.args, spec.mistakes ?? []);
    },
  };
}

/** Random helpers for case generators: numbers kept away from kinks and poles. */
export function awayFromZero(rng: Rng, lo = 0.2, hi = 2): number {
  const v = rng.uniform(lo, hi);
  return rng.next() < 0.5 ? -v : v;
}

/** A rows×cols matrix of normals, as plain JSON rows. */
export function randomMatrix(rng: Rng, rows: number, cols: number, std = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(0, std)));
}
