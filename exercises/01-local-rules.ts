/**
 * Exercise 01 — local backward rules.
 *
 * Every node of a computational graph only needs its LOCAL rule: given its inputs and the
 * upstream gradient g = ∂L/∂out, it returns ∂L/∂input = g · ∂out/∂input (the chain rule).
 * Fill in each function; check with `check("mul-backward", mulBackward)` in the notebook or
 * `npx backprop-lab grade exercises/`. No imports: this file must run on its own.
 */

/** out = a·b. Return { da, db }: ∂L/∂a = g·∂(ab)/∂a, ∂L/∂b = g·∂(ab)/∂b. (id: mul-backward) */
export function mulBackward(a: number, b: number, g: number): { da: number; db: number } {
  throw new Error("not implemented: mul-backward");
}

/** out = a/b. Return { da, db }. Hint: a/b = a·b⁻¹. (id: div-backward) */
export function divBackward(a: number, b: number, g: number): { da: number; db: number } {
  throw new Error("not implemented: div-backward");
}

/** out = xⁿ for a constant exponent n. Return ∂L/∂x = g · d(xⁿ)/dx. (id: pow-backward) */
export function powBackward(x: number, n: number, g: number): number {
  throw new Error("not implemented: pow-backward");
}

/** out = eˣ. Return ∂L/∂x = g · d(eˣ)/dx. (id: exp-backward) */
export function expBackward(x: number, g: number): number {
  throw new Error("not implemented: exp-backward");
}

/** out = ln x (x > 0). Return ∂L/∂x = g · d(ln x)/dx. (id: log-backward) */
export function logBackward(x: number, g: number): number {
  throw new Error("not implemented: log-backward");
}

/** out = tanh x. Return ∂L/∂x; the derivative is easiest written with the output t = tanh x. (id: tanh-backward) */
export function tanhBackward(x: number, g: number): number {
  throw new Error("not implemented: tanh-backward");
}

/** out = σ(x) = 1/(1+e⁻ˣ). Return ∂L/∂x; write σ′ with s = σ(x). (id: sigmoid-backward) */
export function sigmoidBackward(x: number, g: number): number {
  throw new Error("not implemented: sigmoid-backward");
}

/** out = max(0, x). Return ∂L/∂x (at x = 0 either choice is accepted). (id: relu-backward) */
export function reluBackward(x: number, g: number): number {
  throw new Error("not implemented: relu-backward");
}

/** out = sin x. Return ∂L/∂x. (id: sin-backward) */
export function sinBackward(x: number, g: number): number {
  throw new Error("not implemented: sin-backward");
}

/** out = cos x. Return ∂L/∂x — mind the sign. (id: cos-backward) */
export function cosBackward(x: number, g: number): number {
  throw new Error("not implemented: cos-backward");
}
