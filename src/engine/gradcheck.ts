/**
 * Gradient checking: compare a hand-written (analytic) gradient with central finite differences,
 * so that a backward pass can be trusted before anything is trained with it.
 *
 * The parts, one concern each:
 * - finite-differences.ts: the numeric derivative (central differences with a relative step);
 * - kinks.ts: whether an entry sits on a kink, or the step was too coarse for it;
 * - this file: relative errors, the course's bands, and the report.
 *
 * Relative error |a − n| / max(|a| + |n|, floor). Two zeros give 0. In the checks the floor is
 * `floor` (default 1e-4 · max(1, |f(x)|)). Near-zero gradients are where central differences are
 * least accurate (round-off ε·|f|/h, truncation f‴h²/6 at a stationary point), so below that scale
 * the difference is judged against the floor instead of against itself. A sign error is still
 * "wrong" for gradients down to about 1e-7 of the function's scale. Bands follow the course
 * (document 002 §9): below about 1e-7 is correct in double precision, around 1e-3 and above is a
 * bug. A kink entry whose analytic value is a valid subgradient is reported apart and left out of
 * the verdict (`kinkStatus`).
 */

import {
  centralOf, numericGradient, numericVjp, PerturbedPointError, probe, projected, resolveStep, stepFor, toFloat64,
  type Probe, type StepOptions,
} from "./finite-differences";
import { formatNumber } from "./format";
import { testKink } from "./kinks";

export { numericGradient, numericVjp };

/** Where a relative error falls, so feedback can say "fine", "look again" or "bug" in words. */
export type ErrorBand = "correct" | "acceptable" | "suspicious" | "wrong";

/** Band edges (upper bounds, exclusive), from the course's thresholds for double precision. */
export const ERROR_BANDS: Readonly<Record<Exclude<ErrorBand, "wrong">, number>> = Object.freeze({
  correct: 1e-7,
  acceptable: 1e-5,
  suspicious: 1e-3,
});

/** Knobs shared by every check; all optional so the common case is one call. */
export interface GradCheckOptions extends StepOptions {
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
  /** How the entry was judged, as a value code can test (the `note` says it in words). */
  kinkStatus: KinkStatus;
  /** Why this entry is special (non-finite value, subgradient outside the one-sided slopes, …). */
  note?: string;
}

/**
 * How an entry relates to a kink:
 * - "smooth": judged on the central difference;
 * - "refined": the step was too coarse at x (a kink nearby or strong curvature), judged on the
 *   numeric value from a smaller step;
 * - "subgradient": x sits on a kink and the analytic value lies within the one-sided slopes (left
 *   out of the verdict);
 * - "not-subgradient": x sits on a kink and the analytic value lies outside them (a failure).
 */
export type KinkStatus = "smooth" | "refined" | "subgradient" | "not-subgradient";

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
      kinkStatus: "smooth",
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
      if (k.kind === "refined") {
        entry.numeric = k.value;
        entry.relError = relativeError(a, k.value, floor);
        entry.kinkStatus = "refined";
        entry.note = `the step ${Number(s.toPrecision(3))} was too coarse here (a kink nearby or strong curvature): numeric from step ${Number(k.step.toPrecision(3))}, central difference at h was ${formatNumber(num, REPORT_DIGITS)}`;
      } else if (k.kind === "kink") {
        entry.kink = true;
        const slack = tolerance * Math.max(Math.abs(k.lo), Math.abs(k.hi), floor);
        const span = `one-sided slopes span [${formatNumber(k.lo, REPORT_DIGITS)}, ${formatNumber(k.hi, REPORT_DIGITS)}]`;
        if (a < k.lo - slack || a > k.hi + slack) {
          entry.kinkStatus = "not-subgradient";
          entry.note = `not a subgradient: ${span}`;
        } else {
          entry.kinkStatus = "subgradient";
          entry.note = span;
        }
      }
    }
    entries.push(entry);
  }

  const counted = entries.filter((e) => e.kinkStatus !== "subgradient");
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
