/**
 * Gradient checking: compare a hand-written (analytic) gradient with central finite differences,
 * so that a backward pass can be trusted before anything is trained with it.
 *
 * Method, in short:
 * - Numeric derivative of coordinate i: (f(x + hᵢ eᵢ) − f(x − hᵢ eᵢ)) / (x⁺ᵢ − x⁻ᵢ), in float64.
 *   The step is hᵢ = h · max(1, |xᵢ|) by default (`relativeStep`), so large coordinates are not
 *   perturbed by less than their own rounding; the denominator uses the perturbed values actually
 *   stored, which removes the error of `x + h` not being exactly representable.
 * - Relative error |a − n| / max(|a| + |n|, floor). Two zeros give 0. In the checks the floor is
 *   `floor` (default 1e-4 · max(1, |f(x)|)). Near-zero gradients are where central differences
 *   are least accurate (round-off ε·|f|/h, truncation f‴h²/6 at a stationary point), so below
 *   that scale the difference is judged against the floor instead of against itself. A sign
 *   error is still "wrong" for gradients down to about 1e-7 of the function's scale.
 * - Bands follow the course (document 002 §9): below about 1e-7 is correct in double precision,
 *   around 1e-3 and above is a bug.
 * - Kinks (relu at 0, |x|, max): every entry is also tested for one. The one-sided slopes
 *   d₋ = (f(x) − f(x−h))/h and d₊ = (f(x+h) − f(x))/h are read off the central-difference
 *   evaluations; only when they differ by more than the tolerance (and more than round-off) does
 *   the step start halving (two evaluations a level), so smooth entries cost nothing extra.
 *   For a smooth f the gap is about f″·h and halves with the step; at a kink it is the jump of
 *   the slope and does not shrink: a gap that keeps three quarters of itself marks a kink at x.
 *   A gap that shrinks while the central difference still moves beyond the tolerance means the
 *   step was too coarse for x: a kink inside the step but off x, or strong curvature (1/x near
 *   0, whose truncation error f‴h²/6 is itself above the tolerance). The halving goes on until
 *   the central difference stops moving (the step no longer crosses the kink) or three levels
 *   converge as a smooth f's do (differences shrinking 4-fold, the gap halving), which Richardson
 *   extrapolation (4·c(t) − c(2t))/3 then finishes; the entry is judged normally on that value,
 *   with a note. (Calling such entries kinks would excuse a wrong gradient lying between two
 *   wide one-sided slopes.) If round-off or f's domain stops the halving first, it is a kink.
 *   A kink entry whose analytic value lies between the one-sided slopes seen (a valid
 *   subgradient) is reported with `kink: true` and left out of the verdict; one outside that
 *   range (with a tolerance-sized slack) still fails. The point itself is never moved, so the
 *   report is about exactly the x the caller gave; a kink closer to x than about h/5 is reported
 *   as a kink at x.
 */

import { formatNumber } from "./format";

/** Where a relative error falls, so feedback can say "fine", "look again" or "bug" in words. */
export type ErrorBand = "correct" | "acceptable" | "suspicious" | "wrong";

/** Band edges (upper bounds, exclusive), from the course's thresholds for double precision. */
export const ERROR_BANDS: Readonly<Record<Exclude<ErrorBand, "wrong">, number>> = Object.freeze({
  correct: 1e-7,
  acceptable: 1e-5,
  suspicious: 1e-3,
});

/** Knobs shared by every check; all optional so the common case is one call. */
export interface GradCheckOptions {
  /** Base finite-difference step. Default 1e-5: small truncation error, round-off still tiny. */
  h?: number;
  /** Scale the step with the coordinate, hᵢ = h · max(1, |xᵢ|). Default true. */
  relativeStep?: boolean;
  /** Shape of x (row-major) so that indices print as (i, j) instead of flat positions. */
  shape?: number[];
  /** How many of the worst entries the report lists. Default 5. */
  worst?: number;
  /** Labels for the coordinates (e.g. "W1[0,1]", "b2[0]"), shown in the report. */
  names?: string[];
  /** Largest max relative error that counts as passing. Default 1e-5 (the "acceptable" band). */
  tolerance?: number;
  /** Magnitude below which |a| + |n| is compared absolutely. Default 1e-4 · max(1, |f(x)|). */
  floor?: number;
  /**
   * Look for kinks. Free for entries whose one-sided slopes agree within tolerance; two extra
   * evaluations per halving of the step for the others (usually one to four halvings). Default
   * true.
   */
  detectKinks?: boolean;
}

/** One compared coordinate, with everything a student needs to find it in their own code. */
export interface GradCheckEntry {
  /** Multi-index in `shape` (a single-element array when no shape was given). */
  index: number[];
  /** Position in the flat array. */
  flatIndex: number;
  /** Label from `options.names`, when given. */
  name?: string;
  /** The gradient under test (from backward). */
  analytic: number;
  /** The central difference. */
  numeric: number;
  /** |a − n| / max(|a| + |n|, floor). */
  relError: number;
  /** True when the step crossed a non-differentiable point; such entries are judged separately. */
  kink: boolean;
  /** Why this entry is special (non-finite value, subgradient outside the one-sided slopes, …). */
  note?: string;
}

/** The verdict of a check: a boolean for code, a band and a table for people. */
export interface GradCheckReport {
  /** True when every non-kink entry is within `tolerance` and every kink has a valid subgradient. */
  ok: boolean;
  /** Band of `maxRelError`. */
  band: ErrorBand;
  /** Worst relative error over the entries that count (kinks with a valid subgradient excluded). */
  maxRelError: number;
  /** The pass mark the verdict used. */
  tolerance: number;
  /** Number of coordinates compared. */
  count: number;
  /** Number of entries above tolerance (including non-finite ones and invalid kinks). */
  failures: number;
  /** The worst counted entries, worst first, at most `options.worst`. */
  worst: GradCheckEntry[];
  /** How many entries were recognised as kinks. */
  kinks: number;
  /** The kink entries themselves (all of them), reported apart from the verdict. */
  kinkEntries: GradCheckEntry[];
  /** Every entry, in flat order, for callers that want their own view. */
  entries: GradCheckEntry[];
  /** The step that was used. */
  h: number;
  /** A readable multi-line text table (same as `toString()`). */
  summary: string;
  /** The summary, so printing a report in a notebook shows the table. */
  toString(): string;
}

/**
 * Relative error |a − n| / max(|a| + |n|, floor): scale-free, so one threshold serves gradients
 * of any size. Two zeros give 0; a non-finite input gives Infinity (never NaN, which would pass
 * every `<` comparison by failing it silently).
 */
export function relativeError(a: number, n: number, floor = Number.MIN_VALUE): number {
  if (!Number.isFinite(a) || !Number.isFinite(n)) return Infinity;
  const diff = Math.abs(a - n);
  if (diff === 0) return 0;
  return diff / Math.max(Math.abs(a) + Math.abs(n), floor);
}

/** Names the band of a relative error, so reports and graders speak the course's language. */
export function classify(relErr: number): ErrorBand {
  if (!(relErr < ERROR_BANDS.suspicious)) return "wrong"; // also catches NaN
  if (relErr < ERROR_BANDS.correct) return "correct";
  if (relErr < ERROR_BANDS.acceptable) return "acceptable";
  return "suspicious";
}

function toFloat64(x: ArrayLike<number>, what: string): Float64Array {
  const out = Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i] as number)) {
      throw new RangeError(`gradcheck: ${what}[${i}] is ${out[i]}; the point must be finite`);
    }
  }
  return out;
}

function resolveStep(options: GradCheckOptions | undefined): number {
  const h = options?.h ?? 1e-5;
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`gradcheck: step h must be a positive finite number, got ${h}`);
  return h;
}

function stepFor(xi: number, h: number, relative: boolean): number {
  return relative ? h * Math.max(1, Math.abs(xi)) : h;
}

/**
 * Thrown by `evalAt` when f itself throws at a perturbed point (a domain error such as the log of
 * a negative number once the step crosses 0), carrying where it happened.
 */
class PerturbedPointError extends Error {
  constructor(index: number, side: "+" | "−", at: number, reason: unknown) {
    super(`f threw at x[${index}] ${side} h = ${Number(at.toPrecision(6))}: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

/** Evaluates g with coordinate i set to v, then restores it (also when g throws). */
function evalAt(g: (x: Float64Array) => number, work: Float64Array, i: number, v: number, x0: number): number {
  work[i] = v;
  try {
    return g(work);
  } catch (e) {
    throw new PerturbedPointError(i, v > x0 ? "+" : "−", v, e);
  } finally {
    work[i] = x0;
  }
}

/** The two evaluations around coordinate i at step s, kept so the kink test can reuse them. */
interface Probe {
  x0: number;
  xp: number;
  xm: number;
  fp: number;
  fm: number;
}

function probe(g: (x: Float64Array) => number, work: Float64Array, i: number, s: number): Probe {
  const x0 = work[i] as number;
  const xp = x0 + s;
  const xm = x0 - s;
  return { x0, xp, xm, fp: evalAt(g, work, i, xp, x0), fm: evalAt(g, work, i, xm, x0) };
}

/** Central difference from a probe; the denominator uses the stored perturbed values. */
function centralOf(p: Probe): number {
  return (p.fp - p.fm) / (p.xp - p.xm);
}

/** One-sided slopes (backward, forward) from a probe and f0 = g(x). */
function oneSidedOf(p: Probe, f0: number): [number, number] {
  return [(f0 - p.fm) / (p.x0 - p.xm), (p.fp - f0) / (p.xp - p.x0)];
}

/**
 * Central-difference gradient of a scalar function, the independent oracle that analytic
 * gradients are measured against. `f` receives a Float64Array it must not keep or modify.
 */
export function numericGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  options?: Pick<GradCheckOptions, "h" | "relativeStep">,
): Float64Array {
  const h = resolveStep(options);
  const relative = options?.relativeStep ?? true;
  const work = toFloat64(x, "x");
  const grad = new Float64Array(work.length);
  for (let i = 0; i < work.length; i++) {
    try {
      grad[i] = centralOf(probe(f, work, i, stepFor(work[i] as number, h, relative)));
    } catch (e) {
      if (e instanceof PerturbedPointError) {
        throw new RangeError(`numericGradient: ${e.message} (the step crosses the edge of f's domain; use a smaller h or another point)`);
      }
      throw e;
    }
  }
  return grad;
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) s += (u[k] as number) * (v[k] as number);
  return s;
}

/** Wraps an array-valued f as the scalar x ↦ ⟨upstream, f(x)⟩ whose gradient is the VJP. */
function projected(f: (x: Float64Array) => ArrayLike<number>, upstream: Float64Array): (x: Float64Array) => number {
  return (x) => {
    const y = f(x);
    if (y.length !== upstream.length) {
      throw new RangeError(
        `gradcheck: f(x) has length ${y.length} but upstream has length ${upstream.length}; they must match`,
      );
    }
    return dot(upstream, y);
  };
}

/**
 * Numeric vector–Jacobian product uᵀ J_f(x), as central differences of ⟨u, f(x)⟩: one check of a
 * layer's backward function costs two forward passes per input, however large the output is.
 */
export function numericVjp(
  f: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  upstream: ArrayLike<number>,
  options?: Pick<GradCheckOptions, "h" | "relativeStep">,
): Float64Array {
  return numericGradient(projected(f, toFloat64(upstream, "upstream")), x, options);
}

/** Flat index → multi-index in a row-major shape. */
function unravel(flat: number, shape: number[] | undefined): number[] {
  if (shape === undefined || shape.length === 0) return [flat];
  const index = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  return index;
}

interface KinkTest {
  kink: boolean;
  lo: number;
  hi: number;
  /** A better numeric value, when the step had to shrink or be extrapolated to resolve the entry. */
  refined?: number;
  /** The step the refined value comes from. */
  step?: number;
}

/** One level of the step-halving search: the central difference and the one-sided slopes. */
interface Level {
  t: number;
  c: number;
  dm: number;
  dp: number;
}

function levelOf(p: Probe, f0: number): Level {
  const [dm, dp] = oneSidedOf(p, f0);
  return { t: p.xp - p.x0, c: centralOf(p), dm, dp };
}

/**
 * The kink test described at the top of this file, for coordinate i. Level 0 is the probe already
 * made for the central difference: when its one-sided slopes agree, the entry costs nothing more.
 * Otherwise the step halves: a jump that does not shrink is a kink at x; central differences that
 * stop moving, or converge as h² (then extrapolated), resolve a smooth x at a smaller step; a
 * search that round-off or f's domain stops first ends as a kink, judged by the slopes seen.
 */
function testKink(g: (x: Float64Array) => number, work: Float64Array, i: number, p1: Probe, f0: number, tol: number): KinkTest {
  // Round-off of a one-sided slope at step t is about ε·|f|/t; a gap or a move of the central
  // difference must beat a generous multiple of it, or noise could pass for structure.
  const roundOff = (t: number): number => (200 * Number.EPSILON * Math.max(1, Math.abs(f0))) / t;
  const gapOf = (l: Level): number => l.dp - l.dm;
  const scaleOf = (...ls: Level[]): number => Math.max(...ls.flatMap((l) => [Math.abs(l.dm), Math.abs(l.dp)]));
  const levels: Level[] = [levelOf(p1, f0)];
  const first = levels[0] as Level;
  let lo = Math.min(first.dm, first.dp);
  let hi = Math.max(first.dm, first.dp);
  if (!(Math.abs(gapOf(first)) > Math.max(tol * scaleOf(first), 4 * roundOff(first.t)))) return { kink: false, lo, hi };
  for (let k = 1; k <= 16; k++) {
    const prev = levels[k - 1] as Level;
    let p: Probe;
    try {
      p = probe(g, work, i, first.t / 2 ** k);
    } catch (e) {
      if (!(e instanceof PerturbedPointError)) throw e;
      // f failed closer to x than where it worked: at the first halving there is no evidence of a
      // kink to weigh; later, what was seen stands.
      return k === 1 ? { kink: false, lo, hi } : { kink: true, lo, hi };
    }
    const l = levelOf(p, f0);
    levels.push(l);
    lo = Math.min(lo, l.dm, l.dp);
    hi = Math.max(hi, l.dm, l.dp);
    const scale = scaleOf(prev, l);
    const gap = gapOf(l);
    // A jump in the slope that does not shrink with the step: x sits on a kink.
    if (Math.abs(gap) > 0.75 * Math.abs(gapOf(prev)) && Math.abs(gap) > Math.max(tol * scale, 4 * roundOff(l.t))) {
      return { kink: true, lo, hi };
    }
    // Three levels converging as a smooth f's do (differences shrink 4-fold, the slope gap
    // halves): strong curvature, resolved by extrapolation.
    if (k >= 2) {
      const before = levels[k - 2] as Level;
      const convergence = (before.c - prev.c) / (prev.c - l.c);
      const halving = gapOf(prev) / gap;
      if (convergence > 2.5 && convergence < 6.5 && halving > 1.4 && halving < 2.8) {
        const r = richardson(g, work, i, l.t, prev.c, l.c, tol, f0);
        return { kink: false, lo, hi, refined: r.value, step: r.step };
      }
    }
    // The central difference no longer moves: resolved (at the original step when k = 1).
    if (!(Math.abs(l.c - prev.c) > Math.max(tol * scale, 2 * roundOff(l.t)))) {
      return k === 1 ? { kink: false, lo, hi } : { kink: false, lo, hi, refined: l.c, step: l.t };
    }
    if (2 * roundOff(l.t / 2) > tol * scale) break; // a smaller step would only measure round-off
  }
  return { kink: true, lo, hi };
}

/**
 * The derivative of a smooth but strongly curved coordinate: Richardson extrapolation
 * (4·c(t) − c(2t))/3 removes the h² error of the central difference; the step keeps halving until
 * two extrapolations agree within a tenth of the tolerance, or round-off (≈ ε|f|/t) would take
 * over, or f fails closer in. Starts from the central differences at 2t and t already made.
 */
function richardson(g: (x: Float64Array) => number, work: Float64Array, i: number, t: number, c2t: number, ct: number, tol: number, f0: number): { value: number; step: number } {
  let prev = ct;
  let best = (4 * ct - c2t) / 3;
  let step = t;
  for (let k = 0; k < 8; k++) {
    const half = step / 2;
    if ((16 * Number.EPSILON * Math.max(1, Math.abs(f0))) / half > 0.1 * tol * Math.abs(best)) break;
    let c: number;
    try {
      c = centralOf(probe(g, work, i, half));
    } catch (e) {
      if (e instanceof PerturbedPointError) break;
      throw e;
    }
    const next = (4 * c - prev) / 3;
    const settled = Math.abs(next - best) <= 0.1 * tol * Math.abs(next);
    prev = c;
    best = next;
    step = half;
    if (settled) break;
  }
  return { value: best, step };
}

/** Report numbers carry 8 significant figures: enough to see where two gradients part. */
const REPORT_DIGITS = 8;

function formatIndex(e: GradCheckEntry, shaped: boolean): string {
  return shaped ? `(${e.index.join(", ")})` : String(e.flatIndex);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function table(rows: GradCheckEntry[], shaped: boolean): string[] {
  const named = rows.some((e) => e.name !== undefined);
  const header = [...(named ? ["name"] : []), "index", "analytic", "numeric", "rel. error", "band"];
  const body = rows.map((e) => [
    ...(named ? [e.name ?? ""] : []),
    formatIndex(e, shaped),
    formatNumber(e.analytic, REPORT_DIGITS),
    formatNumber(e.numeric, REPORT_DIGITS),
    Number.isFinite(e.relError) ? e.relError.toExponential(2) : String(e.relError),
    (e.kink ? "kink" : classify(e.relError)) + (e.note !== undefined ? `  (${e.note})` : ""),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] as string).length)));
  const line = (cells: string[]): string => cells.map((cell, c) => pad(cell, widths[c] as number)).join("  ").trimEnd();
  return [line(header), ...body.map(line)];
}

function buildReport(
  kind: string,
  g: (x: Float64Array) => number,
  x: ArrayLike<number>,
  analytic: ArrayLike<number>,
  options: GradCheckOptions | undefined,
): GradCheckReport {
  const h = resolveStep(options);
  const relative = options?.relativeStep ?? true;
  const tolerance = options?.tolerance ?? ERROR_BANDS.acceptable;
  const worstCount = options?.worst ?? 5;
  const shape = options?.shape;
  const names = options?.names;
  const work = toFloat64(x, "x");
  const n = work.length;
  if (analytic.length !== n) {
    throw new RangeError(`${kind}: x has length ${n} but the analytic gradient has length ${analytic.length}; they must match`);
  }
  if (shape !== undefined) {
    const size = shape.reduce((p, d) => p * d, 1);
    if (size !== n || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RangeError(`${kind}: shape [${shape.join(", ")}] holds ${size} entries but x has length ${n}`);
    }
  }
  if (names !== undefined && names.length !== n) {
    throw new RangeError(`${kind}: ${names.length} names given for ${n} entries of x`);
  }
  if (!(tolerance > 0)) throw new RangeError(`${kind}: tolerance must be positive, got ${tolerance}`);

  let f0: number;
  try {
    f0 = g(work);
  } catch (e) {
    throw new RangeError(`${kind}: f threw at the point itself: ${e instanceof Error ? e.message : String(e)}`);
  }
  const floor = options?.floor ?? 1e-4 * Math.max(1, Number.isFinite(f0) ? Math.abs(f0) : 1);
  const detect = options?.detectKinks ?? true;

  const entries: GradCheckEntry[] = [];
  for (let i = 0; i < n; i++) {
    const s = stepFor(work[i] as number, h, relative);
    const a = analytic[i] as number;
    let p: Probe | undefined;
    let thrown: PerturbedPointError | undefined;
    try {
      p = probe(g, work, i, s);
    } catch (e) {
      if (!(e instanceof PerturbedPointError)) throw e;
      thrown = e;
    }
    const num = p === undefined ? NaN : centralOf(p);
    const entry: GradCheckEntry = {
      index: unravel(i, shape),
      flatIndex: i,
      analytic: a,
      numeric: num,
      relError: relativeError(a, num, floor),
      kink: false,
    };
    if (names !== undefined) entry.name = names[i] as string;
    if (thrown !== undefined || p === undefined) {
      entry.note = `${thrown?.message ?? "f threw"}; the step crosses the edge of f's domain: use a smaller h or move the point`;
    } else if (!Number.isFinite(a)) {
      entry.note = `analytic value is ${a}`;
    } else if (!Number.isFinite(num)) {
      entry.note = `f is not finite near x (numeric ${num})`;
    } else if (detect) {
      const k = testKink(g, work, i, p, f0, tolerance);
      if (k.refined !== undefined) {
        entry.numeric = k.refined;
        entry.relError = relativeError(a, k.refined, floor);
        entry.note = `the step ${Number(s.toPrecision(3))} was too coarse here (a kink nearby or strong curvature): numeric from step ${Number((k.step ?? s).toPrecision(3))}, central difference at h was ${formatNumber(num, REPORT_DIGITS)}`;
      }
      if (k.kink) {
        entry.kink = true;
        const slack = tolerance * Math.max(Math.abs(k.lo), Math.abs(k.hi), floor);
        if (a < k.lo - slack || a > k.hi + slack) {
          entry.note = `not a subgradient: one-sided slopes span [${formatNumber(k.lo, REPORT_DIGITS)}, ${formatNumber(k.hi, REPORT_DIGITS)}]`;
        } else {
          entry.note = `one-sided slopes span [${formatNumber(k.lo, REPORT_DIGITS)}, ${formatNumber(k.hi, REPORT_DIGITS)}]`;
        }
      }
    }
    entries.push(entry);
  }

  const validKink = (e: GradCheckEntry): boolean => e.kink && !(e.note ?? "").startsWith("not a subgradient");
  const counted = entries.filter((e) => !validKink(e));
  const kinkEntries = entries.filter((e) => e.kink);
  const maxRelError = counted.reduce((m, e) => Math.max(m, e.relError), 0);
  const failures = counted.filter((e) => !(e.relError <= tolerance)).length;
  const worst = [...counted].sort((p, q) => q.relError - p.relError).slice(0, Math.max(0, worstCount));
  const ok = failures === 0;
  const band = classify(maxRelError);
  const shaped = shape !== undefined && shape.length > 0;

  const lines = [
    `${kind}: ${ok ? "OK" : "FAILED"} — max relative error ${maxRelError.toExponential(2)} (${band}), ` +
      `tolerance ${tolerance.toExponential(0)}, ${n} entries, h = ${h.toExponential(0)}` +
      (failures > 0 ? `, ${failures} above tolerance` : ""),
  ];
  if (worst.length > 0) {
    lines.push(`worst ${worst.length}:`, ...table(worst, shaped).map((l) => "  " + l));
  }
  if (kinkEntries.length > 0) {
    lines.push(
      `${kinkEntries.length} kink${kinkEntries.length === 1 ? "" : "s"} (the step crossed a non-differentiable point; judged by the one-sided slopes):`,
      ...table(kinkEntries, shaped).map((l) => "  " + l),
    );
  }
  const summary = lines.join("\n");
  return {
    ok,
    band,
    maxRelError,
    tolerance,
    count: n,
    failures,
    worst,
    kinks: kinkEntries.length,
    kinkEntries,
    entries,
    h,
    summary,
    toString: () => summary,
  };
}

/**
 * Checks the gradient of a scalar function (a loss of many parameters) against central
 * differences and says, in the course's bands, whether the backward pass can be trusted.
 */
export function checkGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  analytic: ArrayLike<number>,
  options?: GradCheckOptions,
): GradCheckReport {
  return buildReport("checkGradient", f, x, analytic, options);
}

/**
 * Checks a layer's backward function: given an upstream gradient u = ∂L/∂y, its result must equal
 * uᵀ ∂y/∂x, which is compared with central differences of ⟨u, f(x)⟩. A random u exercises every
 * output at once, so a transposed or misordered Jacobian cannot hide.
 */
export function checkVjp(
  f: (x: Float64Array) => ArrayLike<number>,
  x: ArrayLike<number>,
  upstream: ArrayLike<number>,
  analyticVjp: ArrayLike<number>,
  options?: GradCheckOptions,
): GradCheckReport {
  return buildReport("checkVjp", projected(f, toFloat64(upstream, "upstream")), x, analyticVjp, options);
}
