/**
 * The functional face of the engine, as in JAX: turn a function that builds its result from
 * `Value`s into a function of plain numbers that returns its gradient. A notebook can then
 * compare reverse mode, forward mode and finite differences on the same numbers.
 */
import { describeOperand } from "./rules";
import { Value } from "./value";

/** A function of several Values returning one Value, the shape reverse mode differentiates. */
export type ValueFunction = (...xs: Value[]) => Value;

/** f(x) and ∇f(x) from one forward and one backward pass. */
export interface ValueAndGrad {
  /** f(x₀, x₁, …). */
  value: number;
  /** [∂f/∂x₀, ∂f/∂x₁, …], in argument order. */
  grad: number[];
}

function evaluate(fn: string, f: ValueFunction, xs: readonly number[]): ValueAndGrad {
  if (typeof f !== "function") throw new TypeError(`${fn}: expected a function, got ${describeOperand(f)}`);
  // f.length counts declared parameters before any default or rest one; 0 tells nothing.
  if (f.length > 0 && xs.length !== f.length) {
    throw new RangeError(`${fn}: f takes ${f.length} argument${f.length === 1 ? "" : "s"} but was given ${xs.length} number${xs.length === 1 ? "" : "s"}`);
  }
  const inputs = xs.map((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new RangeError(`${fn}: argument ${i} must be a finite number, got ${typeof x === "number" ? x : describeOperand(x)}`);
    }
    return new Value(x, `x${i}`);
  });
  const out: unknown = f(...inputs);
  if (!(out instanceof Value)) {
    throw new TypeError(
      `${fn}: f must return a Value built from its arguments, got ${describeOperand(out)}` +
        (typeof out === "number" ? " (did an op run on plain numbers, e.g. Math.exp instead of x.exp()?)" : ""),
    );
  }
  out.backward();
  return { value: out.data, grad: inputs.map((v) => v.grad) };
}

/**
 * ∇f as a function of numbers: grad(f)(x₀, x₁, …) returns [∂f/∂x₀, ∂f/∂x₁, …] from one backward
 * pass, however many inputs there are.
 */
export function grad(f: ValueFunction): (...xs: number[]) => number[] {
  return (...xs: number[]) => evaluate("grad", f, xs).grad;
}

/** Like `grad`, but also returns f's value, which the same forward pass computed anyway. */
export function valueAndGrad(f: ValueFunction): (...xs: number[]) => ValueAndGrad {
  return (...xs: number[]) => evaluate("valueAndGrad", f, xs);
}
