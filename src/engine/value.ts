/** A scalar or a node: ops accept plain numbers so expressions read like the math. */
export type Scalar = Value | number;

/** Local backward rule: given this node's grad, add contributions to each parent's grad. */
type LocalBackward = (self: Value) => void;

/**
 * One node of a scalar computation graph. Keeping data, grad and the local rule on the node
 * lets backward() be a single reverse sweep over a topological order (grad_table of 001 §6.5).
 */
export class Value {
  data: number;
  /** ∂root/∂this after backward(); accumulates across calls until zeroGrad(). */
  grad = 0;
  label?: string;
  readonly op: string;
  readonly parents: readonly Value[];
  /** @internal local backward rule, kept next to the forward in each op. */
  readonly _backward: LocalBackward | null;

  constructor(data: number, parents: readonly Value[] = [], op = "", label?: string, backward: LocalBackward | null = null) {
    this.data = data;
    this.parents = parents;
    this.op = op;
    this.label = label;
    this._backward = backward;
  }

  /** Wrap numbers as leaf constants so every op can mix Values and numbers. */
  static from(x: Scalar): Value {
    return x instanceof Value ? x : new Value(x);
  }

  add(o: Scalar): Value {
    const b = Value.from(o);
    return new Value(this.data + b.data, [this, b], "+", undefined, (s) => {
      this.grad += s.grad;
      b.grad += s.grad;
    });
  }

  sub(o: Scalar): Value {
    const b = Value.from(o);
    return new Value(this.data - b.data, [this, b], "-", undefined, (s) => {
      this.grad += s.grad;
      b.grad -= s.grad;
    });
  }

  mul(o: Scalar): Value {
    const b = Value.from(o);
    return new Value(this.data * b.data, [this, b], "*", undefined, (s) => {
      this.grad += b.data * s.grad;
      b.grad += this.data * s.grad;
    });
  }

  /** Division by an exact zero throws: an infinite value would silently poison every gradient. */
  div(o: Scalar): Value {
    const b = Value.from(o);
    if (b.data === 0) throw new RangeError(`div: division by zero (${this.data} / 0)`);
    return new Value(this.data / b.data, [this, b], "/", undefined, (s) => {
      this.grad += s.grad / b.data;
      b.grad -= (this.data / (b.data * b.data)) * s.grad;
    });
  }

  /** Exponent may be a Value; a negative base with a fractional exponent is rejected (not real). */
  pow(o: Scalar): Value {
    const e = Value.from(o);
    const x = this.data;
    if (x < 0 && !Number.isInteger(e.data)) {
      throw new RangeError(`pow: negative base ${x} with fractional exponent ${e.data} has no real value`);
    }
    const out = Math.pow(x, e.data);
    const expIsLeafConst = !(o instanceof Value);
    return new Value(out, expIsLeafConst ? [this] : [this, e], `^${expIsLeafConst ? e.data : ""}`, undefined, (s) => {
      this.grad += e.data * Math.pow(x, e.data - 1) * s.grad;
      if (!expIsLeafConst && x > 0) e.grad += out * Math.log(x) * s.grad;
    });
  }

  neg(): Value {
    return new Value(-this.data, [this], "neg", undefined, (s) => {
      this.grad -= s.grad;
    });
  }

  exp(): Value {
    const out = Math.exp(this.data);
    return new Value(out, [this], "exp", undefined, (s) => {
      this.grad += out * s.grad;
    });
  }

  /** log of a non-positive number throws, naming the value, instead of returning NaN/-Infinity. */
  log(): Value {
    if (!(this.data > 0)) throw new RangeError(`log: argument must be positive, got ${this.data}`);
    return new Value(Math.log(this.data), [this], "log", undefined, (s) => {
      this.grad += s.grad / this.data;
    });
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    return new Value(t, [this], "tanh", undefined, (s) => {
      this.grad += (1 - t * t) * s.grad;
    });
  }

  sigmoid(): Value {
    const x = this.data;
    const sg = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    return new Value(sg, [this], "sigmoid", undefined, (s) => {
      this.grad += sg * (1 - sg) * s.grad;
    });
  }

  /** relu′(0) is taken as 0 (as in PyTorch). */
  relu(): Value {
    const x = this.data;
    return new Value(x > 0 ? x : 0, [this], "relu", undefined, (s) => {
      if (x > 0) this.grad += s.grad;
    });
  }

  sin(): Value {
    const x = this.data;
    return new Value(Math.sin(x), [this], "sin", undefined, (s) => {
      this.grad += Math.cos(x) * s.grad;
    });
  }

  cos(): Value {
    const x = this.data;
    return new Value(Math.cos(x), [this], "cos", undefined, (s) => {
      this.grad -= Math.sin(x) * s.grad;
    });
  }

  /**
   * Reverse sweep from this node: seeds grad 1 and adds each node's contributions to its parents
   * in reverse topological order (iterative, so 100 000-node chains work). A second call adds the
   * same gradients again on top — call zeroGrad() first to start fresh.
   */
  backward(): void {
    const order = topo(this);
    this.grad += 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      if (n._backward !== null) n._backward(n);
    }
  }

  /** Resets grad to 0 on every node reachable from this one, before another backward(). */
  zeroGrad(): void {
    for (const n of topo(this)) n.grad = 0;
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad}${this.label ? `, label=${this.label}` : ""})`;
  }
}

/** Sums many terms as one node so long sums don't build deep chains. */
export function sum(xs: readonly Scalar[]): Value {
  const vs = xs.map(Value.from);
  let total = 0;
  for (const v of vs) total += v.data;
  return new Value(total, vs, "sum", undefined, (s) => {
    for (const v of vs) v.grad += s.grad;
  });
}

/** Parents-before-children order of every node reachable from root, without recursion. */
export function topo(root: Value): Value[] {
  const order: Value[] = [];
  const visited = new Set<Value>();
  const stack: Array<[Value, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.parents.length) {
      top[1] = i + 1;
      const p = node.parents[i];
      if (!visited.has(p)) {
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}
