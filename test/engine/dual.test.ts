import { describe, expect, it } from "vitest";
import { Dual, forwardGradient, jvp } from "../../src/engine/dual";
import { grad } from "../../src/engine/functional";
import { Rng } from "../../src/engine/random";
import type { ScalarOps } from "../../src/engine/rules";
import { Value } from "../../src/engine/value";

// Functions written once against ScalarOps run in both modes. Expected numbers: hand-derived
// derivatives, central differences, or the other mode (two independent propagation orders).

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(rel * scale);
}

describe("dual-number arithmetic, hand-derived", () => {
  it("(3 + ε)² = 9 + 6ε; sin(0.5 + 2ε) = sin 0.5 + 2cos 0.5 ε", () => {
    const s = new Dual(3, 1).pow(2);
    expect([s.value, s.tangent]).toEqual([9, 6]);
    const t = new Dual(0.5, 2).sin();
    expect(t.value).toBe(Math.sin(0.5));
    expect(t.tangent).toBe(2 * Math.cos(0.5));
  });
  it("product rule: (2 + ε)(5 + 3ε) = 10 + (2·3 + 5·1)ε", () => {
    const p = new Dual(2, 1).mul(new Dual(5, 3));
    expect([p.value, p.tangent]).toEqual([10, 11]);
  });
  it("quotient rule: (1 + ε)/(4 + 2ε) = 0.25 + (4 − 2)/16 ε", () => {
    const q = new Dual(1, 1).div(new Dual(4, 2));
    expect(q.value).toBe(0.25);
    expect(q.tangent).toBeCloseTo(2 / 16, 15);
  });
  it("constants carry tangent 0 and numbers are accepted", () => {
    expect(Dual.from(7).tangent).toBe(0);
    expect(Dual.variable(7).tangent).toBe(1);
    const d = Dual.variable(2).mul(3).add(1);
    expect([d.value, d.tangent]).toEqual([7, 3]);
    const s = Dual.sum([Dual.variable(1), 2, new Dual(3, 0.5)]);
    expect([s.value, s.tangent]).toEqual([6, 1.5]);
    expect(String(new Dual(1, 2))).toBe("Dual(1 + 2ε)");
  });
  it("relu′(0) = 0, as in reverse mode", () => {
    expect(new Dual(0, 1).relu().tangent).toBe(0);
    expect(new Dual(1e-300, 1).relu().tangent).toBe(1);
  });
});

describe("the same domain rules as Value, with the same messages", () => {
  const cases: [string, () => unknown, () => unknown][] = [
    ["log(0)", () => new Value(0).log(), () => new Dual(0, 1).log()],
    ["log(−3)", () => new Value(-3).log(), () => new Dual(-3, 1).log()],
    ["(−2)^0.5", () => new Value(-2).pow(0.5), () => new Dual(-2, 1).pow(0.5)],
    ["0^−1", () => new Value(0).pow(-1), () => new Dual(0, 1).pow(-1)],
    ["1/0", () => new Value(1).div(0), () => new Dual(1, 1).div(0)],
    ["exp(800)", () => new Value(800).exp(), () => new Dual(800, 1).exp()],
    ["NaN leaf", () => new Value(NaN), () => new Dual(NaN)],
  ];
  for (const [name, reverse, forward] of cases) {
    it(name, () => {
      let message = "";
      try {
        reverse();
      } catch (e) {
        message = (e as Error).message.replace(/^Value/, "X");
      }
      expect(message).not.toBe("");
      expect(() => forward()).toThrow(RangeError);
      try {
        forward();
      } catch (e) {
        expect((e as Error).message.replace(/^Dual/, "X").replace("value must", "data must")).toBe(message);
      }
    });
  }
  it("x^0.5 at 0: value 0; a non-zero tangent asks for the infinite slope and throws", () => {
    expect(new Dual(0, 0).pow(0.5).value).toBe(0);
    expect(() => new Dual(0, 1).pow(0.5)).toThrow(/infinite slope/);
  });
  it("a non-finite tangent is rejected", () => {
    expect(() => new Dual(1, Infinity)).toThrow(/Dual: tangent must be a finite number/);
    expect(() => new Dual("1" as unknown as number)).toThrow(TypeError);
  });
  it("a tangent that overflows float64 throws naming the op, as a gradient does in reverse mode", () => {
    // d(1/x)/dx = −1/x² is −1e400 at x = 1e-200.
    expect(() => new Dual(1e-200, 1).pow(-1)).toThrow(/^pow: the tangent at x = 1e-200 is not a finite float64 \(local derivative -Infinity × tangent 1\)/);
    expect(() => new Dual(1, 1).div(new Dual(1e-160, 1))).toThrow(/^div: the tangent at \(x, y\) = \(1, 1e-160\) is not a finite float64/);
    expect(() => new Dual(1, 1e308).add(new Dual(1, 1e308))).toThrow(/^add: the tangents of x and y .* add up to Infinity/);
    expect(() => Dual.sum([new Dual(1, 1e308), new Dual(1, 1e308)])).toThrow(/^sum: the tangents of 2 terms add up to Infinity/);
    // The same point in reverse mode fails the same way.
    expect(() => new Value(1e-200).pow(-1).backward()).toThrow(/^pow: the gradient sent to its input at x = 1e-200 is not a finite float64/);
  });
});

/** Test functions written once for both modes. */
const functions: { name: string; n: number; f: <T extends ScalarOps<T>>(...x: T[]) => T; sample: (r: Rng) => number }[] = [
  { name: "x·y + sin x", n: 2, f: (x, y) => x.mul(y!).add(x.sin()), sample: (r) => r.uniform(-3, 3) },
  { name: "tanh(w1 x1 + w2 x2 + b)", n: 5, f: (w1, x1, w2, x2, b) => w1.mul(x1!).add(w2!.mul(x2!)).add(b!).tanh(), sample: (r) => r.uniform(-2, 2) },
  { name: "log(1 + x²)/(1 + e^y) − cos(xy)", n: 2, f: (x, y) => x.pow(2).add(1).log().div(y!.exp().add(1)).sub(x.mul(y!).cos()), sample: (r) => r.uniform(-2, 2) },
  { name: "σ(x)·relu(y − 0.3) + (z − x)³", n: 3, f: (x, y, z) => x.sigmoid().mul(y!.sub(0.3).relu()).add(z!.sub(x).pow(3)), sample: (r) => r.uniform(-2, 2) },
  { name: "x reused: x⁵ via products, minus 1/x", n: 1, f: (x) => x.mul(x).mul(x).mul(x).mul(x).sub(x.pow(-1)), sample: (r) => (r.next() < 0.5 ? -1 : 1) * r.uniform(0.2, 2) },
  { name: "−x", n: 1, f: (x) => x.neg().exp(), sample: (r) => r.uniform(-5, 5) },
];

describe("forward mode and reverse mode agree", () => {
  for (const fn of functions) {
    it(`${fn.name}: 200 seeded points, both modes also match central differences`, () => {
      const r = new Rng(fn.name.length);
      const reverse = grad((...xs: Value[]) => fn.f<Value>(...xs));
      for (let t = 0; t < 200; t++) {
        const xs = Array.from({ length: fn.n }, () => fn.sample(r));
        const fwd = forwardGradient((...ds: Dual[]) => fn.f<Dual>(...ds), xs);
        const rev = reverse(...xs);
        expect(fwd.passes).toBe(fn.n);
        for (let i = 0; i < fn.n; i++) {
          expectClose(fwd.grad[i]!, rev[i]!, 1e-13, `${fn.name} ∂/∂x${i} at [${xs}]`);
          // Central difference in float64 through the Dual's value (plain arithmetic).
          const h = 1e-6 * Math.max(1, Math.abs(xs[i]!));
          const at = (d: number) => fn.f<Dual>(...xs.map((x, j) => new Dual(j === i ? x + d : x))).value;
          expectClose(fwd.grad[i]!, (at(h) - at(-h)) / (2 * h), 1e-6, `${fn.name} FD ∂/∂x${i} at [${xs}]`);
        }
      }
    });
  }

  it("jvp gives ∇f·v in one pass, matching the reverse-mode gradient dotted with v", () => {
    const r = new Rng(5);
    const fn = functions[2]!;
    const reverse = grad((...xs: Value[]) => fn.f<Value>(...xs));
    for (let t = 0; t < 100; t++) {
      const xs = [r.uniform(-2, 2), r.uniform(-2, 2)];
      const v = [r.normal(), r.normal()];
      const res = jvp((...ds: Dual[]) => fn.f<Dual>(...ds), xs, v);
      const g = reverse(...xs);
      expect(res.passes).toBe(1);
      expectClose(res.tangent, g[0]! * v[0]! + g[1]! * v[1]!, 1e-13, "jvp");
    }
  });
});

describe("forwardGradient and jvp: costs and errors", () => {
  it("uses exactly one evaluation of f per input", () => {
    let calls = 0;
    const f = (...xs: Dual[]) => {
      calls++;
      return Dual.sum(xs.map((x, i) => x.mul(i + 1)));
    };
    const r = forwardGradient(f, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(calls).toBe(7);
    expect(r.passes).toBe(7);
    expect(r.grad).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.value).toBeCloseTo(0.1 + 0.4 + 0.9 + 1.6 + 2.5 + 3.6 + 4.9, 14);
  });
  it("a function of no inputs: its value, an empty gradient, one pass", () => {
    expect(forwardGradient(() => new Dual(4), [])).toEqual({ value: 4, grad: [], passes: 1 });
  });
  it("clear errors", () => {
    expect(() => forwardGradient(() => 3 as unknown as Dual, [1])).toThrow(/forwardGradient: f must return a Dual computed from its arguments, got number 3/);
    expect(() => forwardGradient((x) => x, [1, NaN])).toThrow(/forwardGradient: input 1 must be a finite number, got NaN/);
    expect(() => jvp((x) => x, [1, 2], [1])).toThrow(/jvp: 2 inputs but the direction has 1 entries/);
    expect(() => new Dual(1).add({} as unknown as Dual)).toThrow(/add: expected a Dual or a number, got an object/);
  });
});
