import * as v8 from "node:v8";
import * as vm from "node:vm";
import { afterEach, describe, expect, test } from "vitest";
import { Rng } from "../../src/engine/random";
import { relu, softmax } from "../../src/nn/activations";
import { gemmBackend, setGemmBackend, type GemmBackend } from "../../src/nn/kernels/backend";
import { heapArray, kernelMath, smallKernelsAvailable } from "../../src/nn/kernels/small";
import { halfMeanSquared, softmaxCrossEntropy } from "../../src/nn/losses";
import { addColumnInto, affineInto, kernelMatrix, Matrix, matmulInto, sumRowsInto } from "../../src/nn/matrix";
import { MatrixMLP } from "../../src/nn/mlp";
import type { ActivationName } from "../../src/nn/activations";
import type { LossName } from "../../src/nn/losses";
import { checkGradient } from "../../src/engine/gradcheck";
import { gradientsOnFixture, mlpFixtureFiles } from "./torch-mlp-fixtures";

// The small-matrix WebAssembly kernels (src/nn/kernels/small.wat) against definitions written
// here with plain loops and Math.exp/Math.log, on matrices stored in the kernels' memory (used in
// place) and on ordinary ones (copied through staging slots), and the whole network under both
// backends against finite differences and PyTorch.

const initial = gemmBackend();
afterEach(() => { setGemmBackend(initial); });

test("Node 20 runs the small kernels", () => {
  expect(smallKernelsAvailable()).toBe(true);
  expect(kernelMath).toBeDefined();
});

/** Same bits, with every NaN equal to every other (JavaScript cannot tell NaN payloads apart). */
function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe("the kernels' exp and log give Math.exp's and Math.log's bits (fdlibm, as V8)", () => {
  const specials = [0, -0, 1, -1, 0.5, -0.5, Infinity, -Infinity, NaN, 709.78, 709.79, 710, -745.1, -745.2, -746, 1e-300, 5e-324,
    2.2250738585072014e-308, 0.3465735902799726, 0.34657359027997264, 1.0397207708399179, 1.03972077083991, Number.MAX_VALUE,
    -Number.MAX_VALUE, 1 + 2 ** -52, 1 - 2 ** -53, 2 ** -28, -(2 ** -28), 2 ** -29, 2 ** -1022, Math.E, Math.LN2];
  test("exp", () => {
    const r = new Rng(7);
    const xs = [...specials];
    for (let i = 0; i < 100_000; i++) xs.push(r.uniform(-750, 750), r.uniform(-2, 2), r.uniform(-1e-7, 1e-7), -r.uniform(0, 40));
    const wrong = xs.filter((x) => !sameBits(kernelMath!.exp(x), Math.exp(x)));
    expect(wrong).toEqual([]);
  });
  test("log", () => {
    const r = new Rng(8);
    const xs = [...specials, -1e-300, -5];
    for (let i = 0; i < 100_000; i++) xs.push(r.next(), Math.exp(r.uniform(-700, 700)), 1 + r.uniform(-1e-5, 1e-5), r.next() * 2.2250738585072014e-308);
    const wrong = xs.filter((x) => !sameBits(kernelMath!.log(x), Math.log(x)));
    expect(wrong).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Definitions, with plain loops over nested arrays.

function product(A: Matrix, B: Matrix, tA: boolean, tB: boolean): number[][] {
  const a = A.toArray(), b = B.toArray();
  const m = tA ? A.cols : A.rows, k = tA ? A.rows : A.cols, n = tB ? B.rows : B.cols;
  return Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let p = 0; p < k; p++) s += (tA ? a[p]![i]! : a[i]![p]!) * (tB ? b[j]![p]! : b[p]![j]!);
    return s;
  }));
}
function softmaxColumns(Z: Matrix): number[][] {
  const z = Z.toArray(), out = z.map((row) => row.map(() => 0));
  for (let j = 0; j < Z.cols; j++) {
    let mx = -Infinity;
    for (let i = 0; i < Z.rows; i++) mx = Math.max(mx, z[i]![j]!);
    let s = 0;
    for (let i = 0; i < Z.rows; i++) { out[i]![j] = Math.exp(z[i]![j]! - mx); s += out[i]![j]!; }
    for (let i = 0; i < Z.rows; i++) out[i]![j] = out[i]![j]! / s;
  }
  return out;
}

/** The same numbers in a matrix stored in the kernels' memory or in an ordinary one. */
function stored(kind: "kernel" | "plain", M: Matrix): Matrix {
  const out = kind === "kernel" ? kernelMatrix(M.rows, M.cols) : new Matrix(M.rows, M.cols);
  out.data.set(M.data);
  return out;
}
function random(r: Rng, rows: number, cols: number): Matrix {
  return Matrix.fromFunction(rows, cols, () => r.normal());
}
function expectClose(got: Matrix, want: number[][], tol: number): void {
  expect(got.shape).toEqual([want.length, want[0]?.length ?? 0]);
  got.toArray().forEach((row, i) => row.forEach((v, j) => {
    const w = want[i]![j]!;
    if (!(Math.abs(v - w) <= tol * Math.max(1, Math.abs(w)))) expect(v, `entry (${i}, ${j})`).toBe(w);
  }));
}

const shapes: [number, number, number][] = [[1, 1, 1], [2, 32, 16], [16, 32, 2], [16, 16, 32], [16, 2, 32], [2, 16, 32], [3, 5, 7], [7, 9, 2], [13, 11, 5], [5, 17, 1], [40, 40, 40]];

for (const kind of ["kernel", "plain"] as const) {
  describe(`small kernels on ${kind === "kernel" ? "matrices in the kernels' memory (in place)" : "ordinary matrices (staged)"}`, () => {
    test("kernel matrices really live in the kernels' memory, ordinary ones do not", () => {
      expect(stored(kind, new Matrix(3, 4)).kernelAddress >= 0).toBe(kind === "kernel");
    });

    for (const [m, n, k] of shapes) {
      test(`products ${m}×${k} · ${k}×${n}: A B, Aᵀ B, A Bᵀ and W A + b`, () => {
        const r = new Rng(m * 100 + n * 10 + k);
        const A = random(r, m, k), At = random(r, k, m), B = random(r, k, n), Bt = random(r, n, k), b = random(r, m, 1);
        const tol = 1e-13 * Math.sqrt(k) * 10;
        const C = stored(kind, Matrix.fill(m, n, 123)); // stale contents must be overwritten
        matmulInto(C, stored(kind, A), stored(kind, B));
        expectClose(C, product(A, B, false, false), tol);
        matmulInto(C, stored(kind, At), stored(kind, B), { transA: true });
        expectClose(C, product(At, B, true, false), tol);
        matmulInto(C, stored(kind, A), stored(kind, Bt), { transB: true });
        expectClose(C, product(A, Bt, false, true), tol);
        affineInto(C, stored(kind, A), stored(kind, B), stored(kind, b));
        expectClose(C, product(A, B, false, false).map((row, i) => row.map((v) => v + b.data[i]!)), tol);
      });
    }

    test("element-wise passes: bias column, relu and relu′, row sums, (ŷ − y)/M, SGD", () => {
      const r = new Rng(3);
      for (const [rows, cols] of [[16, 32], [3, 5], [1, 1], [2, 7]] as const) {
        const Z = random(r, rows, cols), G = random(r, rows, cols), b = random(r, rows, 1), Y = random(r, rows, cols);
        Z.data[0] = 0; // relu′(0) = 0
        const z = Z.toArray(), g = G.toArray(), y = Y.toArray();
        const out = stored(kind, new Matrix(rows, cols));
        addColumnInto(out, stored(kind, Z), stored(kind, b));
        expect(out.toArray()).toEqual(z.map((row, i) => row.map((v) => v + b.data[i]!)));
        relu.fInto(out, stored(kind, Z));
        expect(out.toArray()).toEqual(z.map((row) => row.map((v) => (v > 0 ? v : 0))));
        const d = stored(kind, G);
        relu.mulDf(d, stored(kind, Z), out);
        expect(d.toArray()).toEqual(g.map((row, i) => row.map((v, j) => v * (z[i]![j]! > 0 ? 1 : 0))));
        const sums = stored(kind, new Matrix(rows, 1));
        sumRowsInto(sums, stored(kind, G));
        expectClose(sums, g.map((row) => [row.reduce((s, v) => s + v, 0)]), 1e-14);
        const delta = halfMeanSquared.grad(stored(kind, Z), stored(kind, Y), stored(kind, new Matrix(rows, cols)));
        expect(delta.toArray()).toEqual(z.map((row, i) => row.map((v, j) => (1 / cols) * (v - y[i]![j]!))));
        const net = new MatrixMLP([cols, rows], { seed: 1 });
        const W0 = net.W[1]!.toArray(), gW = stored(kind, random(r, rows, cols));
        net.sgdStep({ delta: [], dW: [new Matrix(0, 0), gW], db: [new Matrix(0, 0), stored(kind, new Matrix(rows, 1))], loss: 0 }, 0.1);
        expect(net.W[1]!.toArray()).toEqual(W0.map((row, i) => row.map((v, j) => v - 0.1 * gW.get(i, j))));
      }
    });

    test("softmax and its cross-entropy have the bits of the definition with Math.exp and Math.log", () => {
      const r = new Rng(4);
      for (const [rows, cols] of [[2, 32], [10, 7], [1, 3], [3, 1]] as const) {
        const Z = Matrix.fromFunction(rows, cols, () => r.normal(0, 5));
        const A = stored(kind, new Matrix(rows, cols));
        softmax.fInto(A, stored(kind, Z));
        expect(A.toArray()).toEqual(softmaxColumns(Z));
        const Y = Matrix.fromFunction(rows, cols, (i, j) => (i === j % rows ? 1 : 0));
        let s = 0;
        for (let i = 0; i < A.size; i++) if (Y.data[i] !== 0) s -= Y.data[i]! * Math.log(Math.max(A.data[i]!, 1e-300));
        expect(softmaxCrossEntropy.value(A, stored(kind, Y))).toBe(s / cols);
      }
    });

    test("NaN and infinities go through as in JavaScript: relu(NaN) = 0, ∞ · relu′(z ≤ 0) = NaN, softmax of −∞ is 0", () => {
      const Z = Matrix.from([[NaN, -0, Infinity, -Infinity, 2]]);
      const a = stored(kind, new Matrix(1, 5));
      relu.fInto(a, stored(kind, Z));
      expect(a.toFlatArray()).toEqual([0, 0, Infinity, 0, 2]);
      const g = stored(kind, Matrix.from([[1, Infinity, 1, Infinity, -Infinity]]));
      relu.mulDf(g, stored(kind, Z), a);
      expect(g.toFlatArray()).toEqual([0, NaN, 1, NaN, -Infinity]);
      const S = stored(kind, new Matrix(3, 2));
      softmax.fInto(S, stored(kind, Matrix.from([[-Infinity, NaN], [0, 1], [1000, 2]])));
      expect(S.toArray()).toEqual([[0, NaN], [0, NaN], [1, NaN]]);
    });
  });
}

test("too large for the kernels' memory: ordinary storage, and every operation still right", () => {
  const big = kernelMatrix(520, 520); // 270 400 entries, above the largest block
  expect(big.kernelAddress).toBe(-1);
  const r = new Rng(5);
  const Z = random(r, 520, 520);
  relu.fInto(big, Z); // more entries than a staging slot: the JavaScript loop
  expect(big.toArray()).toEqual(Z.toArray().map((row) => row.map((v) => (v > 0 ? v : 0))));
  const sums = new Matrix(520, 1);
  sumRowsInto(sums, big);
  expectClose(sums, big.toArray().map((row) => [row.reduce((s, v) => s + v, 0)]), 1e-13);
});

test("heapArray hands out zeroed, 16-byte aligned arrays that do not overlap", () => {
  const arrays = [1, 2, 3, 16, 100, 1000].map((n) => heapArray(n));
  arrays.forEach((x, i) => {
    expect(x.every((v) => v === 0)).toBe(true);
    expect(x.byteOffset % 16).toBe(0);
    x.fill(i + 1);
  });
  arrays.forEach((x, i) => expect(x.every((v) => v === i + 1)).toBe(true));
});

test("a block comes back once its array is garbage-collected, and comes back zeroed", async () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const n = 777; // a size class nothing else in this file uses
  let first: Matrix | undefined = kernelMatrix(1, n);
  const address = first.kernelAddress;
  first.data.fill(42);
  first = undefined;
  let again = -1;
  for (let attempt = 0; attempt < 20 && again !== address; attempt++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5)); // finalizers run as tasks after a collection
    const m = kernelMatrix(1, n);
    again = m.kernelAddress;
    if (again === address) expect(m.data.every((v) => v === 0)).toBe(true);
  }
  expect(again).toBe(address);
});

// ---------------------------------------------------------------------------------------------
// The whole network under both backends.

const backends: GemmBackend[] = ["wasm", "js"];

for (const backend of backends) {
  describe(`MatrixMLP with the ${backend} backend`, () => {
    const combos: [ActivationName, ActivationName, LossName][] = [
      ["relu", "softmax", "softmaxCrossEntropy"], ["relu", "linear", "halfMeanSquared"], ["tanh", "sigmoid", "bce"],
    ];
    for (const [hidden, output, loss] of combos) {
      test(`2-16-16-2 (${hidden}, ${output}, ${loss}): gradients vs finite differences, with reused buffers`, () => {
        setGemmBackend(backend);
        const r = new Rng(12);
        const net = new MatrixMLP([2, 16, 16, 2], { hidden, output, loss, seed: 3 });
        for (const b of net.b.slice(1)) b.data.forEach((_, i) => (b.data[i] = r.normal(0, 0.3)));
        const X = random(r, 2, 32);
        const Y = loss === "halfMeanSquared" ? random(r, 2, 32) : Matrix.fromFunction(2, 32, (i, j) => (i === j % 2 ? 1 : 0));
        let cache = net.forward(X), grads = net.backward(cache, Y);
        cache = net.forward(X, cache);
        grads = net.backward(cache, Y, { into: grads });
        const params = net.parameters();
        const theta0 = params.flatMap((p) => Array.from(p.data));
        const analytic = net.gradientList(grads).flatMap((g) => Array.from(g.data));
        const load = (th: ArrayLike<number>) => { let q = 0; for (const p of params) for (let i = 0; i < p.size; i++) p.data[i] = th[q++]!; };
        const report = checkGradient((th) => { load(th); return net.backward(net.forward(X), Y).loss; }, theta0, analytic);
        load(theta0);
        expect(report.ok, report.summary).toBe(true);
      });
    }
  });
}

test("both backends train the same network to the same weights (to rounding) over 50 steps", () => {
  const run = (backend: GemmBackend) => {
    setGemmBackend(backend);
    const r = new Rng(21);
    const net = new MatrixMLP([2, 16, 16, 2], { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: 4 });
    const X = random(r, 2, 32), Y = Matrix.fromFunction(2, 32, (i, j) => (i === (X.get(0, j) * X.get(1, j) > 0 ? 1 : 0) ? 1 : 0));
    let cache, grads;
    for (let s = 0; s < 50; s++) {
      cache = net.forward(X, cache);
      grads = net.backward(cache, Y, { into: grads });
      net.sgdStep(grads, 0.1);
    }
    return net.parameters().flatMap((p) => Array.from(p.data));
  };
  const wasm = run("wasm"), js = run("js");
  expect(wasm.length).toBe(js.length);
  wasm.forEach((v, i) => expect(Math.abs(v - js[i]!)).toBeLessThan(1e-12));
});

describe("with the js backend, gradients still agree with PyTorch float64", () => {
  for (const file of mlpFixtureFiles()) {
    test(file, () => {
      setGemmBackend("js");
      const { fx, g } = gradientsOnFixture(file);
      expect(g.loss).toBeCloseTo(fx.value, 12);
      for (let l = 1; l <= fx.sizes.length - 1; l++) {
        expectClose(g.dW[l]!, fx.dW[l - 1]!, 1e-12);
        if (fx.bias) expectClose(g.db[l]!, fx.db[l - 1]!, 1e-12);
      }
    });
  }
});
