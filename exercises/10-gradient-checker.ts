/**
 * Exercise 10 — your own gradient checker (id: gradient-checker).
 *
 * Given a scalar function f of a vector x (f takes an array of x.length numbers and does not
 * change it), a point x and a gradient `analytic` that someone's backward pass claims is ∇f(x),
 * return
 * - `numeric`: for every coordinate i, the CENTRAL difference of f along coordinate i with step h
 *   (notebook 06 section 1: why central, not one-sided);
 * - `relErrors`: for every i, the course's relative error between analytic[i] and numeric[i]
 *   (notebook 06 section 2; define it as 0 when both are 0);
 * - `wrong`: the indices i (ascending) whose relative error is above `tolerance`.
 *
 * The grader hands you smooth functions, functions with kinks (relu, |x|) evaluated near but not
 * across the kink, and matrices flattened row by row. Some gradients are right and some are
 * planted wrong (scaled, transposed, one sign flipped, the slope from the wrong side of a kink):
 * flag exactly the wrong entries. Use h and tolerance as given.
 *
 * Taught in: notebook 06, sections 1 "Two difference quotients" and 2 "The checker on a whole
 * network". Conventions (table in
 * docs/exercises.md and notebooks/00-start-here.ipynb): rows "layout" (a matrix arrives flattened row by row).
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export function gradientCheck(
  f: (x: number[]) => number,
  x: number[],
  analytic: number[],
  h: number,
  tolerance: number,
): { numeric: number[]; relErrors: number[]; wrong: number[] } {
  throw new Error("not implemented: gradient-checker");
}
