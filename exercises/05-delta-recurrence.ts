/**
 * Exercise 05 — one step of the δ recurrence (id: delta-recurrence).
 *
 * With δ^l = ∂L/∂z^l, the error of layer l comes from the error of layer l+1:
 *
 *     δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l)
 *
 * Matrices are arrays of rows; a batch is the COLUMNS. Shapes: W is d_{l+1} × d_l, deltaNext is
 * d_{l+1} × M, z is d_l × M; return d_l × M. `activation` names f for layer l. No imports.
 */
export function deltaStep(
  W: number[][],
  deltaNext: number[][],
  z: number[][],
  activation: "sigmoid" | "tanh" | "relu",
): number[][] {
  throw new Error("not implemented: delta-recurrence");
}
