import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { gemmBackend, setGemmBackend, wasmGemmAvailable, type GemmBackend } from "../../src/nn/kernels/backend";
import { availablePackedKernels, packedKernel, usePackedKernel, type PackedKernel } from "../../src/nn/kernels/product";
import { kernelMatrix, Matrix, matmulInto } from "../../src/nn/matrix";
import { Rng } from "../../src/engine/random";

/** op(A)[i, p] · op(B)[p, j] summed by the definition, on nested arrays, independent of the kernel. */
function reference(A: Matrix, B: Matrix, tA: boolean, tB: boolean): number[][] {
  const a = A.toArray(), b = B.toArray();
  const m = tA ? A.cols : A.rows, k = tA ? A.rows : A.cols, n = tB ? B.rows : B.cols;
  const out: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? a[p]![i]! : a[i]![p]!) * (tB ? b[j]![p]! : b[p]![j]!);
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

const initial = gemmBackend();
const initialKernel = packedKernel();
afterEach(() => {
  setGemmBackend(initial);
  if (initialKernel !== undefined) usePackedKernel(initialKernel);
});

/** Every kernel that runs large products here: each packed WebAssembly kernel, then JavaScript. */
const kernels: (PackedKernel | "js")[] = [...availablePackedKernels(), "js"];
function useKernel(k: PackedKernel | "js"): void {
  if (k === "js") setGemmBackend("js");
  else {
    setGemmBackend("wasm");
    usePackedKernel(k);
  }
}

test("every supported Node runs a WebAssembly SIMD kernel by default: relaxed-SIMD multiply-add from Node 22 on", () => {
  expect(wasmGemmAvailable()).toBe(true);
  expect(initial).toBe("wasm");
  // Relaxed SIMD validates on Node 22, 24 and 26 and not on Node 20 (shared/platform-notes.md).
  const major = Number(process.versions.node.split(".")[0]);
  expect(availablePackedKernels()).toEqual(major >= 22 ? ["wasm-relaxed-fma", "wasm-simd128"] : ["wasm-simd128"]);
  expect(initialKernel).toBe(major >= 22 ? "wasm-relaxed-fma" : "wasm-simd128");
});

// Shapes chosen to cross every path: tiny (plain loops), k < 8, leftovers of the 4×4 and 6×4
// tiles in rows and columns, the packed kernels, and k > 256 so the product spans several k-blocks;
// the last two write C in place when it lives in the kernels' memory, with and without a partial
// last row panel, and an odd number of steps in a k-block.
const shapes: [number, number, number][] = [
  [1, 1, 1], [3, 5, 2], [2, 32, 16], [16, 2, 32], [16, 32, 2], [16, 32, 16], [5, 7, 9], [17, 13, 11],
  [33, 31, 40], [64, 64, 64], [37, 41, 300], [130, 9, 600], [6, 130, 520], [128, 10, 784], [12, 12, 260],
  [131, 132, 301], [90, 64, 71],
];

/**
 * A copy of x stored as asked: an ordinary array, or in the kernels' memory (packed and written in
 * place there). Kernel-memory matrices are reused per shape and role, so the tests do not fill the
 * kernels' memory faster than the garbage collector returns it.
 */
const kernelCopies = new Map<string, Matrix>();
function stored(x: Matrix, where: "ordinary" | "kernel memory", role: string): Matrix {
  if (where === "ordinary") return x;
  const key = `${role} ${x.rows}×${x.cols}`;
  const k = kernelCopies.get(key) ?? kernelMatrix(x.rows, x.cols);
  kernelCopies.set(key, k);
  k.data.set(x.data);
  expect(k.kernelAddress).toBeGreaterThanOrEqual(0);
  return k;
}

for (const kernel of kernels) {
  for (const where of ["ordinary", "kernel memory"] as const) {
  describe(`gemm (${kernel} kernel, matrices in ${where}) agrees with the definition of the product`, () => {
    for (const [m, n, k] of shapes) {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        test(`${m}×${k} · ${k}×${n}${tA ? ", A transposed" : ""}${tB ? ", B transposed" : ""}`, () => {
          useKernel(kernel);
          const r = new Rng(m * 1000 + n * 10 + k);
          const A = stored(tA ? Matrix.fromFunction(k, m, () => r.normal()) : Matrix.fromFunction(m, k, () => r.normal()), where, "A");
          const B = stored(tB ? Matrix.fromFunction(n, k, () => r.normal()) : Matrix.fromFunction(k, n, () => r.normal()), where, "B");
          const ref = reference(A, B, tA, tB);
          const C = stored(Matrix.fill(m, n, 123), where, "C"); // stale contents must be overwritten
          matmulInto(C, A, B, { transA: tA, transB: tB });
          const acc = stored(Matrix.fromFunction(m, n, (i, j) => i - j), where, "acc");
          matmulInto(acc, A, B, { transA: tA, transB: tB, accumulate: true });
          const tol = 1e-12 * Math.sqrt(k) * 10;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              expect(Math.abs(C.get(i, j) - ref[i]![j]!)).toBeLessThan(tol);
              expect(Math.abs(acc.get(i, j) - (ref[i]![j]! + i - j))).toBeLessThan(tol);
            }
          }
        });
      }
    }
  });
  }
}

test("every kernel gives the same product to rounding on an MNIST-size layer (fused or not)", () => {
  const r = new Rng(9);
  const W = Matrix.fromFunction(256, 784, () => r.normal()), X = Matrix.fromFunction(784, 128, () => r.normal());
  useKernel("js");
  const js = W.matmul(X);
  for (const kernel of availablePackedKernels()) {
    useKernel(kernel);
    const wasm = W.matmul(X);
    let worst = 0;
    for (let i = 0; i < js.size; i++) worst = Math.max(worst, Math.abs(js.data[i]! - wasm.data[i]!));
    // Entries are sums of 784 products of size ~1 (so ~28); one rounding per product and sum, fused
    // or not, differs by at most a few hundred ulps of 28 (2^-48 each).
    expect(worst, kernel).toBeLessThan(1e-11);
  }
});

for (const kernel of kernels) {
  test(`${kernel}: 0 · ∞ still makes NaN (no zero skipping hides a diverged network)`, () => {
    useKernel(kernel);
    for (const n of [4, 40]) {
      const A = new Matrix(n, n); // zeros
      const B = Matrix.fill(n, n, 1);
      B.set(0, 0, Infinity);
      const C = A.matmul(B);
      expect(Number.isNaN(C.get(0, 0))).toBe(true);
      expect(C.get(0, 1)).toBe(0);
    }
  });
}

test("setGemmBackend rejects unknown names", () => {
  expect(() => setGemmBackend("gpu" as GemmBackend)).toThrow('setGemmBackend: unknown backend "gpu"');
});

test("the committed kernel bytes are assembled from src/nn/kernels/*.wat (run scripts/build-gemm-wasm.mjs)", async () => {
  const root = path.join(__dirname, "../..");
  const script = path.join(root, "scripts/build-gemm-wasm.mjs");
  interface Kernel { name: string; out: string }
  const { kernels, renderKernel } = (await import(script)) as { kernels: Kernel[]; renderKernel: (k: Kernel) => Promise<string> };
  expect(kernels.map((k) => k.name)).toEqual(["gemm", "gemm-fma", "small"]);
  for (const kernel of kernels) expect(await renderKernel(kernel), kernel.name).toBe(readFileSync(kernel.out, "utf8"));
});
