import { describe, expect, test } from "vitest";
import { MatrixMLP } from "../../src/nn/mlp";
import { Matrix } from "../../src/nn/matrix";
import { linear, relu, sigmoid, softmax, tanh } from "../../src/nn/activations";
import { bce, halfMeanSquared, lossByName, mse, softmaxCrossEntropy, squaredError } from "../../src/nn/losses";
import { glorotInit, heInit, normalInit } from "../../src/nn/init";
import type { ActivationName } from "../../src/nn/activations";
import type { LossName } from "../../src/nn/losses";
import { Rng } from "../../src/engine/random";
import { checkGradient, checkVjp } from "../../src/engine/gradcheck";

/** Flattens [W1, b1, W2, b2, …] so the gradient checker can perturb every parameter. */
function flat(ms: Matrix[]): number[] {
  return ms.flatMap((m) => Array.from(m.data));
}
function load(net: MatrixMLP, theta: ArrayLike<number>): void {
  let k = 0;
  for (const p of net.parameters()) for (let i = 0; i < p.size; i++) p.data[i] = theta[k++] as number;
}

function targets(loss: LossName, d: number, M: number, r: Rng): Matrix {
  if (loss === "softmaxCrossEntropy") return Matrix.fromFunction(d, M, (i, j) => (i === (j % d) ? 1 : 0));
  if (loss === "bce") return Matrix.fromFunction(d, M, () => (r.next() < 0.5 ? 0 : 1));
  return Matrix.fromFunction(d, M, () => r.normal());
}

describe("MatrixMLP backward vs finite differences", () => {
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
        const net = new MatrixMLP([3, 5, 4, 3], { hidden, output, loss, seed: 5 });
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
  const net = new MatrixMLP([1, 3, 3, 2], { hidden: "relu", output: "linear", loss: "squaredError", bias: true });
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
  const net = new MatrixMLP([2, 4, 1]);
  expect(() => net.forward(new Matrix(3, 5))).toThrow("forward: input is (3×5) but the network expects 2 rows");
  expect(() => net.backward(net.forward(new Matrix(2, 5)), new Matrix(1, 4))).toThrow("prediction (1×5) and target (1×4): shapes differ");
});

describe("in-place forms used by the training step", () => {
  for (const act of [relu, sigmoid, tanh, linear]) {
    test(`${act.name}: mulDf(g, z, f(z)) is g ⊙ f′(z), checked against central differences`, () => {
      const r = new Rng(12);
      const z = Matrix.fromFunction(3, 4, () => r.normal());
      const u = Matrix.fromFunction(3, 4, () => r.normal());
      const vjp = act.mulDf(u.clone(), z, act.f(z));
      const rep = checkVjp((x) => act.f(new Matrix(3, 4, Float64Array.from(x))).data, z.data, u.data, vjp.data);
      expect(rep.ok, rep.summary).toBe(true);
      expect(act.fInto(new Matrix(3, 4), z).toArray()).toEqual(act.f(z).toArray());
    });
  }
  test("softmax: columns sum to 1, stable for large inputs, and its element-wise derivative refuses", () => {
    const z = Matrix.from([[1000, 1], [1001, 2], [999, 3]]);
    const a = softmax.f(z);
    expect(a.sumCols().toFlatArray().every((v) => Math.abs(v - 1) < 1e-15)).toBe(true);
    expect(a.get(1, 0)).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1) + Math.exp(-1)), 15);
    expect(() => softmax.df(z)).toThrow("softmax: its Jacobian is not element-wise");
  });
  test("reusing buffers gives exactly what fresh ones give, and writes into the given matrices", () => {
    const r = new Rng(8);
    const net = new MatrixMLP([3, 6, 5, 2], { hidden: "tanh", output: "softmax", loss: "softmaxCrossEntropy", seed: 2 });
    const X = Matrix.fromFunction(3, 7, () => r.normal());
    const Y = Matrix.fromFunction(2, 7, (i, j) => (i === j % 2 ? 1 : 0));
    const fresh = net.backward(net.forward(X), Y, { weightDecay: 0.01 });
    const stale = net.forward(Matrix.fromFunction(3, 7, () => r.normal())); // other inputs, same shapes
    const staleGrads = net.backward(stale, Y);
    const cache = net.forward(X, stale);
    expect(cache.z[1]).toBe(stale.z[1]);
    const g = net.backward(cache, Y, { weightDecay: 0.01, into: staleGrads });
    expect(g.dW[1]).toBe(staleGrads.dW[1]);
    expect(g.loss).toBe(fresh.loss);
    for (let l = 1; l <= net.L; l++) {
      expect(g.dW[l]!.toArray()).toEqual(fresh.dW[l]!.toArray());
      expect(g.db[l]!.toArray()).toEqual(fresh.db[l]!.toArray());
      expect(g.delta[l]!.toArray()).toEqual(fresh.delta[l]!.toArray());
    }
  });
});

describe("losses: values by hand, gradients by central differences", () => {
  // One output, two examples: a = [1, 2], y = [0, 0].
  const A = Matrix.from([[1, 2]]), Y = Matrix.from([[0, 0]]);
  test("squared error (f − y)² as in 004: value 5, gradient 2(a − y)", () => {
    expect(squaredError.value(A, Y)).toBe(5);
    expect(squaredError.grad(A, Y).toArray()).toEqual([[2, 4]]);
  });
  test("000's ½·(1/m) Σ (y − ŷ)²: value (1 + 4)/4, gradient (a − y)/m", () => {
    expect(halfMeanSquared.value(A, Y)).toBe(1.25);
    expect(halfMeanSquared.grad(A, Y).toArray()).toEqual([[0.5, 1]]);
  });
  test("mean squared error over entries: value 2.5, gradient 2(a − y)/2", () => {
    expect(mse.value(A, Y)).toBe(2.5);
    expect(mse.grad(A, Y).toArray()).toEqual([[1, 2]]);
  });
  test("binary and softmax cross-entropy values", () => {
    expect(bce.value(Matrix.from([[0.8, 0.4]]), Matrix.from([[1, 0]]))).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(softmaxCrossEntropy.value(Matrix.from([[0.7, 0.2], [0.3, 0.8]]), Matrix.from([[1, 1], [0, 0]]))).toBeCloseTo(-(Math.log(0.7) + Math.log(0.2)) / 2, 15);
  });
  for (const name of ["squaredError", "halfMeanSquared", "mse", "bce", "softmaxCrossEntropy"] as const) {
    test(`${name}: ∂L/∂a matches central differences (batch mean inside, applied once)`, () => {
      const loss = lossByName(name);
      const r = new Rng(21);
      const P = Matrix.fromFunction(3, 4, () => 0.1 + 0.8 * r.next()); // inside (0, 1) for the cross-entropies
      const T = name === "softmaxCrossEntropy" ? Matrix.fromFunction(3, 4, (i, j) => (i === j % 3 ? 1 : 0)) : name === "bce" ? Matrix.fromFunction(3, 4, () => (r.next() < 0.5 ? 1 : 0)) : Matrix.fromFunction(3, 4, () => r.normal());
      const rep = checkGradient((x) => loss.value(new Matrix(3, 4, Float64Array.from(x)), T), P.data, loss.grad(P, T).data);
      expect(rep.ok, rep.summary).toBe(true);
    });
  }
  test("unknown names and mismatched shapes are named in the error", () => {
    expect(() => lossByName("hinge" as LossName)).toThrow('loss: unknown name "hinge"');
    expect(() => mse.grad(A, A, new Matrix(2, 2))).toThrow("mse: output buffer (2×2) does not match the prediction (1×2)");
    expect(() => bce.value(A, Matrix.from([[1], [0]]))).toThrow("bce: prediction (1×2) and target (2×1): shapes differ");
  });
});

describe("initialisation from the seeded Rng", () => {
  const varianceOf = (m: Matrix) => { const mean = m.sum() / m.size; return m.map((v) => (v - mean) ** 2).sum() / m.size; };
  test("He: variance 2/d_in; Glorot: 2/(d_in + d_out); normal: the variance asked for", () => {
    // 256·784 draws: the sample variance is within 1% of the true one with overwhelming probability.
    expect(varianceOf(heInit(256, 784, new Rng(1))) / (2 / 784)).toBeCloseTo(1, 1);
    expect(Math.abs(varianceOf(heInit(256, 784, new Rng(1))) / (2 / 784) - 1)).toBeLessThan(0.02);
    expect(Math.abs(varianceOf(glorotInit(256, 784, new Rng(2))) / (2 / (784 + 256)) - 1)).toBeLessThan(0.02);
    expect(Math.abs(varianceOf(normalInit(256, 784, 0.3, new Rng(3))) / 0.3 - 1)).toBeLessThan(0.02);
    expect(heInit(3, 5, new Rng(4)).shape).toEqual([3, 5]);
  });
  test("the same seed gives the same network, another seed another one", () => {
    const a = new MatrixMLP([4, 8, 3], { seed: 7 }), b = new MatrixMLP([4, 8, 3], { seed: 7 }), c = new MatrixMLP([4, 8, 3], { seed: 8 });
    expect(a.W[1]!.toArray()).toEqual(b.W[1]!.toArray());
    expect(a.W[2]!.toArray()).toEqual(b.W[2]!.toArray());
    expect(a.W[1]!.toArray()).not.toEqual(c.W[1]!.toArray());
  });
  test("the scheme follows the options: he for relu, glorot otherwise, normal with its variance", () => {
    const n = new MatrixMLP([300, 400, 1], { init: "normal", variance: 0.5, seed: 1 });
    expect(Math.abs(varianceOf(n.W[1]!) / 0.5 - 1)).toBeLessThan(0.02);
    const t = new MatrixMLP([300, 400, 1], { hidden: "tanh", seed: 1 });
    expect(Math.abs(varianceOf(t.W[1]!) / (2 / 700) - 1)).toBeLessThan(0.02);
    expect(() => normalInit(2, 2, -1, new Rng(0))).toThrow("init: variance must be a finite number ≥ 0, got -1");
  });
});

test("002 example 3: a 64 → 128 layer on a batch of 32 has W 128×64, a 64×32, z and δ 128×32, ∂L/∂W 128×64", () => {
  const net = new MatrixMLP([64, 128], { output: "linear", loss: "halfMeanSquared", seed: 3 });
  const r = new Rng(5);
  const A0 = Matrix.fromFunction(64, 32, () => r.normal());
  const cache = net.forward(A0);
  const g = net.backward(cache, new Matrix(128, 32));
  expect(net.W[1]!.shape).toEqual([128, 64]);
  expect(cache.a[0]!.shape).toEqual([64, 32]);
  expect(cache.z[1]!.shape).toEqual([128, 32]);
  expect(g.delta[1]!.shape).toEqual([128, 32]);
  expect(g.dW[1]!.shape).toEqual([128, 64]);
  expect(g.db[1]!.shape).toEqual([128, 1]);
});

test("002 example 2 with the matrix network: σ(w·x + b), BCE, w = 1, x = 2, b = −1, y = 0", () => {
  // Hand-derived in the course: ŷ = σ(1) ≈ 0.7311, L = −log(1 − 0.7311) ≈ 1.313, ∂L/∂w = 2·0.7311 = 1.4622, ∂L/∂b = 0.7311.
  const net = new MatrixMLP([1, 1], { output: "sigmoid", loss: "bce" });
  net.W[1]!.set(0, 0, 1);
  net.b[1]!.set(0, 0, -1);
  const g = net.backward(net.forward(Matrix.column([2])), Matrix.column([0]));
  expect(g.loss).toBeCloseTo(1.313, 3);
  expect(g.dW[1]!.get(0, 0)).toBeCloseTo(1.4622, 3); // the course doubles the rounded 0.7311
  expect(g.db[1]!.get(0, 0)).toBeCloseTo(0.7311, 4);
});

test("the batch mean is applied once: a batch of identical columns has the gradient of one column", () => {
  const net = new MatrixMLP([2, 3, 2], { hidden: "tanh", output: "softmax", loss: "softmaxCrossEntropy", seed: 4 });
  const x = [0.3, -0.7], y = [0, 1];
  const one = net.backward(net.forward(Matrix.fromColumns([x])), Matrix.fromColumns([y]));
  const many = net.backward(net.forward(Matrix.fromColumns([x, x, x, x])), Matrix.fromColumns([y, y, y, y]));
  for (let l = 1; l <= 2; l++) {
    many.dW[l]!.data.forEach((v, i) => expect(v).toBeCloseTo(one.dW[l]!.data[i]!, 14));
    many.db[l]!.data.forEach((v, i) => expect(v).toBeCloseTo(one.db[l]!.data[i]!, 14));
  }
});

test("construction errors say what is wrong", () => {
  expect(() => new MatrixMLP([2])).toThrow("MatrixMLP: sizes must be at least two positive integers, got [2]");
  expect(() => new MatrixMLP([2, 0, 1])).toThrow("got [2, 0, 1]");
  expect(() => new MatrixMLP([2, 3, 1], { activations: ["relu"] })).toThrow("MatrixMLP: 2 layers but 1 activations");
  expect(() => new MatrixMLP([2, 3, 1], { hidden: "softmax", output: "linear" })).toThrow("MatrixMLP: softmax can only be the output activation (layer 1 of 2 asks for it)");
  expect(() => new MatrixMLP([2, 3], { output: "softmax", loss: "mse" })).toThrow("MatrixMLP: a softmax output needs the softmaxCrossEntropy loss, not mse");
  expect(() => new MatrixMLP([2, 3], { output: "swish" as ActivationName })).toThrow('activation: unknown name "swish"');
  const net = new MatrixMLP([2, 3, 1]);
  const cache = net.forward(new Matrix(2, 4));
  expect(() => net.backward({ z: cache.z.slice(0, 2), a: cache.a.slice(0, 2) }, new Matrix(1, 4))).toThrow("backward: the cache has 1 layers but the network has 2");
  expect(() => net.backward(cache, new Matrix(1, 4), { weightDecay: -1 })).toThrow("backward: weightDecay must be a finite number ≥ 0, got -1");
  const other = new MatrixMLP([2, 5, 1]);
  expect(() => net.sgdStep(other.backward(other.forward(new Matrix(2, 4)), new Matrix(1, 4)), 0.1)).toThrow("sgdStep: ∂L/∂W^(1) is (5×2) but W^(1) is (3×2)");
});
