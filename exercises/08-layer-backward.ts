/**
 * Exercise 08 — layer backward functions in the CS231n style: each takes the upstream gradient
 * and the cache its forward pass saved, and returns the gradient(s) for its inputs.
 * Matrices are arrays of rows; a batch is the COLUMNS. No imports.
 */

/**
 * Linear layer Z = W X + b 1ᵀ, cache { X, W }. Given dZ = ∂L/∂Z, return
 * dX = Wᵀ dZ, dW = dZ Xᵀ, db = Σ_m dZ_m (dZ already includes the loss's 1/M). (id: linear-layer-backward)
 */
export function linearLayerBackward(dZ: number[][], cache: { X: number[][]; W: number[][] }): { dX: number[][]; dW: number[][]; db: number[] } {
  throw new Error("not implemented: linear-layer-backward");
}

/** A = relu(Z), cache { z } (the input). Return dZ = dA ⊙ relu′(z); at z = 0 either relu′ = 0 or 1 is accepted. (id: relu-layer-backward) */
export function reluLayerBackward(dA: number[][], cache: { z: number[][] }): number[][] {
  throw new Error("not implemented: relu-layer-backward");
}

/** A = σ(Z), cache { a } (the OUTPUT). Return dZ = dA ⊙ σ′(z), written with a. (id: sigmoid-layer-backward) */
export function sigmoidLayerBackward(dA: number[][], cache: { a: number[][] }): number[][] {
  throw new Error("not implemented: sigmoid-layer-backward");
}

/** A = tanh(Z), cache { a } (the OUTPUT). Return dZ = dA ⊙ tanh′(z), written with a. (id: tanh-layer-backward) */
export function tanhLayerBackward(dA: number[][], cache: { a: number[][] }): number[][] {
  throw new Error("not implemented: tanh-layer-backward");
}

/**
 * L = (1/M) Σ_m −ln softmax(z_m)_{y_m} for scores Z (C × M) and class indices y (length M).
 * Return dZ = ∂L/∂Z (C × M). (id: softmax-ce-backward)
 */
export function softmaxCrossEntropyBackward(Z: number[][], y: number[]): number[][] {
  throw new Error("not implemented: softmax-ce-backward");
}
