/**
 * Exercise 06 — parameter gradients of one layer for a batch (id: layer-gradients).
 *
 * The layer computes z_m = W a_m + b for every example m of the batch, and the loss is the batch
 * MEAN L = (1/M) Σ_m ℓ_m. You receive
 *   - delta: d × M, column m is example m's own ∂ℓ_m/∂z_m (per example: no 1/M inside yet);
 *   - A: n × M, column m is the layer's input a_m (the previous layer's activations).
 * Return { dW: ∂L/∂W, db: ∂L/∂b }: dW has W's shape d × n, db is a plain array of length d (b's
 * shape; a d × 1 column is accepted too).
 *
 * Taught in: notebook 03, section 2 "One weight, two factors"; notebook 04, sections 4 "The backward
 * pass for one example (algorithm 6.4)" and 5 "Batches: examples are columns"; notebook 06,
 * section 3 "The pitfalls of the course". Conventions (table in docs/exercises.md and
 * notebooks/00-start-here.ipynb): rows "layout" and "1/M of the batch mean".
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export function layerGradients(delta: number[][], A: number[][]): { dW: number[][]; db: number[] } {
  throw new Error("not implemented: layer-gradients");
}
