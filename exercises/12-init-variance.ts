/**
 * Exercise 12 — choosing the initial variance (id: init-variance).
 *
 * A layer computes z = W a + b with n = fanIn inputs, b = 0 at the start, and its units apply a
 * leaky ReLU f(z) = z for z > 0 and f(z) = negativeSlope · z for z ≤ 0 (negativeSlope 0 is the
 * plain ReLU, 1 makes the unit linear; the grader sends values in [0, 1]). The weights W_ij are
 * drawn independently with mean 0. Return the STANDARD DEVIATION of W_ij that keeps the spread of
 * the pre-activations the same from layer to layer at the start of training:
 * Var(z^(l)) = Var(z^(l−1)) when z^(l−1) is symmetric around 0 with mean 0.
 *
 * Taught in: notebook 09, section 2 "A deep ReLU network, layer by layer" (how the variance of z
 * changes through one ReLU layer), and UDL 7.3. Derive the leaky case yourself: what fraction of
 * E[z²] does f keep? Afterwards, notebook 09's section "Your turn" runs a deep network with your
 * choice. Conventions (table in
 * docs/exercises.md and notebooks/00-start-here.ipynb): rows "layout" (fan-in is d_in, the number of columns of W).
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export function initStd(fanIn: number, negativeSlope: number): number {
  throw new Error("not implemented: init-variance");
}
