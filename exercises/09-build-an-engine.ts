/**
 * Exercise 09 — build your own autograd engine (id: build-an-engine).
 *
 * Write a class `Value`: one scalar in a computational graph, like the library's `Value` you used
 * in notebooks 01–07, but yours. The grader builds expression graphs with it (random graphs that
 * reuse nodes, a chain 15 000 steps deep, every operation), calls backward() on the
 * output, and compares every node's `data` and every input's `grad` with its own forward pass and
 * central differences.
 *
 * The contract:
 * - `new Value(data)` makes a leaf with `data` and `grad = 0`.
 * - `a.add(b)`, `a.mul(b)`: b is a Value or a plain number (a number on the left is written as a
 *   leaf, `new Value(2).mul(a)`); `a.pow(k)` with a plain number k; `a.exp()`, `a.tanh()`,
 *   `a.relu()` (relu′(0) = 0). Each returns a new Value and leaves its inputs' data alone.
 * - `out.backward()` sets every node's `grad` to ∂out/∂node for the graph that produced `out`
 *   (called once on a freshly built graph). A node used several times, even as both inputs of
 *   one operation, receives the sum of all its uses' contributions. The graph can be a chain
 *   15 000 steps deep.
 *
 * Taught in: notebook 01, section 4 "Algorithm 6.2: back-propagation with a grad_table" (the
 * order it fills in), the local rules of exercise 01, and notebook 07, part 1 (the library's engine
 * at work). Notebook 12 trains a network on YOUR class once it passes. Conventions (table in
 * docs/exercises.md and notebooks/00-start-here.ipynb): rows "upstream gradient" and "ReLU at 0" (relu′(0) = 0 here).
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export class Value {
  data: number;
  grad: number;

  constructor(data: number) {
    throw new Error("not implemented: build-an-engine");
  }

  add(other: Value | number): Value {
    throw new Error("not implemented: build-an-engine");
  }

  mul(other: Value | number): Value {
    throw new Error("not implemented: build-an-engine");
  }

  pow(k: number): Value {
    throw new Error("not implemented: build-an-engine");
  }

  exp(): Value {
    throw new Error("not implemented: build-an-engine");
  }

  tanh(): Value {
    throw new Error("not implemented: build-an-engine");
  }

  relu(): Value {
    throw new Error("not implemented: build-an-engine");
  }

  backward(): void {
    throw new Error("not implemented: build-an-engine");
  }
}
