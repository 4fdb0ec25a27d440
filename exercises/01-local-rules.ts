/**
 * Exercise 01 — local backward rules.
 *
 * A node of a computational graph that computes `out` from its inputs only ever sees two things on
 * the way back: the values of its own inputs (saved by the forward pass) and the upstream gradient
 * g = ∂L/∂out that the nodes after it have already computed. From those it must return ∂L/∂(each
 * input). Each function below is that backward rule for one operation; every argument and result
 * is a plain number.
 *
 * Taught in: notebook 01, sections 3 "The chain rule, three ways" and 4 "Algorithm 6.2"; notebook 02,
 * section 3 "Backward pass, in reverse order". Conventions (table in docs/exercises.md and
 * notebooks/00-start-here.ipynb): row "upstream gradient"; relu also row "ReLU at 0".
 * Stuck? Notebook 10 has three levels of hints per exercise.
 *
 * Check with `check("mul-backward", mulBackward)` in a notebook or `npx backprop-lab grade exercises/`.
 * No imports: this file must run on its own.
 */

/** out = a·b. Return { da: ∂L/∂a, db: ∂L/∂b }. (id: mul-backward) */
export function mulBackward(a: number, b: number, g: number): { da: number; db: number } {
  throw new Error("not implemented: mul-backward");
}

/** out = a/b (b ≠ 0). Return { da: ∂L/∂a, db: ∂L/∂b }. (id: div-backward) */
export function divBackward(a: number, b: number, g: number): { da: number; db: number } {
  throw new Error("not implemented: div-backward");
}

/** out = xⁿ for a constant exponent n (n gets no gradient). Return ∂L/∂x. (id: pow-backward) */
export function powBackward(x: number, n: number, g: number): number {
  throw new Error("not implemented: pow-backward");
}

/** out = eˣ. Return ∂L/∂x. (id: exp-backward) */
export function expBackward(x: number, g: number): number {
  throw new Error("not implemented: exp-backward");
}

/** out = ln x (x > 0). Return ∂L/∂x. (id: log-backward) */
export function logBackward(x: number, g: number): number {
  throw new Error("not implemented: log-backward");
}

/** out = tanh x. You receive the INPUT x. Return ∂L/∂x. (id: tanh-backward) */
export function tanhBackward(x: number, g: number): number {
  throw new Error("not implemented: tanh-backward");
}

/** out = σ(x) = 1/(1 + e⁻ˣ). You receive the INPUT x. Return ∂L/∂x. (id: sigmoid-backward) */
export function sigmoidBackward(x: number, g: number): number {
  throw new Error("not implemented: sigmoid-backward");
}

/** out = max(0, x). Return ∂L/∂x; at exactly x = 0 either one-sided answer is accepted. (id: relu-backward) */
export function reluBackward(x: number, g: number): number {
  throw new Error("not implemented: relu-backward");
}

/** out = sin x. Return ∂L/∂x. (id: sin-backward) */
export function sinBackward(x: number, g: number): number {
  throw new Error("not implemented: sin-backward");
}

/** out = cos x. Return ∂L/∂x. (id: cos-backward) */
export function cosBackward(x: number, g: number): number {
  throw new Error("not implemented: cos-backward");
}
