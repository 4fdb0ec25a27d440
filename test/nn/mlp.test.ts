import { describe, expect, test } from "vitest";
import { DenseNetwork } from "../../src/nn/mlp";
import { Matrix } from "../../src/nn/matrix";
import { relu, sigmoid, tanh } from "../../src/nn/activations";
import type { ActivationName } from "../../src/nn/activations";
import type { LossName } from "../../src/nn/losses";
import { Rng } from "../../src/engine/random";
import { checkGradient, checkVjp } from "../../src/engine/gradcheck";

/** Flattens [W1, b1, W2, b2, …] so the gradient checker can perturb every parameter. */
function flat(ms: Matrix[]): number[] {
  return ms.flatMap((m) => Array.from(m.data));
}
function load(net: DenseNetwork, theta: ArrayLike<number>): void {
  let k = 0;
  for (const p of net.parameters()) for (let i = 0; i < p.size; i++) p.data[i] = theta[k++] as number;
}

function targets(loss: LossName, d: number, M: number, r: Rng): Matrix {
  if (loss === "softmaxCrossEntropy") return Matrix.fromFunction(d, M, (i, j) => (i === (j % d) ? 1 : 0));
  if (loss === "bce") return Matrix.fromFunction(d, M, () => (r.next() < 0.5 ? 0 : 1));
  return Matrix.fromFunction(d, M, () => r.normal());
}

describe("DenseNetwork backward vs finite differences", () => {
  const combos: [ActivationName, ActivationName, LossName][] = [
    ["relu", "linear", "halfMeanSquared"],
    ["tanh", "linear", "squaredError"],
    ["sigmoid", "linear", "mse"],
    ["tanh", "sigmoid", "bce"],
    ["relu", "softmax", "softmaxCrossEntropy"],
    ["tanh", "tanh", "mse"], // non-fused δ^L = ∂L/∂a ⊙ f′(z)
    ["relu", "sigmoid", "mse"],
  ];
  for (const [hidden, output, loss] of combos) {
    for (const weightDecay of [0, 0.03]) {
      test(`3-5-4-3, ${hidden} hidden, ${output} output, ${loss}, λ=${weightDecay}`, () => {
        const r = new Rng(11);
        const net = new DenseNetwork([3, 5, 4, 3], { hidden, output, loss, seed: 5 });
        for (const b of net.b.slice(1)) b.data.forEach((_, i) => (b.data[i] = r.normal(0, 0.3)));
        const X = Matrix.fromFunction(3, 6, () => r.normal());
        const Y = targets(loss, 3, 6, r);
        const g = net.backward(net.forward(X), Y, { weightDecay });
        const analytic = flat(net.W.slice(1).flatMap((_, k) => [g.dW[k + 1] as Matrix, g.db[k + 1] as Matrix]));
        const theta0 = flat(net.parameters());
        const f = (th: Float64Array) => { load(net, th); return net.backward(net.forward(X), Y, { weightDecay }).loss; };
        const report = checkGradient(f, theta0, analytic);
        load(net, theta0);
        expect(report.ok, report.summary).toBe(true);
        expect(report.maxRelError).toBeLessThan(1e-6);
      });
    }
  }
});

describe("layer-local backward rules vs checkVjp", () => {
  for (const act of [relu, sigmoid, tanh]) {
    test(`${act.name}: g ⊙ f′(z)`, () => {
      const r = new Rng(2);
      const z = Matrix.fromFunction(4, 3, () => r.normal());
      const u = Matrix.fromFunction(4, 3, () => r.normal());
      const rep = checkVjp((x) => act.f(new Matrix(4, 3, Float64Array.from(x))).data, z.data, u.data, u.mul(act.df(z)).data);
      expect(rep.ok, rep.summary).toBe(true);
    });
  }
  test("dense layer: ∂/∂W of ⟨u, W a⟩ is u aᵀ and ∂/∂a is Wᵀ u", () => {
    const r = new Rng(4);
    const W = Matrix.fromFunction(3, 5, () => r.normal()), A = Matrix.fromFunction(5, 2, () => r.normal()), U = Matrix.fromFunction(3, 2, () => r.normal());
    expect(checkVjp((w) => new Matrix(3, 5, Float64Array.from(w)).matmul(A).data, W.data, U.data, U.matmul(A.T()).data).ok).toBe(true);
    expect(checkVjp((a) => W.matmul(new Matrix(5, 2, Float64Array.from(a))).data, A.data, U.data, W.T().matmul(U).data).ok).toBe(true);
  });
});

test("002 practice problem 4: δ^(2) = ((W^(3))ᵀ δ^(3)) ⊙ ReLU′(z^(2)) = [0.8, 0, 0]", () => {
  // A network whose layer 3 is W^(3) = [[1,2,3],[−1,0,1]] and whose output loss makes δ^(3) = [0.5, −0.3]:
  // with a linear output and L = Σ (a − y)², δ^(3) = 2(a − y), so choose y = a − δ/2.
  const net = new DenseNetwork([1, 3, 3, 2], { hidden: "relu", output: "linear", loss: "squaredError", bias: true });
  net.W[3]!.data.set([1, 2, 3, -1, 0, 1]);
  // Make z^(2) = [1, −2, 0] exactly: W^(2) = 0 and b^(2) = [1, −2, 0].
  net.W[2]!.data.fill(0);
  net.b[2]!.data.set([1, -2, 0]);
  const cache = net.forward(Matrix.column([0.7]));
  expect(cache.z[2]!.toFlatArray()).toEqual([1, -2, 0]);
  const aL = cache.a[3]!;
  const Y = aL.sub(Matrix.column([0.25, -0.15]));
  const g = net.backward(cache, Y);
  const d3 = g.delta[3]!.toFlatArray();
  expect(d3[0]).toBeCloseTo(0.5, 12);
  expect(d3[1]).toBeCloseTo(-0.3, 12);
  const d2 = g.delta[2]!.toFlatArray();
  expect(d2[0]).toBeCloseTo(0.8, 12);
  expect(d2[1]).toBe(0);
  expect(d2[2]).toBe(0);
});

test("shape errors reach the user", () => {
  const net = new DenseNetwork([2, 4, 1]);
  expect(() => net.forward(new Matrix(3, 5))).toThrow("forward: input is (3×5) but the network expects 2 rows");
  expect(() => net.backward(net.forward(new Matrix(2, 5)), new Matrix(1, 4))).toThrow("prediction (1×5) and target (1×4): shapes differ");
});
