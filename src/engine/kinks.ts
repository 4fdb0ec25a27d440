/**
 * Kink handling: whether a coordinate's central difference can be trusted, or x sits on a
 * non-differentiable point (relu at 0, |x|, max), or the step was too coarse for x.
 *
 * Every entry is tested. The one-sided slopes
 * d₋ = (f(x) − f(x−h))/h and d₊ = (f(x+h) − f(x))/h are read off the central-difference
 * evaluations; only when they differ by more than the tolerance (and more than round-off) does
 * the step start halving (two evaluations a level), so smooth entries cost nothing extra.
 * For a smooth f the gap is about f″·h and halves with the step; at a kink it is the jump of
 * the slope and does not shrink: a gap that keeps three quarters of itself marks a kink at x.
 * A gap that shrinks while the central difference still moves beyond the tolerance means the
 * step was too coarse for x: a kink inside the step but off x, or strong curvature (1/x near
 * 0, whose truncation error f‴h²/6 is itself above the tolerance). The halving goes on until
 * the central difference stops moving (the step no longer crosses the kink) or three levels
 * converge as a smooth f's do (differences shrinking 4-fold, the gap halving), which Richardson
 * extrapolation (4·c(t) − c(2t))/3 then finishes; the entry is judged normally on that value,
 * with a note. (Calling such entries kinks would excuse a wrong gradient lying between two
 * wide one-sided slopes.) If round-off or f's domain stops the halving first, it is a kink.
 * A kink entry whose analytic value lies between the one-sided slopes seen (a valid
 * subgradient) is reported with `kinkStatus: "subgradient"` and left out of the verdict; one outside that
 * range (with a tolerance-sized slack) still fails. The point itself is never moved, so the
 * report is about exactly the x the caller gave; a kink closer to x than about h/5 is reported
 * as a kink at x.
 */
import { centralOf, oneSidedOf, PerturbedPointError, probe, type Probe } from "./finite-differences";

/**
 * What the kink test found at one coordinate, with the range [lo, hi] of one-sided slopes seen:
 * - "smooth": the central difference at the given step stands;
 * - "refined": the step was too coarse for x (a kink inside the step but off x, or strong
 *   curvature); `value` is the numeric derivative from the smaller `step`;
 * - "kink": x sits on a kink; the analytic value is judged as a subgradient against [lo, hi].
 */
export type KinkFinding =
  | { kind: "smooth"; lo: number; hi: number }
  | { kind: "refined"; lo: number; hi: number; value: number; step: number }
  | { kind: "kink"; lo: number; hi: number };

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
 * The kink test described above, for coordinate i. Level 0 is the probe already
 * made for the central difference: when its one-sided slopes agree, the entry costs nothing more.
 * Otherwise the step halves: a jump that does not shrink is a kink at x; central differences that
 * stop moving, or converge as h² (then extrapolated), resolve a smooth x at a smaller step; a
 * search that round-off or f's domain stops first ends as a kink, judged by the slopes seen.
 */
export function testKink(g: (x: Float64Array) => number, work: Float64Array, i: number, p1: Probe, f0: number, tol: number): KinkFinding {
  // Round-off of a one-sided slope at step t is about ε·|f|/t; a gap or a move of the central
  // difference must beat a generous multiple of it, or noise could pass for structure.
  const roundOff = (t: number): number => (200 * Number.EPSILON * Math.max(1, Math.abs(f0))) / t;
  const gapOf = (l: Level): number => l.dp - l.dm;
  const scaleOf = (...ls: Level[]): number => Math.max(...ls.flatMap((l) => [Math.abs(l.dm), Math.abs(l.dp)]));
  const levels: Level[] = [levelOf(p1, f0)];
  const first = levels[0] as Level;
  let lo = Math.min(first.dm, first.dp);
  let hi = Math.max(first.dm, first.dp);
  if (!(Math.abs(gapOf(first)) > Math.max(tol * scaleOf(first), 4 * roundOff(first.t)))) return { kind: "smooth", lo, hi };
  for (let k = 1; k <= 16; k++) {
    const prev = levels[k - 1] as Level;
    let p: Probe;
    try {
      p = probe(g, work, i, first.t / 2 ** k);
    } catch (e) {
      if (!(e instanceof PerturbedPointError)) throw e;
      // f failed closer to x than where it worked: at the first halving there is no evidence of a
      // kink to weigh; later, what was seen stands.
      return k === 1 ? { kind: "smooth", lo, hi } : { kind: "kink", lo, hi };
    }
    const l = levelOf(p, f0);
    levels.push(l);
    lo = Math.min(lo, l.dm, l.dp);
    hi = Math.max(hi, l.dm, l.dp);
    const scale = scaleOf(prev, l);
    const gap = gapOf(l);
    // A jump in the slope that does not shrink with the step: x sits on a kink.
    if (Math.abs(gap) > 0.75 * Math.abs(gapOf(prev)) && Math.abs(gap) > Math.max(tol * scale, 4 * roundOff(l.t))) {
      return { kind: "kink", lo, hi };
    }
    // Three levels converging as a smooth f's do (differences shrink 4-fold, the slope gap
    // halves): strong curvature, resolved by extrapolation.
    if (k >= 2) {
      const before = levels[k - 2] as Level;
      const convergence = (before.c - prev.c) / (prev.c - l.c);
      const halving = gapOf(prev) / gap;
      if (convergence > 2.5 && convergence < 6.5 && halving > 1.4 && halving < 2.8) {
        const r = richardson(g, work, i, l.t, prev.c, l.c, tol, f0);
        return { kind: "refined", lo, hi, value: r.value, step: r.step };
      }
    }
    // The central difference no longer moves: resolved (at the original step when k = 1).
    if (!(Math.abs(l.c - prev.c) > Math.max(tol * scale, 2 * roundOff(l.t)))) {
      return k === 1 ? { kind: "smooth", lo, hi } : { kind: "refined", lo, hi, value: l.c, step: l.t };
    }
    if (2 * roundOff(l.t / 2) > tol * scale) break; // a smaller step would only measure round-off
  }
  return { kind: "kink", lo, hi };
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
