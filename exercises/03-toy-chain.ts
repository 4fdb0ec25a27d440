/**
 * Exercise 03 — the toy chain network, every derivative (id: toy-chain).
 *
 * The network of the Understanding Deep Learning slides (document 004), one unit wide:
 *
 *     f_0 = β_0 + ω_0·x,   h_k = a[f_(k−1)],   f_k = β_k + ω_k·h_k  (k = 1, 2, 3),   ℓ = (f_3 − y)²
 *
 * with the same activation a in all three hidden units: "relu", "tanh" or "sigmoid". `beta` and
 * `omega` hold β_0..β_3 and ω_0..ω_3 (index k is layer k, counted from 0 as the slides do).
 * Return { df: [∂ℓ/∂f_0, …, ∂ℓ/∂f_3], dh: [∂ℓ/∂h_1, ∂ℓ/∂h_2, ∂ℓ/∂h_3],
 *          dbeta: [∂ℓ/∂β_0, …, ∂ℓ/∂β_3], domega: [∂ℓ/∂ω_0, …, ∂ℓ/∂ω_3] }.
 * Every value is a plain number; the checker compares each with central differences.
 *
 * Taught in: notebook 02, sections 2 "Forward pass", 3 "Backward pass, in reverse order" and
 * 4 "From intermediate values to the eight parameters". Conventions (table in docs/exercises.md and
 * notebooks/00-start-here.ipynb): rows "layer numbers" and "squared error".
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
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
