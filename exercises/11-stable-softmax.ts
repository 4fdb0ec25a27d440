/**
 * Exercise 11 — softmax cross-entropy that survives large logits (id: stable-softmax-ce).
 *
 * Scores Z are C × M (a batch is the COLUMNS: column m holds example m's C class scores) and y
 * holds the class index of each example (length M). The loss is the batch mean
 *
 *     L = (1/M) Σ_m −ln softmax(z_m)_{y_m}.
 *
 * Return { loss: L, dZ: ∂L/∂Z } (dZ is C × M). The grader sends scores in the hundreds and
 * thousands, positive and negative: in float64, Math.exp overflows to Infinity a little above 709
 * and underflows to 0 a little below −745, so the textbook formula written directly returns NaN
 * or Infinity. Both numbers must come out finite and right for every input.
 *
 * Taught in: notebook 03 (the softmax + cross-entropy output delta) and notebook 07, part 2; why
 * naive exp fails, and the property of softmax that rescues it, in notebook 10, section "File 11".
 * Conventions (table in docs/exercises.md and notebooks/00-start-here.ipynb): rows "layout" and
 * "1/M of the batch mean" (the 1/M is in L, so it is in dZ).
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export function stableSoftmaxCrossEntropy(Z: number[][], y: number[]): { loss: number; dZ: number[][] } {
  throw new Error("not implemented: stable-softmax-ce");
}
