/** Worked solution for exercise 12: the He initialisation, generalised to a leaky ReLU. */

/**
 * Var(z^(l)) = n · Var(W) · E[f(z^(l−1))²], and for symmetric z a leaky ReLU keeps half the second
 * moment from each side: E[f(z)²] = (1 + α²)/2 · Var(z). Setting the product to 1 gives
 * Var(W) = 2 / ((1 + α²) n): 2/n for ReLU (He), 1/n for a linear unit (LeCun).
 */
export function initStd(fanIn: number, negativeSlope: number): number {
  return Math.sqrt(2 / ((1 + negativeSlope * negativeSlope) * fanIn));
}
