/** Worked solution for exercise 09: a scalar autograd engine in the style of micrograd. */

/**
 * One scalar in a computational graph: its value, the gradient of the last `backward()`'s root with
 * respect to it, the nodes it was computed from, and the rule that sends a gradient back to them.
 */
export class Value {
  data: number;
  grad = 0;
  private readonly parents: Value[];
  /** adds this node's contribution to its parents' grads, from this.grad (a closure per node) */
  private backwardStep: () => void = () => undefined;

  constructor(data: number, parents: Value[] = []) {
    this.data = data;
    this.parents = parents;
  }

  private static of(x: Value | number): Value {
    return x instanceof Value ? x : new Value(x);
  }

  /** out = this + other: the upstream gradient flows to both inputs unchanged. */
  add(other: Value | number): Value {
    const o = Value.of(other);
    const out = new Value(this.data + o.data, [this, o]);
    out.backwardStep = () => {
      this.grad += out.grad;
      o.grad += out.grad;
    };
    return out;
  }

  /** out = this · other: each input receives the upstream gradient times the OTHER input. */
  mul(other: Value | number): Value {
    const o = Value.of(other);
    const out = new Value(this.data * o.data, [this, o]);
    out.backwardStep = () => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    };
    return out;
  }

  /** out = this^k for a number k: d/dx x^k = k x^(k−1). */
  pow(k: number): Value {
    const out = new Value(this.data ** k, [this]);
    out.backwardStep = () => {
      this.grad += k * this.data ** (k - 1) * out.grad;
    };
    return out;
  }

  /** out = e^this: its derivative is itself, the output. */
  exp(): Value {
    const out = new Value(Math.exp(this.data), [this]);
    out.backwardStep = () => {
      this.grad += out.data * out.grad;
    };
    return out;
  }

  /** out = tanh(this): 1 − out², written with the output. */
  tanh(): Value {
    const out = new Value(Math.tanh(this.data), [this]);
    out.backwardStep = () => {
      this.grad += (1 - out.data * out.data) * out.grad;
    };
    return out;
  }

  /** out = max(0, this): the gradient passes where the input was positive. */
  relu(): Value {
    const out = new Value(this.data > 0 ? this.data : 0, [this]);
    out.backwardStep = () => {
      this.grad += (this.data > 0 ? 1 : 0) * out.grad;
    };
    return out;
  }

  /**
   * Seed this node's gradient with 1 and apply every node's step in reverse topological order, so
   * a node sends its gradient back only after all of its consumers have added theirs. The order
   * comes from a depth-first search with an explicit stack: no recursion, so depth is unlimited.
   */
  backward(): void {
    const order: Value[] = [];
    const seen = new Set<Value>();
    const stack: [Value, number][] = [[this, 0]];
    seen.add(this);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      if (next < node.parents.length) {
        top[1] = next + 1;
        const p = node.parents[next]!;
        if (!seen.has(p)) {
          seen.add(p);
          stack.push([p, 0]);
        }
      } else {
        stack.pop();
        order.push(node); // every parent is already in `order`: a topological order
      }
    }
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i]!.backwardStep();
  }
}
