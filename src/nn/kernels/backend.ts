/**
 * The kernel interface behind the `Matrix` operations: every product and every element-wise pass
 * of a training step goes through the one backend in use, chosen once (WebAssembly SIMD where it
 * runs, else JavaScript) and switched only by `setGemmBackend`. Above this file, activations,
 * losses, optimisers and the network are written as the equations, with no "try the kernel, else
 * loop" branches; below it, each backend does whatever it takes.
 *
 * - `jsBackend`: plain loops. It is also the definition: where the WebAssembly backend's kernels
 *   cannot take an operand (too large to stage, see small.ts), it runs these same loops.
 * - `wasmBackend`: the small-matrix kernels (small.ts) on matrices stored in their memory, the
 *   packed SIMD product (product.ts) for large products.
 *
 * The seam for new product kernels (an FMA kernel, a split over worker threads) is
 * `KernelBackend.product`: a new backend object, or a new branch in `productWasm`'s size choice
 * (product.ts), is all it takes; `setGemmBackend` lists the names a user may pick. Operands are
 * `Stored` (a `Matrix` is one): row-major entries and their address in the kernels' memory.
 * Shapes have been checked by the caller (matrix.ts); backends trust them.
 */
import { RELU } from "../../engine/rules";
import { packedWasmAvailable, productJs, productWasm } from "./product";
import {
  addColumnKernel, crossEntropySumKernel, reluBackKernel, reluKernel, scaledDiffKernel, sgdKernel,
  smallKernelsAvailable, softmaxKernel, sumRowsKernel, type Stored,
} from "./small";

// Reads of Float64Arrays in the loops below carry `as number` (noUncheckedIndexedAccess types every
// index read as possibly undefined): a read past the end would be a bug the tests catch, not a case
// to branch on in a hot loop, and the assertion costs nothing at run time.

/** Which kernels run products and the training step's passes: WebAssembly SIMD, or JavaScript loops. */
export type GemmBackend = "wasm" | "js";

/** The operations the nn code asks of a backend. Outputs may be an input (in place) except in `product`. */
export interface KernelBackend {
  readonly name: GemmBackend;
  /** C (m×n) = op(A) op(B) (+ old C when `accumulate`) (+ `bias`, m entries, on every column). */
  product(C: Stored, A: Stored, B: Stored, m: number, n: number, k: number, tA: boolean, tB: boolean, accumulate: boolean, bias?: Stored): void;
  /** out = A + col 1ᵀ (A rows×cols). */
  addColumn(out: Stored, A: Stored, col: Stored, rows: number, cols: number): void;
  /** out[i] = Σ_j A[i, j] (A rows×cols). */
  sumRows(out: Stored, A: Stored, rows: number, cols: number): void;
  /** out = relu(z) entry by entry (the engine's RELU rule). */
  relu(out: Stored, z: Stored): void;
  /** g ← g ⊙ relu′(z) (relu′(0) = 0, the engine's RELU rule). */
  reluBack(g: Stored, z: Stored): void;
  /** out = c (a − y). */
  scaledDiff(out: Stored, a: Stored, y: Stored, c: number): void;
  /** y ← y + α x: an SGD step (α = −η) and the weight-decay term of a gradient (α = 2λ). */
  addScaled(y: Stored, x: Stored, alpha: number): void;
  /** out = softmax of every column of z (rows×cols), shifted by the column maximum. */
  softmaxColumns(out: Stored, z: Stored, rows: number, cols: number): void;
  /** −Σ y ln max(a, 1e-300) over the entries with y ≠ 0. */
  crossEntropySum(a: Stored, y: Stored): number;
}

/** The JavaScript backend: the loops that define every operation. */
export const jsBackend: KernelBackend = {
  name: "js",
  product(C, A, B, m, n, k, tA, tB, accumulate, bias) {
    productJs(C.data, A.data, B.data, m, n, k, tA, tB, accumulate);
    if (bias !== undefined && m !== 0 && n !== 0) jsBackend.addColumn(C, C, bias, m, n);
  },
  addColumn(out, A, col, rows, cols) {
    const a = A.data, b = col.data, o = out.data;
    for (let i = 0; i < rows; i++) {
      const bi = b[i] as number, r = i * cols;
      for (let j = 0; j < cols; j++) o[r + j] = (a[r + j] as number) + bi;
    }
  },
  sumRows(out, A, rows, cols) {
    const a = A.data, o = out.data;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const r = i * cols;
      for (let j = 0; j < cols; j++) s += a[r + j] as number;
      o[i] = s;
    }
  },
  relu(out, z) {
    const o = out.data, x = z.data;
    for (let i = 0; i < x.length; i++) o[i] = RELU.value(x[i] as number);
  },
  reluBack(g, z) {
    const d = g.data, x = z.data;
    for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) * RELU.derivative(x[i] as number, 0);
  },
  scaledDiff(out, a, y, c) {
    const o = out.data, p = a.data, q = y.data;
    for (let i = 0; i < o.length; i++) o[i] = c * ((p[i] as number) - (q[i] as number));
  },
  addScaled(y, x, alpha) {
    const t = y.data, g = x.data;
    for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) + alpha * (g[i] as number);
  },
  softmaxColumns(out, z, rows, cols) {
    const o = out.data, x = z.data;
    for (let j = 0; j < cols; j++) {
      let mx = -Infinity;
      for (let i = 0; i < rows; i++) mx = Math.max(mx, x[i * cols + j] as number);
      let s = 0;
      for (let i = 0; i < rows; i++) { const e = Math.exp((x[i * cols + j] as number) - mx); o[i * cols + j] = e; s += e; }
      for (let i = 0; i < rows; i++) o[i * cols + j] = (o[i * cols + j] as number) / s;
    }
  },
  crossEntropySum(a, y) {
    const p = a.data, q = y.data;
    let s = 0;
    for (let i = 0; i < p.length; i++) { const t = q[i] as number; if (t !== 0) s -= t * Math.log(Math.max(p[i] as number, 1e-300)); }
    return s;
  },
};

/** The WebAssembly backend: each kernel where it can take the operands, the JavaScript loop where not. */
export const wasmBackend: KernelBackend = {
  name: "wasm",
  product(C, A, B, m, n, k, tA, tB, accumulate, bias) {
    if (!productWasm(C, A, B, m, n, k, tA, tB, accumulate, bias) && bias !== undefined) wasmBackend.addColumn(C, C, bias, m, n);
  },
  addColumn(out, A, col, rows, cols) {
    if (!addColumnKernel(out, A, col, rows, cols)) jsBackend.addColumn(out, A, col, rows, cols);
  },
  sumRows(out, A, rows, cols) {
    if (!sumRowsKernel(out, A, rows, cols)) jsBackend.sumRows(out, A, rows, cols);
  },
  relu(out, z) {
    if (!reluKernel(out, z)) jsBackend.relu(out, z);
  },
  reluBack(g, z) {
    if (!reluBackKernel(g, z)) jsBackend.reluBack(g, z);
  },
  scaledDiff(out, a, y, c) {
    if (!scaledDiffKernel(out, a, y, c)) jsBackend.scaledDiff(out, a, y, c);
  },
  addScaled(y, x, alpha) {
    // The kernel computes θ − η g; with η = −α that is θ + α g to the last bit.
    if (!sgdKernel(y, x, -alpha)) jsBackend.addScaled(y, x, alpha);
  },
  softmaxColumns(out, z, rows, cols) {
    if (!softmaxKernel(out, z, rows, cols)) jsBackend.softmaxColumns(out, z, rows, cols);
  },
  crossEntropySum(a, y) {
    return crossEntropySumKernel(a, y) ?? jsBackend.crossEntropySum(a, y);
  },
};

const wasmRuns = smallKernelsAvailable() && packedWasmAvailable();
let active: KernelBackend = wasmRuns ? wasmBackend : jsBackend;

/** The backend every `Matrix` operation uses now. */
export function kernels(): KernelBackend {
  return active;
}

/** The kernels in use now: "wasm" wherever WebAssembly SIMD runs, else "js". */
export function gemmBackend(): GemmBackend {
  return active.name;
}

/** True when this runtime can run the WebAssembly SIMD kernels. */
export function wasmGemmAvailable(): boolean {
  return wasmRuns;
}

/**
 * Chooses WebAssembly SIMD or JavaScript for every product and for the element-wise passes of a
 * training step, so tests can check both and the benchmark can show what the SIMD kernels buy.
 * Asking for "wasm" where it cannot run is an error, not a silent fallback. Returns the previous
 * choice.
 */
export function setGemmBackend(name: GemmBackend): GemmBackend {
  if (name !== "wasm" && name !== "js") throw new RangeError(`setGemmBackend: unknown backend "${String(name)}"; use "wasm" or "js"`);
  if (name === "wasm" && !wasmRuns) throw new Error("setGemmBackend: WebAssembly SIMD is not available in this runtime");
  const prev = active.name;
  active = name === "wasm" ? wasmBackend : jsBackend;
  return prev;
}
