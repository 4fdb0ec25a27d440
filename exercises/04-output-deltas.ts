/**
 * Exercise 04 — the output delta δ^L = ∂ℓ/∂z^L for four output/loss pairs.
 *
 * Z and Y are d × M (arrays of rows; column m is example m). Return δ^L, also d × M, where column
 * m is ∂ℓ_m/∂z^L_m for that example's loss ℓ_m — no 1/M here (the batch mean is taken when the
 * parameter gradients are formed, exercise 06). In general δ^L = ∂ℓ/∂a^L ⊙ f′(z^L). No imports.
 */

/** a = z, ℓ = ½‖a − y‖². (id: delta-linear-squared) */
export function deltaLinearSquared(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-linear-squared");
}

/** a = σ(z), ℓ = ½‖a − y‖² — the per-example part of the course's 1/(2m) loss. δ = (a − y) ⊙ σ′(z). (id: delta-sigmoid-squared) */
export function deltaSigmoidSquared(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-sigmoid-squared");
}

/** a = σ(z), ℓ = −Σ [y ln a + (1 − y) ln(1 − a)]. Work out what happens to σ′. (id: delta-sigmoid-bce) */
export function deltaSigmoidBce(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-sigmoid-bce");
}

/** a = softmax(z) per column, ℓ = −Σ_i y_i ln a_i with one-hot columns y. (id: delta-softmax-ce) */
export function deltaSoftmaxCe(Z: number[][], Y: number[][]): number[][] {
  throw new Error("not implemented: delta-softmax-ce");
}
