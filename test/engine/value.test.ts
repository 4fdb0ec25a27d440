import { describe, expect, it } from "vitest";
import { Rng } from "../../src/engine/random";
import { sum, Value, zeroParameterGrads } from "../../src/engine/value";
import { topologicalOrder } from "../../src/engine/graph";

// Expected numbers come from central differences of plain Math functions, from closed forms
// derived by hand, or from document 002's worked examples — never from the engine itself.

/** Central difference of f at x with step h. */
function central(f: (x: number) => number, x: number, h: number): number {
  return (f(x + h) - f(x - h)) / (x + h - (x - h));
}

/** |a − b| within rel · max(|a|, |b|, floor). */
function expectClose(actual: number, expected: number, rel: number, floor: number, what: string): void {
  const scale = Math.max(Math.abs(actual), Math.abs(expected), floor);
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(rel * scale);
}

/** Gradient of a one-input op at x, via backward(). */
function gradOf(op: (v: Value) => Value, x: number): { value: number; grad: number } {
  const v = new Value(x);
  const out = op(v);
  out.backward();
  return { value: out.data, grad: v.grad };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface UnaryCase {
  name: string;
  op: (v: Value) => Value;
  f: (x: number) => number;
  /** Where to sample: a function of the generator. */
  sample: (r: Rng) => number;
  /** Step for the central difference at x. */
  step?: (x: number) => number;
}

const awayFromZero = (r: Rng, lo: number, hi: number) => (r.next() < 0.5 ? -1 : 1) * r.uniform(lo, hi);

const unaryCases: UnaryCase[] = [
  { name: "neg", op: (v) => v.neg(), f: (x) => -x, sample: (r) => r.uniform(-5, 5) },
  { name: "exp", op: (v) => v.exp(), f: Math.exp, sample: (r) => r.uniform(-20, 20) },
  { name: "exp (large)", op: (v) => v.exp(), f: Math.exp, sample: (r) => r.uniform(600, 700) },
  { name: "log", op: (v) => v.log(), f: Math.log, sample: (r) => r.uniform(0.05, 50) },
  { name: "log near 0+", op: (v) => v.log(), f: Math.log, sample: (r) => 10 ** r.uniform(-9, -3), step: (x) => x * 1e-4 },
  { name: "tanh", op: (v) => v.tanh(), f: Math.tanh, sample: (r) => r.uniform(-4, 4) },
  { name: "sigmoid", op: (v) => v.sigmoid(), f: sigmoid, sample: (r) => r.uniform(-8, 8) },
  { name: "relu (positive)", op: (v) => v.relu(), f: (x) => Math.max(0, x), sample: (r) => r.uniform(1e-3, 5) },
  { name: "relu (negative)", op: (v) => v.relu(), f: (x) => Math.max(0, x), sample: (r) => -r.uniform(1e-3, 5) },
  // Near the kink but not at it; the step stays on one side.
  { name: "relu near 0", op: (v) => v.relu(), f: (x) => Math.max(0, x), sample: (r) => awayFromZero(r, 1e-12, 1e-6), step: (x) => Math.abs(x) / 4 },
  { name: "sin", op: (v) => v.sin(), f: Math.sin, sample: (r) => r.uniform(-10, 10) },
  { name: "cos", op: (v) => v.cos(), f: Math.cos, sample: (r) => r.uniform(-10, 10) },
  { name: "pow 2", op: (v) => v.pow(2), f: (x) => x * x, sample: (r) => r.uniform(-5, 5) },
  { name: "pow 3, negative base", op: (v) => v.pow(3), f: (x) => x * x * x, sample: (r) => -r.uniform(0.01, 4) },
  { name: "pow 4, negative base", op: (v) => v.pow(4), f: (x) => x ** 4, sample: (r) => -r.uniform(0.01, 4) },
  { name: "pow −1, negative base", op: (v) => v.pow(-1), f: (x) => 1 / x, sample: (r) => -r.uniform(0.05, 4) },
  { name: "pow −2 near 0", op: (v) => v.pow(-2), f: (x) => 1 / (x * x), sample: (r) => awayFromZero(r, 1e-4, 1e-2), step: (x) => Math.abs(x) * 1e-5 },
  { name: "pow 0.5", op: (v) => v.pow(0.5), f: Math.sqrt, sample: (r) => r.uniform(1e-3, 9), step: (x) => Math.min(1e-5, x * 1e-4) },
  // The edge of sqrt's domain: the slope 1/(2√x) grows without bound as x → 0+.
  { name: "pow 0.5 near 0+", op: (v) => v.pow(0.5), f: Math.sqrt, sample: (r) => 10 ** r.uniform(-12, -3), step: (x) => x * 1e-4 },
  { name: "pow 1.5", op: (v) => v.pow(1.5), f: (x) => x * Math.sqrt(x), sample: (r) => r.uniform(0.01, 9), step: (x) => Math.min(1e-5, x * 1e-4) },
  { name: "pow −0.5", op: (v) => v.pow(-0.5), f: (x) => 1 / Math.sqrt(x), sample: (r) => r.uniform(0.01, 9), step: (x) => Math.min(1e-5, x * 1e-4) },
  { name: "pow 1", op: (v) => v.pow(1), f: (x) => x, sample: (r) => r.uniform(-5, 5) },
];

describe("every one-input op against central differences at many seeded points", () => {
  for (const c of unaryCases) {
    it(c.name, () => {
      const r = new Rng(c.name.length * 7919 + c.name.charCodeAt(0));
      for (let t = 0; t < 300; t++) {
        const x = c.sample(r);
        const { value, grad } = gradOf(c.op, x);
        expectClose(value, c.f(x), 1e-15, 1e-300, `${c.name} value at ${x}`);
        const h = c.step ? c.step(x) : 1e-6 * Math.max(1, Math.abs(x));
        const fd = central(c.f, x, h);
        expectClose(grad, fd, 1e-6, 1e-9 * Math.max(1, Math.abs(c.f(x))), `${c.name}′ at ${x}`);
      }
    });
  }
});

describe("saturated tanh and sigmoid keep their tiny slopes", () => {
  // Hand-derived: tanh′(x) = 1/cosh²x = 4e^(−2|x|)/(1 + e^(−2|x|))², σ′(x) = e^(−|x|)/(1 + e^(−|x|))²,
  // evaluated here in log space so that nothing cancels.
  const tanhPrime = (x: number) => Math.exp(Math.log(4) - 2 * Math.abs(x) - 2 * Math.log1p(Math.exp(-2 * Math.abs(x))));
  const sigmoidPrime = (x: number) => Math.exp(-Math.abs(x) - 2 * Math.log1p(Math.exp(-Math.abs(x))));
  it("at |x| from 1 to 300 both rules match the closed forms to 1e-13", () => {
    const r = new Rng(11);
    for (let t = 0; t < 500; t++) {
      const x = awayFromZero(r, 1, t < 250 ? 40 : 300);
      expectClose(gradOf((v) => v.tanh(), x).grad, tanhPrime(x), 1e-13, 0, `tanh′(${x})`);
      expectClose(gradOf((v) => v.sigmoid(), x).grad, sigmoidPrime(x), 1e-13, 0, `σ′(${x})`);
    }
  });
  it("is positive and symmetric deep in saturation (no cancellation to 0)", () => {
    for (const x of [20, 35, 100]) {
      const t = gradOf((v) => v.tanh(), x).grad;
      expect(t).toBeGreaterThan(0);
      expect(gradOf((v) => v.tanh(), -x).grad).toBe(t);
      const s = gradOf((v) => v.sigmoid(), x).grad;
      expect(s).toBeGreaterThan(0);
      expectClose(gradOf((v) => v.sigmoid(), -x).grad, s, 1e-15, 0, `σ′ symmetry at ${x}`);
    }
  });
  it("sigmoid's value does not overflow at large |x|", () => {
    expect(new Value(-800).sigmoid().data).toBe(0);
    expect(new Value(800).sigmoid().data).toBe(1);
  });
});

interface BinaryCase {
  name: string;
  op: (a: Value, b: Value) => Value;
  f: (x: number, y: number) => number;
  sample: (r: Rng) => [number, number];
  step?: (v: number) => number;
}

const binaryCases: BinaryCase[] = [
  { name: "add", op: (a, b) => a.add(b), f: (x, y) => x + y, sample: (r) => [r.uniform(-5, 5), r.uniform(-5, 5)] },
  { name: "sub", op: (a, b) => a.sub(b), f: (x, y) => x - y, sample: (r) => [r.uniform(-5, 5), r.uniform(-5, 5)] },
  { name: "mul", op: (a, b) => a.mul(b), f: (x, y) => x * y, sample: (r) => [r.uniform(-5, 5), r.uniform(-5, 5)] },
  { name: "div", op: (a, b) => a.div(b), f: (x, y) => x / y, sample: (r) => [r.uniform(-5, 5), awayFromZero(r, 0.1, 5)] },
  // Divisor near 0: steps proportional to each operand keep the difference on one side.
  { name: "div near 0", op: (a, b) => a.div(b), f: (x, y) => x / y, sample: (r) => [r.uniform(-2, 2), awayFromZero(r, 1e-8, 1e-3)], step: (v) => Math.max(Math.abs(v) * 1e-5, 1e-12) },
];

describe("every two-input op against central differences in each argument", () => {
  for (const c of binaryCases) {
    it(c.name, () => {
      const r = new Rng(c.name.length * 104729);
      for (let t = 0; t < 300; t++) {
        const [x, y] = c.sample(r);
        const a = new Value(x);
        const b = new Value(y);
        const out = c.op(a, b);
        out.backward();
        expectClose(out.data, c.f(x, y), 1e-15, 1e-300, `${c.name}(${x}, ${y})`);
        const hx = c.step ? c.step(x) : 1e-6 * Math.max(1, Math.abs(x));
        const hy = c.step ? c.step(y) : 1e-6 * Math.max(1, Math.abs(y));
        const floor = 1e-9 * Math.max(1, Math.abs(c.f(x, y)));
        expectClose(a.grad, central((u) => c.f(u, y), x, hx), 1e-6, floor, `∂${c.name}/∂x at (${x}, ${y})`);
        expectClose(b.grad, central((u) => c.f(x, u), y, hy), 1e-6, floor, `∂${c.name}/∂y at (${x}, ${y})`);
      }
    });
  }
  it("sum: ∂/∂xᵢ = 1 for each term, numbers allowed, repeats add", () => {
    const x = new Value(2);
    const y = new Value(-1.5);
    const s = sum([x, y, 4, x, x]);
    expect(s.data).toBe(2 - 1.5 + 4 + 2 + 2);
    s.backward();
    expect(x.grad).toBe(3);
    expect(y.grad).toBe(1);
    expect(sum([]).data).toBe(0);
  });
});

describe("non-differentiable points and domains (documented behaviour)", () => {
  it("relu′(0) = 0, and relu(0) = 0", () => {
    const { value, grad } = gradOf((v) => v.relu(), 0);
    expect(value).toBe(0);
    expect(grad).toBe(0);
    expect(gradOf((v) => v.relu(), -0).grad).toBe(0);
  });
  it("log of zero or a negative number throws, naming the op and the value", () => {
    expect(() => new Value(0).log()).toThrow(RangeError);
    expect(() => new Value(0).log()).toThrow(/^log: argument must be positive, got 0$/);
    expect(() => new Value(-2.5).log()).toThrow(/log: .*-2\.5/);
  });
  it("pow with a negative base and a fractional exponent throws", () => {
    expect(() => new Value(-2).pow(0.5)).toThrow(/pow: negative base -2 with fractional exponent 0\.5/);
    expect(new Value(-2).pow(3).data).toBe(-8); // integer exponents are fine
  });
  it("0 to a negative power throws; 0^0 = 1 with slope 0", () => {
    expect(() => new Value(0).pow(-1)).toThrow(/pow: 0 raised to the negative exponent -1/);
    const { value, grad } = gradOf((v) => v.pow(0), 0);
    expect(value).toBe(1);
    expect(grad).toBe(0);
  });
  it("x^k (0 < k < 1) at 0: value 0, but backward through it throws (infinite slope)", () => {
    const x = new Value(0);
    const y = x.pow(0.5);
    expect(y.data).toBe(0);
    expect(() => y.backward()).toThrow(/pow: x\^0\.5 has an infinite slope at x = 0/);
    // With a zero upstream gradient nothing flows through it, so nothing is asked of it.
    const z = new Value(0);
    const w = z.pow(0.5).mul(0);
    w.backward();
    expect(z.grad).toBe(0);
  });
  it("division by zero throws, naming both numbers", () => {
    expect(() => new Value(3).div(0)).toThrow(/^div: division by zero \(3 \/ 0\)$/);
    expect(() => new Value(3).div(new Value(0))).toThrow(/div: division by zero/);
  });
  it("overflow throws instead of producing Infinity", () => {
    expect(() => new Value(800).exp()).toThrow(/exp: exp\(800\) gives Infinity; the result overflows float64/);
    expect(() => new Value(1e200).mul(1e200)).toThrow(/mul: .*overflows/);
  });
  it("NaN, Infinity and non-numbers are rejected where they enter", () => {
    expect(() => new Value(NaN)).toThrow(/Value: data must be a finite number, got NaN/);
    expect(() => Value.from(Infinity)).toThrow(/finite/);
    expect(() => new Value(1).add(NaN)).toThrow(/add: operand must be a finite number, got NaN/);
    expect(() => new Value(1).add("2" as unknown as number)).toThrow(TypeError);
    expect(() => new Value(1).add("2" as unknown as number)).toThrow(/add: expected a Value or a number, got string 2/);
    expect(() => new Value(1).mul(undefined as unknown as number)).toThrow(/^mul: expected a Value or a number, got undefined$/);
    expect(() => new Value("3" as unknown as number)).toThrow(TypeError);
    expect(() => new Value("3" as unknown as number)).toThrow(/^Value: data must be a finite number, got string 3$/);
    expect(() => new Value(2).pow(new Value(2) as unknown as number)).toThrow(/pow: the exponent must be a plain number/);
    expect(() => new Value(2).pow(Infinity)).toThrow(/pow: the exponent must be finite/);
  });
  it("a gradient that overflows float64 throws in backward, naming the op and the numbers", () => {
    // d(1/x)/dx = −1/x² is −1e400 at x = 1e-200: beyond float64, though 1/x = 1e200 is not.
    const x = new Value(1e-200);
    expect(() => x.pow(-1).backward()).toThrow(RangeError);
    expect(() => x.pow(-1).backward()).toThrow(/^pow: the gradient sent to its input at x = 1e-200 is not a finite float64 \(local derivative -Infinity × upstream gradient 1\)/);
    // log x − log x at 1e-310 would be ∞ − ∞ = NaN on x, silently, without the check.
    const t = new Value(1e-310);
    expect(() => t.log().sub(t.log()).backward()).toThrow(/^log: the gradient sent to its input at x = 1e-310/);
    expect(() => new Value(1).div(new Value(1e-160)).backward()).toThrow(/^div: the gradient sent to y at \(x, y\) = \(1, 1e-160\)/);
  });
  it("finite contributions that overflow when summed throw, naming the node", () => {
    // Two paths each send 1e308 to x: ∂/∂x = 2e308 is beyond float64, though every value is finite.
    const x = new Value(0.5, "x");
    const y = x.mul(1e308).add(x.mul(1e308));
    expect(y.data).toBe(1e308);
    expect(() => y.backward()).toThrow(/^backward: the gradient of "x" \(data 0.5\) is Infinity: the contributions reaching it overflow float64 when summed$/);
    // Accumulating over calls: the second backward would push 1.5e308 past the limit.
    const w = new Value(1, "w");
    const z = w.mul(1.5e308);
    z.backward();
    expect(w.grad).toBe(1.5e308);
    expect(() => z.backward()).toThrow(/^backward: the gradient of "w" \(data 1\) is Infinity: this call's gradient plus the one it already held overflows float64/);
  });
  it("a NaN written into data by hand is caught at the next op", () => {
    const v = new Value(1);
    v.data = NaN;
    expect(() => v.tanh()).toThrow(/tanh: tanh\(NaN\) gives NaN; an input is not a number/);
  });
});

describe("document 002's worked examples", () => {
  it("example 1: x = 1, w1 = 2, b1 = 0, w2 = 3, b2 = 1, ReLU hidden, linear output, L = (ŷ − 10)²", () => {
    const x = new Value(1, "x");
    const w1 = new Value(2, "w1");
    const b1 = new Value(0, "b1");
    const w2 = new Value(3, "w2");
    const b2 = new Value(1, "b2");
    const a1 = w1.mul(x).add(b1).relu();
    const yHat = w2.mul(a1).add(b2);
    const L = yHat.sub(10).pow(2);
    L.backward();
    expect(yHat.data).toBe(7);
    expect(L.data).toBe(9);
    expect(w2.grad).toBe(-12);
    expect(b2.grad).toBe(-6);
    expect(w1.grad).toBe(-18);
    expect(b1.grad).toBe(-18);
  });
  it("example 2: sigmoid + BCE, x = 2, w = 1, b = −1, y = 0 → ∂L/∂w ≈ 1.4622, ∂L/∂b ≈ 0.7311", () => {
    const w = new Value(1);
    const b = new Value(-1);
    const y = 0;
    const yHat = w.mul(2).add(b).sigmoid();
    // L = −[y log ŷ + (1 − y) log(1 − ŷ)]
    const L = yHat.log().mul(y).add(yHat.neg().add(1).log().mul(1 - y)).neg();
    L.backward();
    expect(yHat.data).toBeCloseTo(0.7311, 4);
    expect(L.data).toBeCloseTo(1.313, 3);
    expect(b.grad).toBeCloseTo(0.7311, 4);
    // The course doubles the rounded 0.7311; 2σ(1) = 1.46212, within its stated precision.
    expect(Math.abs(w.grad - 1.4622)).toBeLessThan(1e-4);
    expect(w.grad).toBeCloseTo(2 / (1 + Math.exp(-1)), 14);
  });
});

describe("graph structure", () => {
  it("records the op and the parents in argument order; numbers become constant leaves", () => {
    const x = new Value(2, "x");
    const y = new Value(5, "y");
    const m = x.mul(y);
    expect(m.op).toBe("*");
    expect(m.parents).toEqual([x, y]);
    expect(m.parents[0]).toBe(x);
    const p = x.pow(3);
    expect(p.op).toBe("^3");
    expect(p.parents).toEqual([x]);
    const c = x.add(4);
    expect(c.parents[1]!.data).toBe(4);
    expect(c.parents[1]!.op).toBe("");
    expect(x.op).toBe("");
    expect(x.parents).toEqual([]);
    expect(m.parents).toBe(m.parents);
    expect(sum([x, y]).op).toBe("sum");
    expect(String(x)).toBe("Value(x, data=2, grad=0)");
  });
  it("named(label) labels a node where it is built and returns the same node", () => {
    const a = new Value(2, "a");
    const e = a.mul(3).named("e");
    expect(e.label).toBe("e");
    expect(e.data).toBe(6);
    expect(e.parents[0]).toBe(a);
    expect(String(e)).toBe("Value(e, data=6, grad=0)");
    expect(() => a.named(5 as unknown as string)).toThrow(/^named: the label must be a string, got number 5$/);
  });
  it("topologicalOrder lists each node once, inputs before the nodes made from them", () => {
    const a = new Value(1);
    const b = a.mul(a);
    const c = b.add(a).mul(b);
    const order = topologicalOrder(c);
    expect(new Set(order).size).toBe(order.length);
    expect(order).toHaveLength(4); // a, b, b + a, c (the leaf a counted once)
    for (const [i, n] of order.entries()) for (const p of n.parents) expect(order.indexOf(p)).toBeLessThan(i);
    expect(order[order.length - 1]).toBe(c);
  });
});

describe("long chains and reuse", () => {
  it("a chain of 100 000 adds works (no recursion) and every step passes the gradient on", () => {
    const x = new Value(0.5);
    let y: Value = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.backward();
    expect(y.data).toBe(100_000.5);
    expect(x.grad).toBe(1);
  });
  it("a 100 000-node chain that reuses x at every step: dy/dx = 100 001", () => {
    const x = new Value(0.25);
    let y: Value = x;
    for (let i = 0; i < 100_000; i++) y = y.add(x);
    y.backward();
    expect(x.grad).toBe(100_001);
    expect(topologicalOrder(y)).toHaveLength(100_001);
  });
  it("a 100 000-deep chain of tanh: the gradient is the product of the local slopes", () => {
    const x = new Value(0.3);
    let y: Value = x;
    let expected = 1;
    let v = 0.3;
    for (let i = 0; i < 100_000; i++) {
      y = y.mul(0.9999).tanh();
      const z = v * 0.9999;
      expected *= 0.9999 * (1 - Math.tanh(z) ** 2);
      v = Math.tanh(z);
    }
    y.backward();
    expectClose(x.grad, expected, 1e-9, 0, "∏ slopes");
  });
  it("a.add(a) has gradient 2; x·x·x has 3x²", () => {
    const a = new Value(-1.25);
    a.add(a).backward();
    expect(a.grad).toBe(2);
    const x = new Value(1.5);
    x.mul(x).mul(x).backward();
    expect(x.grad).toBeCloseTo(3 * 1.5 ** 2, 14);
  });
  it("x used on 1000 paths: Σᵢ i·x has dy/dx = 500 500", () => {
    const x = new Value(0.7);
    let y = new Value(0);
    for (let i = 1; i <= 1000; i++) y = y.add(x.mul(i));
    y.backward();
    expect(x.grad).toBe(500_500);
  });
  it("a diamond: both paths through a shared node add up", () => {
    // u = x², v = sin u, w = u·v  →  dw/dx = (v + u cos u)·2x
    const x = new Value(0.9);
    const u = x.mul(x);
    const w = u.mul(u.sin());
    w.backward();
    const ux = 0.81;
    expectClose(x.grad, (Math.sin(ux) + ux * Math.cos(ux)) * 2 * 0.9, 1e-14, 0, "diamond");
  });
});

describe("what a second backward() does, and zeroGraphGrads / zeroParameterGrads", () => {
  // x = 3, y = x² = 9, z = 2y = 18: dz/dz = 1, dz/dy = 2, dz/dx = 4x = 12.
  const build = () => {
    const x = new Value(3, "x");
    const y = x.mul(x);
    const z = y.mul(2);
    return { x, y, z };
  };
  it("each call adds the same gradients again, to every node (the root gains 1 per call)", () => {
    const { x, y, z } = build();
    z.backward();
    expect([z.grad, y.grad, x.grad]).toEqual([1, 2, 12]);
    z.backward();
    expect([z.grad, y.grad, x.grad]).toEqual([2, 4, 24]);
    z.backward();
    expect([z.grad, y.grad, x.grad]).toEqual([3, 6, 36]);
  });
  it("zeroGraphGrads() on the root clears the whole graph, and a fresh backward starts from 0", () => {
    const { x, y, z } = build();
    z.backward();
    z.backward();
    z.zeroGraphGrads();
    expect([z.grad, y.grad, x.grad]).toEqual([0, 0, 0]);
    z.backward();
    expect([z.grad, y.grad, x.grad]).toEqual([1, 2, 12]);
  });
  it("two roots that share nodes: their gradients add", () => {
    // y = x² (x = 3); r1 = y + 1 → dr1/dy = 1, dr1/dx = 6; r2 = y² → dr2/dy = 2y = 18, dr2/dx = 18·6 = 108.
    const x = new Value(3);
    const y = x.mul(x);
    const r1 = y.add(1);
    const r2 = y.mul(y);
    r1.backward();
    r2.backward();
    expect(y.grad).toBe(19);
    expect(x.grad).toBe(114);
  });
  it("zeroParameterGrads(params) clears only the given parameters", () => {
    const w = new Value(2, "w");
    const b = new Value(-1, "b");
    const h = w.mul(4).add(b); // dh/dw = 4, dh/db = 1
    const out = h.tanh();
    out.backward();
    const hGrad = h.grad;
    expect(hGrad).not.toBe(0);
    zeroParameterGrads([w, b]);
    expect(w.grad).toBe(0);
    expect(b.grad).toBe(0);
    expect(h.grad).toBe(hGrad);
    zeroParameterGrads(new Set([h]));
    expect(h.grad).toBe(0);
  });
});

describe("numbers are accepted wherever a Value is", () => {
  it("a number on the left goes through Value.from: 2·x, 1 − x, 10 / x (hand-derived slopes 2, −1, −10/x²)", () => {
    const x = new Value(4, "x");
    const y = Value.from(2).mul(x).add(Value.from(1).sub(x)).add(Value.from(10).div(x));
    expect(y.data).toBe(8 - 3 + 2.5);
    y.backward();
    expect(x.grad).toBe(2 - 1 - 10 / 16);
  });
  it("every binary op takes a number on the right", () => {
    const x = new Value(4);
    expect(x.add(1).data).toBe(5);
    expect(x.sub(1).data).toBe(3);
    expect(x.mul(0.5).data).toBe(2);
    expect(x.div(8).data).toBe(0.5);
    expect(Value.from(3).data).toBe(3);
    expect(Value.from(x)).toBe(x);
  });
});
