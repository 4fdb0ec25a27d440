/**
 * Exercise 03 — the toy chain network, every derivative (id: toy-chain).
 *
 *     f_0 = β_0 + ω_0·x,   h_k = a[f_(k−1)],   f_k = β_k + ω_k·h_k  (k = 1, 2, 3),   ℓ = (f_3 − y)²
 *
 * Work backwards: ∂ℓ/∂f_3 = 2(f_3 − y); ∂ℓ/∂h_k = ω_k ∂ℓ/∂f_k; ∂ℓ/∂f_(k−1) = a′[f_(k−1)] ∂ℓ/∂h_k;
 * then ∂ℓ/∂β_k = ∂ℓ/∂f_k and ∂ℓ/∂ω_k = ∂ℓ/∂f_k · (input of layer k: h_k, or x for k = 0).
 * Return { df: [f_0..f_3], dh: [h_1..h_3], dbeta: [β_0..β_3], domega: [ω_0..ω_3] }. No imports.
 */
export function toyChainBackward(
  x: number,
  y: number,
  beta: number[],
  omega: number[],
  activation: "relu" | "tanh" | "sigmoid",
): { df: number[]; dh: number[]; dbeta: number[]; domega: number[] } {
  throw new Error("not implemented: toy-chain");
}
