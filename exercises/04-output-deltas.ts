/**
 * Exercise 04 — the output error δ^L = ∂ℓ/∂z^L for four output-activation / loss pairs.
 *
 * Every function receives the output layer's pre-activations Z and the targets Y, both d × M
 * (arrays of rows; column m is example m), and returns δ^L with the same d × M shape. Column m of
 * δ^L is ∂ℓ_m/∂z^L_m for THAT example's own loss ℓ_m: no 1/M and no sum over the batch here (the
 * batch mean enters later, exercise 06). Each function computes the output activation a^L from Z
 * itself.
 *
 * Taught in: notebook 03, section 3 "Task 1: δ^(L) at the output" — (a) squared error, (b) sigmoid
 * with binary cross-entropy, (c) softmax with cross-entropy; notebook 05, example 2.
 * Conventions (table in docs/exercises.md and notebooks/00-start-here.ipynb): rows "layout",
 * "δ", "1/M of the batch mean" and "squared error" (the ½‖a − y‖² below is document 000's cost
 * C^t = (1/2m)·Σ over the m output units, multiplied by m).
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */

/** a^L = z^L (a linear output), ℓ_m = ½‖a^L_m − y_m‖². Return δ^L. (id: delta-linear-squared) */
export function deltaLinearSquared(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-linear-squared");
}

/** a^L = σ(z^L) elementwise, ℓ_m = ½‖a^L_m − y_m‖² (targets in [0, 1]). Return δ^L. (id: delta-sigmoid-squared) */
export function deltaSigmoidSquared(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-sigmoid-squared");
}

/**
 * a^L = σ(z^L) elementwise, ℓ_m = −Σ_i [y_i ln a_i + (1 − y_i) ln(1 − a_i)] summed over the d units
 * (targets 0 or 1). Return δ^L. (id: delta-sigmoid-bce)
 */
export function deltaSigmoidBce(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-sigmoid-bce");
}

/**
 * a^L = softmax of each COLUMN of Z (one example's d class scores), ℓ_m = −Σ_i y_i ln a_i with a
 * one-hot column y_m. Return δ^L. (id: delta-softmax-ce)
 */
export function deltaSoftmaxCe(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-softmax-ce");
}
