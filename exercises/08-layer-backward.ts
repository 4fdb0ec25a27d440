/**
 * Exercise 08 — layer backward functions in the CS231n style. Each receives the upstream gradient
 * (∂L/∂ of the layer's output, same shape as that output) and the cache its forward pass saved, and
 * returns ∂L/∂ of the layer's inputs, each with its input's shape. Nothing else is available: what
 * the cache holds is all a backward may use.
 *
 * Matrices are arrays of rows; a batch is the COLUMNS (d × M).
 *
 * Taught in: notebook 04, sections 3 "Jacobians of the two kinds of step", 4 and 5 (one example, a
 * batch); notebook 03, section 3(c) (softmax with cross-entropy); notebook 08, section 4 "Memory: what
 * must be kept between the passes". Conventions (table in docs/exercises.md and
 * notebooks/00-start-here.ipynb): rows "layout", "upstream gradient", "1/M of the batch mean" and
 * "ReLU at 0". Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */

/**
 * Linear layer Z = W X + b 1ᵀ (b added to every column), cache { X, W }. Given dZ = ∂L/∂Z (d × M,
 * already carrying whatever 1/M the loss has), return { dX: ∂L/∂X, dW: ∂L/∂W, db: ∂L/∂b } with the
 * shapes of X, W and b (db a plain array of length d). (id: linear-layer-backward)
 */
export function linearLayerBackward(dZ: number[][], cache: { X: number[][]; W: number[][] }): { dX: number[][]; dW: number[][]; db: number[] } {
  throw new Error("not implemented: linear-layer-backward");
}

/** A = relu(Z) elementwise, cache { z } (the INPUT Z). Given dA = ∂L/∂A, return dZ = ∂L/∂Z; at z = 0 either one-sided answer is accepted. (id: relu-layer-backward) */
export function reluLayerBackward(dA: number[][], cache: { z: number[][] }): number[][] {
  throw new Error("not implemented: relu-layer-backward");
}

/** A = σ(Z) elementwise, cache { a } (the OUTPUT A — Z was not kept). Given dA = ∂L/∂A, return dZ = ∂L/∂Z. (id: sigmoid-layer-backward) */
export function sigmoidLayerBackward(dA: number[][], cache: { a: number[][] }): number[][] {
  throw new Error("not implemented: sigmoid-layer-backward");
}

/** A = tanh(Z) elementwise, cache { a } (the OUTPUT A — Z was not kept). Given dA = ∂L/∂A, return dZ = ∂L/∂Z. (id: tanh-layer-backward) */
export function tanhLayerBackward(dA: number[][], cache: { a: number[][] }): number[][] {
  throw new Error("not implemented: tanh-layer-backward");
}

/**
 * Scores Z (C × M: column m holds example m's C class scores) and class indices y (length M, each in
 * 0..C−1). The loss is the batch mean L = (1/M) Σ_m −ln softmax(z_m)_{y_m}, softmax taken over each
 * column. Return dZ = ∂L/∂Z (C × M). (id: softmax-ce-backward)
 */
export function softmaxCrossEntropyBackward(Z: number[][], y: number[]): number[][] {
  throw new Error("not implemented: softmax-ce-backward");
}
