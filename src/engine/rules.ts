/**
 * The local rules of every scalar operation: its value and its derivative, written side by side.
 *
 * Reverse mode (`Value`) multiplies an upstream gradient by these derivatives; forward mode (`Dual`)
 * multiplies a tangent by the very same numbers. Both modes read this one table, so they cannot
 * drift apart, and the whole calculus of the engine fits on one screen.
 *
 * Domain policy, the same in both modes (never a silent NaN or Infinity):
 * - relu′(0) = 0 (the convention of PyTorch; any number in [0, 1] is a valid subgradient).
 * - log x needs x > 0; x / y needs y ≠ 0; x^k needs a real result: a negative x only with an integer
 *   k, and x = 0 only with k ≥ 0. Outside these a `RangeError` names the op and the numbers.
 * - x^k with 0 < k < 1 has an infinite slope at x = 0: its value is 0 but asking for its derivative
 *   (with a non-zero upstream gradient or tangent) throws.
 * - Any result that is not a finite float64 (overflow, e.g. exp(800), or a NaN fed in by hand)
 *   throws a `RangeError` naming the op and its inputs. So does a derivative: a gradient or a
 *   tangent that overflows (1/x at x = 1e-200, whose slope −1/x² is beyond float64).
 */

/** The operations every scalar type of the engine supports, so one function can run in both modes. */
export interface ScalarOps<T> {
  /** this + other */
  add(other: T | number): T;
  /** this − other */
  sub(other: T | number): T;
  /** this · other */
  mul(other: T | number): T;
  /** this / other (other ≠ 0) */
  div(other: T | number): T;
  /** this^k for a constant k */
  pow(exponent: number): T;
  /** −this */
  neg(): T;
  /** e^this */
  exp(): T;
  /** ln this (this > 0) */
  log(): T;
  /** tanh this */
  tanh(): T;
  /** σ(this) */
  sigmoid(): T;
  /** max(0, this) */
  relu(): T;
  /** sin this */
  sin(): T;
  /** cos this */
  cos(): T;
}

/** A one-input operation y = f(x). */
export interface UnaryRule {
  /** Tells the rule kinds apart without instanceof. */
  readonly arity: 1;
  /** The op's name in error messages ("pow", "log"). */
  readonly name: string;
  /** Label shown in graphs ("exp", "^2"). */
  readonly symbol: string;
  /** y = f(x), throwing a RangeError outside the op's domain. */
  value(x: number): number;
  /** dy/dx at x, given the output y = value(x): several rules read it off y (exp, tanh, sigmoid). */
  derivative(x: number, y: number): number;
}

/** A two-input operation out = f(x, y) with its two partial derivatives. */
export interface BinaryRule {
  /** Tells the rule kinds apart without instanceof. */
  readonly arity: 2;
  /** The op's name in error messages ("div"). */
  readonly name: string;
  /** Operator sign shown in graphs ("+", "*", …). */
  readonly symbol: string;
  /** out = f(x, y), throwing a RangeError outside the op's domain. */
  value(x: number, y: number): number;
  /** ∂out/∂x */
  dx(x: number, y: number, out: number): number;
  /** ∂out/∂y */
  dy(x: number, y: number, out: number): number;
}

function domainError(op: string, message: string): RangeError {
  return new RangeError(`${op}: ${message}`);
}

// ── two-input operations ─────────────────────────────────────────────────────────────────────────

/** x + y: both slopes are 1, so a sum hands its upstream gradient to every input unchanged. */
export const ADD: BinaryRule = {
  arity: 2, name: "add", symbol: "+",
  value: (x, y) => x + y,
  dx: () => 1,
  dy: () => 1,
};

/** x − y: the −1 on y is where a sign error hides. */
export const SUB: BinaryRule = {
  arity: 2, name: "sub", symbol: "-",
  value: (x, y) => x - y,
  dx: () => 1,
  dy: () => -1,
};

/** x · y: each input's slope is the other input, so the product rule needs both values kept. */
export const MUL: BinaryRule = {
  arity: 2, name: "mul", symbol: "*",
  value: (x, y) => x * y,
  dx: (_x, y) => y,
  dy: (x) => x,
};

/** x / y: the quotient rule, with division by an exact zero refused. */
export const DIV: BinaryRule = {
  arity: 2, name: "div", symbol: "/",
  value: (x, y) => {
    if (y === 0) throw domainError("div", `division by zero (${x} / 0)`);
    return x / y;
  },
  dx: (_x, y) => 1 / y,
  dy: (_x, y, out) => -out / y, // −x/y², written so that y² cannot overflow
};

// ── one-input operations ─────────────────────────────────────────────────────────────────────────

/** −x: a slope of −1. */
export const NEG: UnaryRule = {
  arity: 1, name: "neg", symbol: "neg",
  value: (x) => -x,
  derivative: () => -1,
};

const powRules = new Map<number, UnaryRule>();

/** x^k for a constant k: the rule is made once per exponent, which it keeps. */
export function powRule(k: number): UnaryRule {
  let rule = powRules.get(k);
  if (rule === undefined) {
    rule = makePowRule(k);
    if (powRules.size < 256) powRules.set(k, rule);
  }
  return rule;
}

function makePowRule(k: number): UnaryRule {
  return {
    arity: 1, name: "pow", symbol: `^${k}`,
    value: (x) => {
      if (x < 0 && !Number.isInteger(k)) {
        throw domainError("pow", `negative base ${x} with fractional exponent ${k} has no real value`);
      }
      if (x === 0 && k < 0) throw domainError("pow", `0 raised to the negative exponent ${k} is infinite`);
      return Math.pow(x, k);
    },
    derivative: (x) => {
      if (k === 0) return 0;
      if (x === 0 && k < 1) {
        throw domainError("pow", `x^${k} has an infinite slope at x = 0, so its derivative does not exist there`);
      }
      return k * Math.pow(x, k - 1);
    },
  };
}

/** e^x: its own derivative, read off the output. */
export const EXP: UnaryRule = {
  arity: 1, name: "exp", symbol: "exp",
  value: (x) => Math.exp(x),
  derivative: (_x, y) => y,
};

/** ln x: slope 1/x, defined for x > 0 only. */
export const LOG: UnaryRule = {
  arity: 1, name: "log", symbol: "log",
  value: (x) => {
    if (!(x > 0)) throw domainError("log", `argument must be positive, got ${x}`);
    return Math.log(x);
  },
  derivative: (x) => 1 / x,
};

/** tanh x: slope 1 − tanh²x, kept accurate where the unit saturates. */
export const TANH: UnaryRule = {
  arity: 1, name: "tanh", symbol: "tanh",
  value: (x) => Math.tanh(x),
  // 1 − y² cancels to 0 once y rounds to ±1 (|x| > 19); sech²x = 4e^(−2|x|)/(1 + e^(−2|x|))² keeps
  // the tiny slope of a saturated unit, which vanishing-gradient plots need.
  derivative: (x, y) => {
    if (Math.abs(x) < 1) return 1 - y * y;
    const e = Math.exp(-2 * Math.abs(x));
    return (4 * e) / ((1 + e) * (1 + e));
  },
};

/** The logistic σ: slope σ(1 − σ), computed without overflow or cancellation. */
export const SIGMOID: UnaryRule = {
  arity: 1, name: "sigmoid", symbol: "sigmoid",
  // Two algebraically equal forms, each used where its exp cannot overflow.
  value: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  // σ(1 − σ); for x > 0, 1 − σ loses its digits as σ → 1, so use e^(−x)/(1 + e^(−x))² there.
  derivative: (x, y) => {
    if (x <= 0) return y * (1 - y);
    const e = Math.exp(-x);
    return e / ((1 + e) * (1 + e));
  },
};

/** max(0, x): slope 1 for x > 0 and 0 otherwise, relu′(0) = 0 included. */
export const RELU: UnaryRule = {
  arity: 1, name: "relu", symbol: "relu",
  value: (x) => (x > 0 ? x : 0),
  derivative: (x) => (x > 0 ? 1 : 0), // relu′(0) = 0
};

/** sin x: slope cos x. */
export const SIN: UnaryRule = {
  arity: 1, name: "sin", symbol: "sin",
  value: (x) => Math.sin(x),
  derivative: (x) => Math.cos(x),
};

/** cos x: slope −sin x (the minus sign students drop). */
export const COS: UnaryRule = {
  arity: 1, name: "cos", symbol: "cos",
  value: (x) => Math.cos(x),
  derivative: (x) => -Math.sin(x),
};

// ── shared checks ────────────────────────────────────────────────────────────────────────────────

/** Throws unless `out` is a finite float64, naming the op and the inputs that produced it. */
export function checkResult(op: string, out: number, inputs: string): number {
  if (Number.isFinite(out)) return out;
  const why = Number.isNaN(out) ? "an input is not a number" : "the result overflows float64";
  throw new RangeError(`${op}: ${op}(${inputs}) gives ${out}; ${why}`);
}

/**
 * Why a derivative is refused: incoming × local derivative is not a finite float64 (1/x at
 * x = 1e-200). One message for both modes: `what` is "the gradient sent to x" in backward, "the
 * tangent" in forward mode; `incoming` names the upstream gradient or the input's tangent.
 */
export function gradientOverflow(op: string, what: string, at: string, local: number, incoming: string): RangeError {
  return new RangeError(
    `${op}: ${what} at ${at} is not a finite float64 (local derivative ${local} × ${incoming}); ` +
      "rescale the computation or move the point",
  );
}

/** Why a summed gradient is refused, naming the node the way a graph picture shows it. */
export function sumOverflow(node: { label?: string; op: string; data: number }, grad: number, why: string): RangeError {
  const name = node.label !== undefined ? `"${node.label}"` : node.op === "" ? "a leaf" : `a "${node.op}" node`;
  return new RangeError(`backward: the gradient of ${name} (data ${node.data}) is ${grad}: ${why}`);
}

/** A readable rendering of an operand that is not a number, for TypeErrors. */
export function describeOperand(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "object") return `an object (${x.constructor?.name ?? "Object"})`;
  return `${typeof x} ${String(x)}`;
}

/** The exponent of pow must be a plain finite number: a Value exponent is not supported. */
export function checkExponent(op: string, k: unknown): number {
  if (typeof k !== "number") {
    throw new TypeError(
      `${op}: the exponent must be a plain number, got ${describeOperand(k)}; ` +
        "for a variable exponent y write x.log().mul(y).exp()",
    );
  }
  if (!Number.isFinite(k)) throw new RangeError(`${op}: the exponent must be finite, got ${k}`);
  return k;
}
