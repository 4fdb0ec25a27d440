/**
 * Exercise 07 — the full backward pass of a matrix MLP with weight decay (id: mlp-backward).
 *
 * The network: layers l = 1..L with z^l = W^l a^(l−1) + b^l; a^l = f(z^l) for the hidden layers
 * (f = `hidden`, elementwise), a^L = z^L (a linear output); a^0 = X. X is d_0 × M and Y is d_L × M:
 * a batch is the COLUMNS. The cost, with weight decay on the weights only:
 *
 *     J = (1/M) Σ_m ½‖a^L_m − y_m‖²  +  (λ/2) Σ_l ‖W^l‖²      (‖·‖² of a matrix: sum of squared entries)
 *
 * params.W[l−1] is W^l (d_l × d_(l−1), arrays of rows) and params.b[l−1] is b^l (a plain array of
 * length d_l); L is params.W.length. Return { dW, db } in the same layout: dW[l−1] = ∂J/∂W^l,
 * db[l−1] = ∂J/∂b^l. The grader gives partial credit per layer and per component.
 *
 * Taught in: notebook 04, sections 2 "The forward pass", 4 "The backward pass for one example",
 * 5 "Batches: examples are columns" and 7 "Weight decay"; notebook 07, part 2. Conventions (table in
 * docs/exercises.md and notebooks/00-start-here.ipynb): rows "layout", "layer numbers", "1/M of the
 * batch mean", "squared error" and "weight decay" (this exercise writes the penalty as (λ/2)Σ‖W‖²,
 * the notebooks as λΣW²).
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export function mlpBackward(
  params: { W: number[][][]; b: number[][] },
  X: number[][],
  Y: number[][],
  hidden: "relu" | "tanh" | "sigmoid",
  lambda: number,
): { dW: number[][][]; db: number[][] } {
  throw new Error("not implemented: mlp-backward");
}
