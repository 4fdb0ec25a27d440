import { describe, expect, it } from "vitest";
import { Value } from "../../src/engine/value";

const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

describe("Value", () => {
  it("matches central differences for a composite expression", () => {
    const f = (x: number) => Math.tanh(x * x + Math.sin(x)) * Math.exp(x / 3);
    const x = new Value(0.7);
    const y = x.mul(x).add(x.sin()).tanh().mul(x.div(3).exp());
    y.backward();
    expect(y.data).toBeCloseTo(f(0.7), 12);
    expect(x.grad).toBeCloseTo(fd(f, 0.7), 7);
  });
  it("handles a 100 000-node chain without recursion", () => {
    const x = new Value(1);
    let y: Value = x;
    for (let i = 0; i < 100000; i++) y = y.add(1);
    y.backward();
    expect(x.grad).toBe(1);
  });
  it("accumulates on a second backward unless zeroGrad", () => {
    const x = new Value(3);
    const y = x.mul(x);
    y.backward();
    y.backward();
    expect(x.grad).toBe(12);
    y.zeroGrad();
    y.backward();
    expect(x.grad).toBe(6);
  });
});
