/**
 * Exercise 05 — one step of the δ recurrence (id: delta-recurrence).
 *
 * Two consecutive layers: a^l = f(z^l) elementwise, then z^(l+1) = W^(l+1) a^l + b^(l+1). You
 * receive W = W^(l+1), deltaNext = δ^(l+1) = ∂L/∂z^(l+1) (already known for every example), the
 * pre-activations z = z^l saved by the forward pass, and the name of f. Return δ^l = ∂L/∂z^l.
 *
 * Matrices are arrays of rows; a batch is the COLUMNS. Shapes: W is d_{l+1} × d_l, deltaNext is
 * d_{l+1} × M, z is d_l × M; the result is d_l × M. Examples do not mix: column m of the result
 * depends only on column m of deltaNext and of z. For relu at exactly z = 0 either one-sided
 * answer is accepted.
 *
 * Taught in: notebook 03, sections 4 "Task 2: δ^(l) from δ^(l+1)" and 5 "The backward pass is a
 * network run in reverse"; notebook 04, section 4 "The backward pass for one example"; notebook 05,
 * practice problem 4 (one of the visible cases). Conventions (table in docs/exercises.md and
 * notebooks/00-start-here.ipynb): rows "layout", "layer numbers", "δ" and "ReLU at 0".
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export function deltaStep(
  W: number[][],
  deltaNext: number[][],
  z: number[][],
  activation: "sigmoid" | "tanh" | "relu",
): number[][] {
  throw new Error("not implemented: delta-recurrence");
}
