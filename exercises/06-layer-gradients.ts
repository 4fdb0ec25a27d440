/**
 * Exercise 06 — parameter gradients of a layer for a batch (id: layer-gradients).
 *
 * For z = W a + b and the batch-mean loss L = (1/M) Σ_m ℓ_m, with δ the d × M matrix whose
 * column m is ∂ℓ_m/∂z_m and A the n × M matrix of the previous layer's activations:
 *
 *     ∂L/∂W = (1/M) δ Aᵀ        (d × n, the shape of W)
 *     ∂L/∂b = (1/M) Σ_m δ_m     (length d, the shape of b)
 *
 * Matrices are arrays of rows; a batch is the COLUMNS. Return { dW, db }. No imports.
 */
export function layerGradients(delta: number[][], A: number[][]): { dW: number[][]; db: number[] } {
  throw new Error("not implemented: layer-gradients");
}
