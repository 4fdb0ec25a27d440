/**
 * Finite differences: the numeric derivative every gradient check measures against.
 *
 * The derivative of coordinate i is (f(x + hᵢ eᵢ) − f(x − hᵢ eᵢ)) / (x⁺ᵢ − x⁻ᵢ), in float64. The
 * step is hᵢ = h · max(1, |xᵢ|) by default (`relativeStep`), so large coordinates are not perturbed
 * by less than their own rounding; the denominator uses the perturbed values actually stored,
 * which removes the error of `x + h` not being exactly representable. The two evaluations are
 * kept (`Probe`) so the kink test (kinks.ts) can read the one-sided slopes off them for free.
 */

/** The step of a central difference. */
export interface StepOptions {
  /** Base finite-difference step. Default 1e-5: small truncation error, round-off still tiny. */
  h?: number;
  /** Scale the step with the coordinate, hᵢ = h · max(1, |xᵢ|). Default true. */
  relativeStep?: boolean;
}

/** A float64 copy of x, refusing a non-finite coordinate (the point must be a real point). */
export function toFloat64(x: ArrayLike<number>, what: string): Float64Array {
  const out = Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i] as number)) {
      throw new RangeError(`gradcheck: ${what}[${i}] is ${out[i]}; the point must be finite`);
    }
  }
  return out;
}

/** The base step h, checked. */
export function resolveStep(options: StepOptions | undefined): number {
  const h = options?.h ?? 1e-5;
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`gradcheck: step h must be a positive finite number, got ${h}`);
  return h;
}

/** The step for one coordinate: h, or h · max(1, |xᵢ|) when relative. */
export function stepFor(xi: number, h: number, relative: boolean): number {
  return relative ? h * Math.max(1, Math.abs(xi)) : h;
}

/**
 * Thrown by `evalAt` when f itself throws at a perturbed point (a domain error such as the log of
 * a negative number once the step crosses 0), carrying where it happened.
 */
export class PerturbedPointError extends Error {
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
export interface Probe {
  x0: number;
  xp: number;
  xm: number;
  fp: number;
  fm: number;
}

export function probe(g: (x: Float64Array) => number, work: Float64Array, i: number, s: number): Probe {
  const x0 = work[i] as number;
  const xp = x0 + s;
  const xm = x0 - s;
  return { x0, xp, xm, fp: evalAt(g, work, i, xp, x0), fm: evalAt(g, work, i, xm, x0) };
}

/** Central difference from a probe; the denominator uses the stored perturbed values. */
export function centralOf(p: Probe): number {
  return (p.fp - p.fm) / (p.xp - p.xm);
}

/** One-sided slopes (backward, forward) from a probe and f0 = g(x). */
export function oneSidedOf(p: Probe, f0: number): [number, number] {
  return [(f0 - p.fm) / (p.x0 - p.xm), (p.fp - f0) / (p.xp - p.x0)];
}

/**
 * Central-difference gradient of a scalar function, the independent oracle that analytic
 * gradients are measured against. `f` receives a Float64Array it must not keep or modify.
 */
export function numericGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  options?: StepOptions,
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
export function projected(f: (x: Float64Array) => ArrayLike<number>, upstream: Float64Array): (x: Float64Array) => number {
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
  options?: StepOptions,
): Float64Array {
  return numericGradient(projected(f, toFloat64(upstream, "upstream")), x, options);
}
