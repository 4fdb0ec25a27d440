import { describe, expect, it } from "vitest";
import { Rng } from "../../src/engine/random";
import { sum, Value } from "../../src/engine/value";
import type { ActivationName } from "../../src/nn/activations";
import type { LossName } from "../../src/nn/losses";
import { Matrix } from "../../src/nn/matrix";
import { MatrixMLP } from "../../src/nn/mlp";
import { ScalarMLP, type ScalarActivation } from "../../src/nn/scalar-mlp";

// Two independent implementations of the same network: the scalar MLP differentiates a graph of
// Values node by node; MatrixMLP applies the course's δ recurrences to matrices. With the
// weights copied across they must give the same loss and the same ∂L/∂W^(l), ∂L/∂b^(l).

interface Case {
  name: string;
  sizes: number[];
  activations: ActivationName[];
  loss: LossName;
  weightDecay: number;
}

const cases: Case[] = [
  { name: "tanh → relu → linear, ½·(1/m) squared error", sizes: [3, 4, 3, 2], activations: ["tanh", "relu", "linear"], loss: "halfMeanSquared", weightDecay: 0 },
  { name: "relu → sigmoid, binary cross-entropy, weight decay 0.01", sizes: [2, 5, 1], activations: ["relu", "sigmoid"], loss: "bce", weightDecay: 0.01 },
  { name: "sigmoid → softmax, cross-entropy", sizes: [4, 6, 3], activations: ["sigmoid", "softmax"], loss: "softmaxCrossEntropy", weightDecay: 0 },
  { name: "tanh → tanh → sigmoid, mean squared error, weight decay 0.1", sizes: [3, 4, 4, 2], activations: ["tanh", "tanh", "sigmoid"], loss: "mse", weightDecay: 0.1 },
  { name: "004-style squared error Σ(f − y)², linear → linear", sizes: [1, 3, 1], activations: ["linear", "linear"], loss: "squaredError", weightDecay: 0 },
];

/** The loss of a batch written with Values, straight from each loss's definition. */
function scalarLoss(c: Case, net: ScalarMLP, X: number[][], Y: number[][]): Value {
  const M = X.length;
  const K = c.sizes[c.sizes.length - 1]!;
  const terms: Value[] = [];
  for (let m = 0; m < M; m++) {
    let out = net.forward(X[m]!);
    if (c.activations[c.activations.length - 1] === "softmax") {
      const e = out.map((o) => o.exp());
      const total = sum(e);
      out = e.map((ei) => ei.div(total));
    }
    for (let k = 0; k < K; k++) {
      const a = out[k]!;
      const y = Y[m]![k]!;
      if (c.loss === "bce") terms.push(a.log().mul(y).add(a.neg().add(1).log().mul(1 - y)).neg());
      else if (c.loss === "softmaxCrossEntropy") terms.push(a.log().mul(-y));
      else terms.push(a.sub(y).pow(2));
    }
  }
  const data = sum(terms);
  const scaled =
    c.loss === "halfMeanSquared" ? data.div(2 * M) :
    c.loss === "mse" ? data.div(M * K) :
    c.loss === "squaredError" ? data :
    data.div(M);
  if (c.weightDecay === 0) return scaled;
  const weights = net.layers.flatMap((l) => l.neurons.flatMap((n) => n.w));
  return scaled.add(sum(weights.map((w) => w.pow(2))).mul(c.weightDecay));
}

function expectSame(a: number, b: number, what: string): void {
  expect(Math.abs(a - b), `${what}: scalar ${a}, matrix ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
}

describe("the scalar MLP and MatrixMLP give the same gradients", () => {
  for (const [k, c] of cases.entries()) {
    it(c.name, () => {
      const r = new Rng(100 + k);
      const M = 6;
      const d0 = c.sizes[0]!;
      const K = c.sizes[c.sizes.length - 1]!;
      const X = Array.from({ length: M }, () => Array.from({ length: d0 }, () => r.normal()));
      const Y = Array.from({ length: M }, (_, m) =>
        Array.from({ length: K }, (_, i) =>
          c.loss === "softmaxCrossEntropy" ? (i === m % K ? 1 : 0) : c.loss === "bce" ? m % 2 : r.normal()),
      );

      const dense = new MatrixMLP(c.sizes, { activations: c.activations, loss: c.loss, seed: 20 + k, init: "glorot" });
      // non-zero biases so that their gradients are exercised too
      for (let l = 1; l < c.sizes.length; l++) for (let i = 0; i < c.sizes[l]!; i++) dense.b[l]!.set(i, 0, r.uniform(-0.5, 0.5));

      // Copy the weights across: neuron i of layer l holds row i of W^(l) and b^(l)ᵢ.
      const scalarActs = c.activations.map((a) => (a === "softmax" ? "linear" : a)) as ScalarActivation[];
      const net = new ScalarMLP(c.sizes, { activations: scalarActs });
      net.layers.forEach((layer, li) =>
        layer.neurons.forEach((n, i) => {
          n.w.forEach((w, j) => (w.data = dense.W[li + 1]!.get(i, j)));
          n.b.data = dense.b[li + 1]!.get(i, 0);
        }),
      );

      const cache = dense.forward(Matrix.fromColumns(X));
      const g = dense.backward(cache, Matrix.fromColumns(Y), { weightDecay: c.weightDecay });
      const L = scalarLoss(c, net, X, Y);
      L.backward();

      expectSame(L.data, g.loss, "loss");
      net.layers.forEach((layer, li) => {
        const l = li + 1;
        layer.neurons.forEach((n, i) => {
          n.w.forEach((w, j) => expectSame(w.grad, g.dW[l]!.get(i, j), `∂L/∂W${l}[${i},${j}]`));
          expectSame(n.b.grad, g.db[l]!.get(i, 0), `∂L/∂b${l}[${i}]`);
        });
      });
      // not a vacuous agreement
      expect(net.parameters().filter((p) => Math.abs(p.grad) > 1e-6).length).toBeGreaterThan(net.parameters().length / 2);
    });
  }
});
