import { describe, expect, it } from "vitest";
import { grad, valueAndGrad } from "../../src/engine/functional";
import { Value } from "../../src/engine/value";

// Expected gradients derived by hand.

describe("grad and valueAndGrad", () => {
  // f(x, y) = x·y + sin x  →  ∇f = [y + cos x, x]
  const f = (x: Value, y: Value) => x.mul(y).add(x.sin());

  it("grad(f) is a function of numbers returning ∇f", () => {
    const g = grad(f)(0.4, -2);
    expect(g).toHaveLength(2);
    expect(g[0]).toBeCloseTo(-2 + Math.cos(0.4), 15);
    expect(g[1]).toBe(0.4);
  });

  it("valueAndGrad(f) also returns f", () => {
    const r = valueAndGrad(f)(1.5, 3);
    expect(r.value).toBeCloseTo(4.5 + Math.sin(1.5), 15);
    expect(r.grad[0]).toBeCloseTo(3 + Math.cos(1.5), 15);
    expect(r.grad[1]).toBe(1.5);
  });

  it("each call starts afresh (no accumulation across calls)", () => {
    const g = grad(f);
    const first = g(0.4, -2);
    expect(g(0.4, -2)).toEqual(first);
  });

  it("works with many inputs through rest parameters: ∂(Σ i·xᵢ²)/∂xᵢ = 2 i xᵢ", () => {
    const h = (...xs: Value[]) => xs.reduce((acc: Value, x, i) => acc.add(x.pow(2).mul(i)), new Value(0));
    const xs = [0.5, -1, 2, 3, -0.25];
    expect(grad(h)(...xs)).toEqual(xs.map((x, i) => 2 * i * x));
  });

  it("an input f does not use gets gradient 0", () => {
    expect(grad((x: Value, _y: Value) => x.mul(3))(1, 2)).toEqual([3, 0]);
  });

  it("clear error when f returns something other than a Value", () => {
    const bad = (x: Value) => Math.exp(x.data) as unknown as Value;
    expect(() => grad(bad)(1)).toThrow(TypeError);
    expect(() => grad(bad)(1)).toThrow(/grad: f must return a Value built from its arguments, got number .*did an op run on plain numbers/);
    expect(() => valueAndGrad(() => undefined as unknown as Value)()).toThrow(/valueAndGrad: f must return a Value .*got undefined/);
  });

  it("clear errors for wrong arguments", () => {
    expect(() => grad(f)(1)).toThrow(/grad: f takes 2 arguments but was given 1 number$/);
    expect(() => grad(f)(1, NaN)).toThrow(/grad: argument 1 must be a finite number, got NaN/);
  });
});
