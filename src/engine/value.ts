/**
 * Scalar reverse-mode automatic differentiation, in micrograd's style: every `Value` remembers the
 * operation that made it and its inputs, and `backward()` fills `grad` on the whole graph with one
 * sweep in reverse topological order (the grad_table of algorithm 6.2 in 001).
 *
 * Each op's value and local derivative live side by side in `rules.ts`; a node stores which rule
 * made it instead of a fresh closure, so building a graph allocates little and a training step of
 * micrograd's demo network takes milliseconds. The backward step of a node is the chain rule
 * itself: parent.grad += node.grad × ∂node/∂parent.
 */
import {
  ADD, COS, DIV, EXP, LOG, MUL, NEG, RELU, SIGMOID, SIN, SUB, TANH,
  checkExponent, checkResult, describeOperand, gradientOverflow, powRule, sumOverflow,
  type BinaryRule, type ScalarOps, type UnaryRule,
} from "./rules";

/** A scalar or a node: ops accept plain numbers so expressions read like the math. */
export type Scalar = Value | number;

/** The rule of an n-ary sum node (∂sum/∂xᵢ = 1 for every input). */
interface SumRule {
  readonly arity: "n";
  readonly name: "sum";
  readonly symbol: "sum";
}
const SUM: SumRule = { arity: "n", name: "sum", symbol: "sum" };

type NodeRule = UnaryRule | BinaryRule | SumRule;

const NO_INPUTS: readonly Value[] = Object.freeze([]);

/** Stamp of the latest graph walk (see `walk`); grows by 2 per walk. */
let walkStamp = 0;

// Scratch buffers reused by every walk and backward (neither re-enters the other), so a training
// loop does not regrow three arrays of the graph's size at every step. Emptied slots hold null,
// so no graph is kept alive by them.
const scratchStack: (Value | null)[] = [];
const scratchOrder: (Value | null)[] = [];
const scratchSaved: number[] = [];

/**
 * One node of a scalar computation graph. Leaves are made with `new Value(x)` or `Value.from(x)`;
 * every other node comes out of an op. `grad` holds ∂root/∂this after `root.backward()`.
 */
export class Value implements ScalarOps<Value> {
  /** The forward value. Mutable so an optimiser can update parameters in place. */
  data: number;
  /** Accumulated ∂root/∂this: each backward() adds to it, zeroGraphGrads() or zeroParameterGrads() clears it. */
  grad: number;
  /** A name shown in graph pictures and error messages. */
  label?: string;
  /** The rule that made this node; null for a leaf. */
  private rule: NodeRule | null;
  /** First and second input of a unary or binary node (kept as fields: no array per node). */
  private x: Value | null;
  private y: Value | null;
  /** All inputs of a sum node, or the cached `parents` array of any node once asked for. */
  private xs: readonly Value[] | null;
  private mark: number;

  /** A leaf: an input or a parameter. `data` must be a finite number. */
  constructor(data: number, label?: string) {
    if (typeof data !== "number") throw new TypeError(`Value: data must be a finite number, got ${describeOperand(data)}`);
    if (!Number.isFinite(data)) throw new RangeError(`Value: data must be a finite number, got ${data}`);
    this.data = data;
    this.grad = 0;
    this.label = label;
    this.rule = null;
    this.x = null;
    this.y = null;
    this.xs = null;
    this.mark = 0;
  }

  /**
   * Wraps a number as a leaf constant (a Value is returned as it is). Ops take numbers on the
   * right already (x.mul(2), x.sub(1)); JavaScript has no operator overloading, so a number on
   * the left goes through here: 2·x is Value.from(2).mul(x), 1 − x is Value.from(1).sub(x).
   */
  static from(x: Scalar): Value {
    if (x instanceof Value) return x;
    if (typeof x !== "number") throw new TypeError(`Value.from: expected a Value or a number, got ${describeOperand(x)}`);
    return new Value(x);
  }

  /** The operation that made this node ("" for a leaf): "+", "*", "exp", "^2", "sum", … */
  get op(): string {
    return this.rule === null ? "" : this.rule.symbol;
  }

  /** The inputs this node was computed from, in argument order (empty for a leaf). */
  get parents(): readonly Value[] {
    if (this.xs === null) {
      this.xs = this.x === null ? NO_INPUTS : Object.freeze(this.y === null ? [this.x] : [this.x, this.y]);
    }
    return this.xs;
  }

  /**
   * Sets `label` and returns this node, so a node is named where it is built and shows that name
   * in graph pictures: `const e = a.mul(b).named("e")`.
   */
  named(label: string): this {
    if (typeof label !== "string") throw new TypeError(`named: the label must be a string, got ${describeOperand(label)}`);
    this.label = label;
    return this;
  }

  // ── operations: each one-liner applies a rule of rules.ts, where value and derivative sit together

  /** this + other */
  add(other: Scalar): Value {
    return Value.binary(ADD, this, other);
  }

  /** this − other */
  sub(other: Scalar): Value {
    return Value.binary(SUB, this, other);
  }

  /** this · other */
  mul(other: Scalar): Value {
    return Value.binary(MUL, this, other);
  }

  /** this / other; dividing by an exact zero throws, naming both numbers. */
  div(other: Scalar): Value {
    return Value.binary(DIV, this, other);
  }

  /**
   * this^k for a constant k. A negative base needs an integer k, zero needs k ≥ 0; the slope of
   * x^k (0 < k < 1) at 0 is infinite, so backward through it throws.
   */
  pow(k: number): Value {
    return Value.unary(powRule(checkExponent("pow", k)), this);
  }

  /** −this */
  neg(): Value {
    return Value.unary(NEG, this);
  }

  /** e^this; overflow (this > 709.78) throws instead of giving Infinity. */
  exp(): Value {
    return Value.unary(EXP, this);
  }

  /** Natural log; a non-positive argument throws, naming it. */
  log(): Value {
    return Value.unary(LOG, this);
  }

  /** tanh, with derivative 1 − tanh². */
  tanh(): Value {
    return Value.unary(TANH, this);
  }

  /** The logistic σ(x) = 1/(1 + e^−x), computed without overflow; derivative σ(1 − σ). */
  sigmoid(): Value {
    return Value.unary(SIGMOID, this);
  }

  /** max(0, x) with relu′(0) = 0 (PyTorch's convention). */
  relu(): Value {
    return Value.unary(RELU, this);
  }

  /** sin, with derivative cos. */
  sin(): Value {
    return Value.unary(SIN, this);
  }

  /** cos, with derivative −sin. */
  cos(): Value {
    return Value.unary(COS, this);
  }

  /** Σ xᵢ as one node, so a long sum is one step of backward instead of a deep chain. */
  static sum(xs: readonly Scalar[]): Value {
    if (!Array.isArray(xs)) throw new TypeError(`sum: expected an array of Values or numbers, got ${describeOperand(xs)}`);
    const inputs = new Array<Value>(xs.length);
    let total = 0;
    for (let i = 0; i < xs.length; i++) {
      const v = lift("sum", xs[i] as Scalar);
      inputs[i] = v;
      total += v.data;
    }
    const node = Value.node(checkResult("sum", total, `${xs.length} terms`), SUM, null, null);
    node.xs = inputs;
    return node;
  }

  /** Builds a non-leaf node; only the ops use it. */
  private static node(data: number, rule: NodeRule, x: Value | null, y: Value | null): Value {
    const v = new Value(data);
    v.rule = rule;
    v.x = x;
    v.y = y;
    return v;
  }

  private static unary(rule: UnaryRule, x: Value): Value {
    const out = rule.value(x.data);
    if (!Number.isFinite(out)) checkResult(rule.name, out, String(x.data));
    return Value.node(out, rule, x, null);
  }

  private static binary(rule: BinaryRule, x: Value, other: Scalar): Value {
    const y = lift(rule.name, other);
    const out = rule.value(x.data, y.data);
    if (!Number.isFinite(out)) checkResult(rule.name, out, `${x.data}, ${y.data}`);
    return Value.node(out, rule, x, y);
  }

  // ── the backward pass ─────────────────────────────────────────────────────────────────────────

  /**
   * Every node this value depends on (itself included), inputs before the nodes computed from
   * them: the forward evaluation order. Walks the graph without recursion, so chains of any
   * length work.
   */
  topologicalOrder(): Value[] {
    const order: Value[] = [];
    this.walk(order, null);
    return order;
  }


  /**
   * Depth-first, post-order walk with a stamp per walk instead of a visited set: mark < base means
   * not reached yet, base means expanded (inputs pushed, waiting for them), base + 1 means
   * emitted. A node may sit on the stack twice; the second copy is popped without effect. When
   * `saved` is given, each emitted node's grad is moved into it (backward's fresh start), while
   * the node is at hand anyway.
   */
  private walk(order: (Value | null)[], saved: number[] | null): number {
    const base = (walkStamp += 2);
    const stack = scratchStack;
    let top = 0;
    let n = 0;
    stack[0] = this;
    while (top >= 0) {
      const node = stack[top] as Value;
      if (node.mark < base) {
        node.mark = base;
        const rule = node.rule;
        if (rule === null) continue;
        if (rule.arity === "n") {
          const xs = node.xs as readonly Value[];
          for (let i = xs.length - 1; i >= 0; i--) if ((xs[i] as Value).mark < base) stack[++top] = xs[i] as Value;
        } else {
          const x = node.x as Value;
          const y = node.y;
          if (y !== null && y.mark < base) stack[++top] = y;
          if (x.mark < base) stack[++top] = x;
        }
      } else {
        stack[top--] = null;
        if (node.mark === base) {
          node.mark = base + 1;
          order[n] = node;
          if (saved !== null) {
            saved[n] = node.grad;
            node.grad = 0;
          }
          n++;
        }
      }
    }
    return n;
  }

  /**
   * One step of backward: sends this node's grad to its inputs through the local rule,
   * input.grad += this.grad × ∂this/∂input. `backward()` is this step applied to every node in
   * reverse topological order; it is public so a notebook can fill the grad_table step by step.
   */
  localBackward(): void {
    const g = this.grad;
    const rule = this.rule;
    if (g === 0 || rule === null) return;
    if (rule.arity === 1) {
      const x = this.x as Value;
      const d = rule.derivative(x.data, this.data);
      const dx = g * d;
      if (dx - dx !== 0) throw gradientOverflow(rule.name, "the gradient sent to its input", `x = ${x.data}`, d, `upstream gradient ${g}`);
      x.grad += dx;
    } else if (rule.arity === 2) {
      const x = this.x as Value;
      const y = this.y as Value;
      const dX = rule.dx(x.data, y.data, this.data);
      const dY = rule.dy(x.data, y.data, this.data);
      const gx = g * dX;
      const gy = g * dY;
      if (gx - gx !== 0) throw gradientOverflow(rule.name, "the gradient sent to x", `(x, y) = (${x.data}, ${y.data})`, dX, `upstream gradient ${g}`);
      if (gy - gy !== 0) throw gradientOverflow(rule.name, "the gradient sent to y", `(x, y) = (${x.data}, ${y.data})`, dY, `upstream gradient ${g}`);
      x.grad += gx;
      y.grad += gy;
    } else {
      const xs = this.xs as readonly Value[];
      for (let i = 0; i < xs.length; i++) (xs[i] as Value).grad += g;
    }
  }

  /**
   * Adds ∂this/∂v to v.grad for every node v this value depends on (this itself gains 1).
   *
   * Gradients accumulate, on every node alike, until `zeroGraphGrads()`: calling backward() twice
   * doubles every grad, and calling it on two roots that share nodes adds their gradients. (Each
   * call computes its gradients afresh and then adds them, unlike micrograd, where a second call
   * re-seeds the root with 1 but lets intermediate grads compound on the way down.)
   *
   * Gradients obey the forward pass's rule: a gradient that is not a finite float64 (1/x at
   * x = 1e-200, or two huge contributions summing past 1.8e308) throws a `RangeError` naming the op
   * or the node, instead of spreading Infinity or NaN into the weights. If anything throws (that,
   * or the infinite slope of x^k at 0), the grads of this graph are left part-way: call
   * zeroGraphGrads() before trying again.
   */
  backward(): void {
    const order = scratchOrder;
    const before = scratchSaved;
    const n = this.walk(order, before);
    this.grad = 1;
    let i = n - 1;
    try {
      for (; i >= 0; i--) {
        const v = order[i] as Value;
        // v's consumers all came earlier in this sweep, so its fresh gradient is complete: send it
        // on, then add back what v held before the call.
        const fresh = v.grad;
        if (fresh - fresh !== 0) throw sumOverflow(v, fresh, "the contributions reaching it overflow float64 when summed");
        v.localBackward();
        const total = fresh + (before[i] as number);
        if (total - total !== 0) throw sumOverflow(v, total, "this call's gradient plus the one it already held overflows float64 (zeroGraphGrads() or zeroParameterGrads() between steps?)");
        v.grad = total;
        order[i] = null; // the scratch buffer must not keep the graph alive
      }
    } finally {
      for (; i >= 0; i--) order[i] = null;
    }
  }

  /**
   * Sets grad to 0 on every node of the graph behind this value (itself included), before a fresh
   * backward(); `zeroParameterGrads(params)` clears only a model's parameters.
   */
  zeroGraphGrads(): void {
    for (const v of this.topologicalOrder()) v.grad = 0;
  }

  /** Value(label, data=…, grad=…), what a notebook prints for a node. */
  toString(): string {
    return `Value(${this.label !== undefined ? `${this.label}, ` : ""}data=${this.data}, grad=${this.grad})`;
  }
}

function lift(op: string, x: Scalar): Value {
  if (x instanceof Value) return x;
  if (typeof x !== "number") throw new TypeError(`${op}: expected a Value or a number, got ${describeOperand(x)}`);
  if (!Number.isFinite(x)) throw new RangeError(`${op}: operand must be a finite number, got ${x}`);
  return new Value(x);
}

/** Σ xᵢ as one node (numbers allowed); the empty sum is the constant 0. */
export function sum(xs: readonly Scalar[]): Value {
  return Value.sum(xs);
}

/**
 * Sets grad to 0 on the given parameters only, the way an optimiser clears a model before the
 * next backward (the graph of the last step is garbage anyway); `root.zeroGraphGrads()` clears a
 * whole graph.
 */
export function zeroParameterGrads(params: Iterable<Value>): void {
  for (const p of params) p.grad = 0;
}
