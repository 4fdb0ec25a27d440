/**
 * Forward-mode automatic differentiation with dual numbers: each number carries a tangent, the
 * derivative of itself along one chosen input direction, pushed forward through every op by the
 * same local derivatives reverse mode uses (rules.ts).
 *
 * One forward pass gives the derivative along one direction (a Jacobian–vector product). A full
 * gradient of f: ℝⁿ → ℝ therefore costs n passes, where reverse mode needs one forward and one
 * backward pass: the contrast of 000 (figure 1) and 002 (section 7).
 */
import {
  ADD, COS, DIV, EXP, LOG, MUL, NEG, RELU, SIGMOID, SIN, SUB, TANH,
  checkExponent, checkResult, describeOperand, gradientOverflow, powRule,
  type BinaryRule, type ScalarOps, type UnaryRule,
} from "./rules";

/** A dual number or a plain number (a constant, tangent 0). */
export type DualScalar = Dual | number;

/**
 * A dual number value + tangent·ε with ε² = 0: arithmetic on it computes a function's value and
 * its directional derivative together. Immutable; the same ops and domain rules as `Value`.
 */
export class Dual implements ScalarOps<Dual> {
  /** The ordinary value f(x). */
  readonly value: number;
  /** The directional derivative ∇f(x) · v for the direction v seeded in the inputs. */
  readonly tangent: number;

  /** value + tangent·ε; the tangent defaults to 0, a constant. Both must be finite numbers. */
  constructor(value: number, tangent = 0) {
    checkFinite("value", value);
    checkFinite("tangent", tangent);
    this.value = value;
    this.tangent = tangent;
  }

  /** A constant (tangent 0) from a number; a Dual is returned as it is. */
  static from(x: DualScalar): Dual {
    if (x instanceof Dual) return x;
    if (typeof x !== "number") throw new TypeError(`Dual.from: expected a Dual or a number, got ${describeOperand(x)}`);
    return new Dual(x, 0);
  }

  /** The input we differentiate with respect to: tangent 1. */
  static variable(x: number): Dual {
    return new Dual(x, 1);
  }

  /** Σ xᵢ, the forward-mode twin of the engine's `sum`. */
  static sum(xs: readonly DualScalar[]): Dual {
    let value = 0;
    let tangent = 0;
    for (const x of xs) {
      const d = lift("sum", x);
      value += d.value;
      tangent += d.tangent;
    }
    checkResult("sum", value, `${xs.length} terms`);
    if (tangent - tangent !== 0) throw new RangeError(`sum: the tangents of ${xs.length} terms add up to ${tangent}, beyond float64`);
    return new Dual(value, tangent);
  }

  /** this + other */
  add(other: DualScalar): Dual {
    return binary(ADD, this, other);
  }

  /** this − other */
  sub(other: DualScalar): Dual {
    return binary(SUB, this, other);
  }

  /** this · other */
  mul(other: DualScalar): Dual {
    return binary(MUL, this, other);
  }

  /** this / other; dividing by an exact zero throws, as for Value. */
  div(other: DualScalar): Dual {
    return binary(DIV, this, other);
  }

  /** this^k for a constant k, with Value's domain rules. */
  pow(k: number): Dual {
    return unary(powRule(checkExponent("pow", k)), this);
  }

  /** −this */
  neg(): Dual {
    return unary(NEG, this);
  }

  /** e^this */
  exp(): Dual {
    return unary(EXP, this);
  }

  /** Natural log; a non-positive argument throws. */
  log(): Dual {
    return unary(LOG, this);
  }

  /** tanh */
  tanh(): Dual {
    return unary(TANH, this);
  }

  /** The logistic σ. */
  sigmoid(): Dual {
    return unary(SIGMOID, this);
  }

  /** max(0, x) with relu′(0) = 0. */
  relu(): Dual {
    return unary(RELU, this);
  }

  /** sin */
  sin(): Dual {
    return unary(SIN, this);
  }

  /** cos */
  cos(): Dual {
    return unary(COS, this);
  }

  /** Dual(value + tangentε), as the course writes a dual number. */
  toString(): string {
    return `Dual(${this.value} + ${this.tangent}ε)`;
  }
}

function checkFinite(what: string, v: unknown): void {
  if (typeof v !== "number") throw new TypeError(`Dual: ${what} must be a finite number, got ${describeOperand(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`Dual: ${what} must be a finite number, got ${v}`);
}

function lift(op: string, x: DualScalar): Dual {
  if (x instanceof Dual) return x;
  if (typeof x !== "number") throw new TypeError(`${op}: expected a Dual or a number, got ${describeOperand(x)}`);
  if (!Number.isFinite(x)) throw new RangeError(`${op}: operand must be a finite number, got ${x}`);
  return new Dual(x, 0);
}

// A zero tangent contributes nothing, so its derivative is not evaluated (this also keeps a
// constant at the infinite-slope point of x^k from throwing, exactly as Value skips a zero grad).

// A tangent that is not a finite float64 throws naming the op, as a gradient does in reverse mode.

function unary(rule: UnaryRule, x: Dual): Dual {
  const out = checkResult(rule.name, rule.value(x.value), String(x.value));
  if (x.tangent === 0) return new Dual(out, 0);
  const d = rule.derivative(x.value, out);
  const t = x.tangent * d;
  if (t - t !== 0) throw gradientOverflow(rule.name, "the tangent", `x = ${x.value}`, d, `tangent ${x.tangent}`);
  return new Dual(out, t);
}

function binary(rule: BinaryRule, x: Dual, other: DualScalar): Dual {
  const y = lift(rule.name, other);
  const out = checkResult(rule.name, rule.value(x.value, y.value), `${x.value}, ${y.value}`);
  const at = `(x, y) = (${x.value}, ${y.value})`;
  let t = 0;
  if (x.tangent !== 0) {
    const d = rule.dx(x.value, y.value, out);
    t = x.tangent * d;
    if (t - t !== 0) throw gradientOverflow(rule.name, "the tangent", at, d, `x's tangent ${x.tangent}`);
  }
  if (y.tangent !== 0) {
    const d = rule.dy(x.value, y.value, out);
    const ty = y.tangent * d;
    if (ty - ty !== 0) throw gradientOverflow(rule.name, "the tangent", at, d, `y's tangent ${y.tangent}`);
    t += ty;
    if (t - t !== 0) throw new RangeError(`${rule.name}: the tangents of x and y at ${at} add up to ${t}, beyond float64`);
  }
  return new Dual(out, t);
}

/** A function of several dual numbers returning one, the shape forward mode differentiates. */
export type DualFunction = (...xs: Dual[]) => Dual;

/** What one Jacobian–vector product gives: f(x), ∇f(x)·v, and the one pass it took. */
export interface JvpResult {
  /** f(x). */
  value: number;
  /** The directional derivative ∇f(x) · direction. */
  tangent: number;
  /** Forward passes used: always 1. */
  passes: number;
}

/** A full gradient by forward mode, with how many passes it took (one per input). */
export interface ForwardGradientResult {
  /** f(x). */
  value: number;
  /** [∂f/∂x₀, ∂f/∂x₁, …], entry i from pass i. */
  grad: number[];
  /** Forward passes used: xs.length (at least 1, to get the value of a function of no inputs). */
  passes: number;
}

function checkPoint(fn: string, xs: readonly number[]): void {
  if (!Array.isArray(xs)) throw new TypeError(`${fn}: expected an array of numbers, got ${describeOperand(xs)}`);
  xs.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new RangeError(`${fn}: input ${i} must be a finite number, got ${typeof x === "number" ? x : describeOperand(x)}`);
    }
  });
}

function runPass(fn: string, f: DualFunction, inputs: Dual[]): Dual {
  const out: unknown = f(...inputs);
  if (!(out instanceof Dual)) {
    throw new TypeError(`${fn}: f must return a Dual computed from its arguments, got ${describeOperand(out)}`);
  }
  return out;
}

/**
 * One forward pass seeded with tangents `direction`: gives ∇f(x)·direction, a directional
 * derivative, for the price of one evaluation.
 */
export function jvp(f: DualFunction, xs: readonly number[], direction: readonly number[]): JvpResult {
  checkPoint("jvp", xs);
  checkPoint("jvp", direction);
  if (direction.length !== xs.length) {
    throw new RangeError(`jvp: ${xs.length} inputs but the direction has ${direction.length} entries`);
  }
  const out = runPass("jvp", f, xs.map((x, i) => new Dual(x, direction[i] as number)));
  return { value: out.value, tangent: out.tangent, passes: 1 };
}

/**
 * The gradient of f at xs by forward mode: pass i seeds input i with tangent 1 and the others
 * with 0, and reads ∂f/∂xᵢ off the output. n inputs cost n passes.
 */
export function forwardGradient(f: DualFunction, xs: readonly number[]): ForwardGradientResult {
  checkPoint("forwardGradient", xs);
  const grad: number[] = [];
  let value = NaN;
  let passes = 0;
  for (let i = 0; i < xs.length; i++) {
    const out = runPass("forwardGradient", f, xs.map((x, j) => new Dual(x, j === i ? 1 : 0)));
    passes++;
    value = out.value;
    grad.push(out.tangent);
  }
  if (xs.length === 0) {
    value = runPass("forwardGradient", f, []).value;
    passes = 1;
  }
  return { value, grad, passes };
}
