import { describe, expect, it } from "vitest";
import { moons } from "../../src/engine/datasets";
import { checkGradient } from "../../src/engine/gradcheck";
import { Rng } from "../../src/engine/random";
import { sum, Value } from "../../src/engine/value";
import { MatrixMLP } from "../../src/nn/mlp";
import { Layer, ScalarMLP, Neuron, type ScalarActivation } from "../../src/nn/scalar-mlp";

/** Mean squared error of an MLP over a few examples, as a Value. */
function mseLoss(net: ScalarMLP, X: number[][], Y: number[][]): Value {
  const terms: Value[] = [];
  X.forEach((x, k) => net.forward(x).forEach((o, i) => terms.push(o.sub(Y[k]![i]!).pow(2))));
  return sum(terms).div(terms.length);
}

/** The loss as a plain function of a flat parameter vector, for the gradient checker. */
function lossOf(net: ScalarMLP, X: number[][], Y: number[][]): (theta: Float64Array) => number {
  const params = net.parameters();
  return (theta) => {
    params.forEach((p, i) => (p.data = theta[i]!));
    return mseLoss(net, X, Y).data;
  };
}

describe("Neuron, Layer, MLP structure", () => {
  it("micrograd's demo net 2-16-16-1 has 2·16+16 + 16·16+16 + 16+1 = 337 parameters", () => {
    const net = new ScalarMLP([2, 16, 16, 1]);
    expect(net.parameters()).toHaveLength(337);
    expect(net.layers.map((l) => l.activation)).toEqual(["relu", "relu", "linear"]);
    expect(String(net)).toBe("MLP 2-16-16-1 (relu, relu, linear), 337 parameters");
    // W^(l) is d_out × d_in, as in the course
    expect(net.layers.map((l) => l.shape)).toEqual([[16, 2], [16, 16], [1, 16]]);
  });
  it("a neuron computes f(Σ wᵢxᵢ + b) (hand-derived)", () => {
    const n = new Neuron(3, { activation: "tanh", weights: [0.5, -1, 2], bias: 0.25 });
    const out = n.forward([1, 2, -0.5]);
    expect(out.data).toBeCloseTo(Math.tanh(0.5 - 2 - 1 + 0.25), 15);
    out.backward();
    const slope = 1 - Math.tanh(-2.25) ** 2;
    [1, 2, -0.5].forEach((x, j) => expect(n.w[j]!.grad).toBeCloseTo(slope * x, 15));
    expect(n.b.grad).toBeCloseTo(slope, 15);
    expect(n.parameters()).toEqual([...n.w, n.b]);
  });
  it("per-layer activations are applied, and each option has its range", () => {
    const acts: ScalarActivation[] = ["tanh", "relu", "sigmoid"];
    const net = new ScalarMLP([3, 4, 5, 2], { activations: acts, seed: 3 });
    expect(net.layers.map((l) => l.activation)).toEqual(acts);
    const r = new Rng(1);
    for (let t = 0; t < 50; t++) {
      const out = net.forward([r.normal(), r.normal(), r.normal()]);
      for (const o of out) expect(o.data > 0 && o.data < 1).toBe(true);
    }
    const lin = new Layer(2, 3, { activation: "linear", rng: new Rng(2) });
    const x = [0.3, -0.7];
    lin.forward(x).forEach((o, i) => {
      const n = lin.neurons[i]!;
      expect(o.data).toBeCloseTo(n.w[0]!.data * 0.3 + n.w[1]!.data * -0.7 + n.b.data, 15);
    });
  });
  it("labels parameters in the course's notation", () => {
    const net = new ScalarMLP([2, 3, 1]);
    expect(net.layers[0]!.neurons[2]!.w[1]!.label).toBe("W1[2,1]");
    expect(net.layers[1]!.neurons[0]!.b.label).toBe("b2[0]");
  });
  it("clear errors for bad sizes, activations and inputs", () => {
    expect(() => new ScalarMLP([2])).toThrow(/MLP: sizes must list at least the input and output sizes/);
    expect(() => new ScalarMLP([2, 0, 1])).toThrow(/MLP: sizes\[1\] must be a positive integer, got 0/);
    expect(() => new ScalarMLP([2, 3, 1], { activations: ["relu"] })).toThrow(/MLP: 2 layers but 1 activations given/);
    expect(() => new ScalarMLP([2, 1], { hidden: "softmax" as ScalarActivation, output: "gelu" as ScalarActivation })).toThrow(/unknown activation "gelu"/);
    expect(() => new ScalarMLP([2, 3, 1]).forward([1, 2, 3])).toThrow(/MLP.forward: the network takes 2 inputs but x has 3 entries/);
    expect(() => new Neuron(2, { weights: [1] })).toThrow(/Neuron: 2 inputs but 1 weights given/);
    expect(() => new Layer(2, 2, { init: "xavier" as "he" })).toThrow(/unknown init "xavier"/);
  });
});

describe("seeded initialisation", () => {
  const weights = (net: ScalarMLP) => net.parameters().map((p) => p.data);
  it("the same seed gives the same network; another seed another", () => {
    for (const init of ["uniform", "he", "glorot"] as const) {
      expect(weights(new ScalarMLP([2, 8, 1], { seed: 7, init }))).toEqual(weights(new ScalarMLP([2, 8, 1], { seed: 7, init })));
      expect(weights(new ScalarMLP([2, 8, 1], { seed: 7, init }))).not.toEqual(weights(new ScalarMLP([2, 8, 1], { seed: 8, init })));
    }
  });
  it("uniform weights lie in [−1, 1) and biases start at 0", () => {
    const net = new ScalarMLP([4, 32, 3], { seed: 1 });
    for (const l of net.layers) {
      for (const n of l.neurons) {
        expect(n.b.data).toBe(0);
        for (const w of n.w) expect(w.data >= -1 && w.data < 1).toBe(true);
      }
    }
  });
  it("he and glorot draw exactly what MatrixMLP draws for the same seed", () => {
    for (const init of ["he", "glorot"] as const) {
      const sizes = [3, 5, 4, 2];
      const net = new ScalarMLP(sizes, { seed: 11, init });
      const dense = new MatrixMLP(sizes, { seed: 11, init });
      net.layers.forEach((layer, l) =>
        layer.neurons.forEach((n, i) => n.w.forEach((w, j) => expect(w.data).toBe(dense.W[l + 1]!.get(i, j)))),
      );
    }
  });
});

describe("gradients against the gradient checker", () => {
  const r = new Rng(5);
  const X = Array.from({ length: 4 }, () => [r.normal(), r.normal(), r.normal()]);
  const Y = Array.from({ length: 4 }, () => [r.normal(), r.normal()]);
  for (const acts of [["tanh", "sigmoid", "linear"], ["relu", "relu", "linear"], ["sigmoid", "tanh", "sigmoid"]] as ScalarActivation[][]) {
    it(`3-5-4-2 with ${acts.join(", ")}`, () => {
      const net = new ScalarMLP([3, 5, 4, 2], { activations: acts, seed: 2, init: "glorot" });
      // move biases off 0 so relu units are not all at a shared kink pattern
      net.parameters().forEach((p, i) => { if (p.label!.startsWith("b")) p.data = 0.1 * Math.sin(i); });
      net.zeroParameterGrads();
      mseLoss(net, X, Y).backward();
      const analytic = net.parameters().map((p) => p.grad);
      const theta = net.parameters().map((p) => p.data);
      const report = checkGradient(lossOf(net, X, Y), theta, analytic, { names: net.parameters().map((p) => p.label!) });
      expect(report.ok, report.summary).toBe(true);
      expect(report.band === "correct" || report.kinks > 0, report.summary).toBe(true);
      expect(analytic.some((g) => g !== 0)).toBe(true);
    });
  }
  it("catches a planted error (one weight's gradient scaled by 1.01)", () => {
    const net = new ScalarMLP([3, 5, 4, 2], { activations: ["tanh", "tanh", "linear"], seed: 2 });
    mseLoss(net, X, Y).backward();
    const analytic = net.parameters().map((p) => p.grad);
    analytic[7] = analytic[7]! * 1.01;
    const report = checkGradient(lossOf(net, X, Y), net.parameters().map((p) => p.data), analytic);
    expect(report.ok).toBe(false);
    expect(report.worst[0]!.flatIndex).toBe(7);
  });
});

describe("zeroParameterGrads", () => {
  it("MLP, Layer and Neuron clear exactly their own parameters", () => {
    const net = new ScalarMLP([2, 3, 1], { hidden: "tanh" });
    const out = net.forward([0.5, -0.5])[0]!;
    out.backward();
    expect(net.parameters().some((p) => p.grad !== 0)).toBe(true);
    net.layers[1]!.zeroParameterGrads();
    expect(net.layers[1]!.parameters().every((p) => p.grad === 0)).toBe(true);
    expect(net.layers[0]!.parameters().some((p) => p.grad !== 0)).toBe(true);
    net.zeroParameterGrads();
    expect(net.parameters().every((p) => p.grad === 0)).toBe(true);
    expect(out.grad).toBe(1); // the graph's own nodes are left alone
  });
});

describe("training micrograd's demo", () => {
  it("100 SGD steps of max-margin loss + 1e-4·Σp² separate 100 two-moons points", () => {
    const data = moons(100, { noise: 0.1, seed: 1 });
    const ys = data.y.map((c) => (c === 1 ? 1 : -1));
    const net = new ScalarMLP([2, 16, 16, 1], { seed: 1 });
    const params = net.parameters();
    const losses: number[] = [];
    let accuracy = 0;
    for (let k = 0; k < 100; k++) {
      const scores = data.X.map((x) => net.forward(x)[0]!);
      const margins = scores.map((s, i) => s.mul(-ys[i]!).add(1).relu());
      const total = sum(margins).div(margins.length).add(sum(params.map((p) => p.mul(p))).mul(1e-4));
      accuracy = scores.filter((s, i) => s.data > 0 === ys[i]! > 0).length / scores.length;
      net.zeroParameterGrads();
      total.backward();
      const lr = 1 - (0.9 * k) / 100;
      for (const p of params) p.data -= lr * p.grad;
      losses.push(total.data);
    }
    expect(losses[99]!).toBeLessThan(losses[0]! / 5);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
  });
});
