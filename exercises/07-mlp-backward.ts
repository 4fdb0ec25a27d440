/**
 * Exercise 07 — the full backward pass of a matrix MLP with weight decay (id: mlp-backward).
 *
 * Layers l = 1..L: z^l = W^l a^(l−1) + b^l, a^l = f(z^l) for hidden layers, a^L = z^L (linear output),
 * a^0 = X (d_0 × M, a batch is the COLUMNS). Cost, with weight decay on the weights only:
 *     J = (1/M) Σ_m ½‖a^L_m − y_m‖² + (λ/2) Σ_l ‖W^l‖²
 * Backward: δ^L = (a^L − Y)/M, δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l),
 *     ∂J/∂W^l = δ^l (a^(l−1))ᵀ + λ W^l,   ∂J/∂b^l = Σ_m δ^l_m.
 * params.W[l−1] is W^l, params.b[l−1] is b^l. Return { dW, db } in the same layout. No imports.
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
