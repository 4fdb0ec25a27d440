/**
 * The JavaScript side of the small-matrix kernels (small.wat): their memory, the Float64Arrays
 * that live in it, and one function per kernel, called by the WebAssembly backend (backend.ts),
 * which runs the JavaScript backend's loop when a kernel cannot take its operands.
 *
 * Why the matrices live in WebAssembly memory: a training step of the notebooks' 2-16-16-2
 * network is two dozen passes over matrices of a few hundred entries. A JavaScript loop costs
 * 0.5–1 ns per entry here, and copying every operand into WebAssembly memory and back would cost
 * about as much as the pass itself. So the matrices a network keeps from step to step (its
 * parameters, forward cache and gradients, made by `heapArray` through `reuseOrCreate`) are views
 * of the kernels' memory, and the kernels work on them in place. Their `data` is still an
 * ordinary Float64Array to every other line of code. Operands that live elsewhere (a caller's
 * input batch, say) are copied into staging slots and, for outputs, back.
 *
 * Lifetime: a block returns to its free list when the Float64Array handed out for it has been
 * garbage-collected (FinalizationRegistry). A `subarray` of it does not keep the block alive, so
 * keep the matrix (or its `data`) rather than a sub-view of it. The blocks come from the first
 * `HEAP_BYTES` of the memory; when that is full, or an array is larger than `MAX_BLOCK`,
 * `heapArray` returns an ordinary Float64Array and the kernels copy as needed.
 *
 * The memory is one shared WebAssembly memory for every kernel: these, the packed product kernels
 * (product.ts) and their helper threads (threads.ts). So a large product packs its operands
 * straight from the matrices stored here (`packPanels`) and writes its result in place, without a
 * copy in or out. Above `HEAP_BYTES` lies the packed products' scratch, which grows on demand;
 * growing a shared memory never detaches a view, so the matrices' views stay valid.
 */
import { instantiateKernel } from "./load";
import { SMALL_WASM_BASE64 } from "./small-wasm";

/** The kernels' exports; every address is a byte offset into `memory` (see small.wat). */
interface SmallExports {
  mm(c: number, a: number, b: number, bias: number, m: number, n: number, k: number, ai: number, ap: number): void;
  mm_nt(c: number, a: number, b: number, m: number, n: number, k: number, ci: number, cj: number): void;
  add_col(out: number, a: number, col: number, rows: number, cols: number): void;
  sum_rows(out: number, a: number, rows: number, cols: number): void;
  relu(out: number, z: number, n: number): void;
  relu_back(g: number, z: number, n: number): void;
  scaled_diff(out: number, a: number, y: number, c: number, n: number): void;
  sgd(theta: number, g: number, lr: number, n: number): void;
  softmax_cols(out: number, z: number, rows: number, cols: number): void;
  ce_sum(a: number, y: number, n: number): number;
  pack(dst: number, x: number, si: number, sp: number, rows: number, kc: number, w: number): void;
  exp(x: number): number;
  log(x: number): number;
}

/** Bytes at the start of the memory that hold matrices (512 pages); the products' scratch lies above. */
export const HEAP_BYTES = 512 * 65536;

/** The one memory of all kernels: shared (for helper threads), growable up to 1 GB; undefined where refused. */
function createMemory(): WebAssembly.Memory | undefined {
  try {
    return new WebAssembly.Memory({ initial: HEAP_BYTES / 65536, maximum: 16384, shared: true });
  } catch {
    // No WebAssembly, or no shared memory: every kernel falls back to JavaScript.
    return undefined;
  }
}
const memory = createMemory();
const wasm = memory === undefined ? undefined : (instantiateKernel(SMALL_WASM_BASE64, { env: { memory } }) as SmallExports | undefined);
/** The first HEAP_BYTES of the memory (the buffer as created: growing makes a new one, this stays valid). */
const buffer: ArrayBufferLike | undefined = wasm === undefined ? undefined : memory?.buffer;
const f64: Float64Array = buffer !== undefined ? new Float64Array(buffer) : new Float64Array(0);

/** The kernels' shared memory, for the packed product kernels to import; undefined without the kernels. */
export function kernelMemory(): WebAssembly.Memory | undefined {
  return wasm === undefined ? undefined : memory;
}

// Layout of the memory, in float64 entries: [0, 2) unused, so that address 0 can mean "no bias";
// then SLOTS staging slots of SLOT entries; then the blocks that heapArray hands out.
const SLOT = 1 << 15;
const SLOTS = 4;
const HEAP_START = 2 + SLOTS * SLOT;
/** Largest array (in entries) stored in the kernels' memory; larger ones gain little and would crowd it. */
const MAX_BLOCK = 1 << 18;

/** True when the kernels can run here (WebAssembly with SIMD). */
export function smallKernelsAvailable(): boolean {
  return wasm !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Allocation: power-of-two blocks (at least two entries, so every block is 16-byte aligned), one
// free list per size, reclaimed when the view given out for a block is collected.

const freeLists: number[][] = Array.from({ length: 32 }, () => []);
let top = HEAP_START;
const registry = new FinalizationRegistry<number>((token) => {
  (freeLists[token & 31] as number[]).push(token >>> 5);
});

/**
 * A zeroed Float64Array of n entries, stored in the kernels' memory when it fits, so the kernels
 * can work on it without copying; an ordinary one otherwise. For buffers reused across steps.
 */
export function heapArray(n: number): Float64Array {
  if (buffer === undefined || !(n >= 1 && n <= MAX_BLOCK)) return new Float64Array(n);
  const cls = n <= 2 ? 1 : 32 - Math.clz32(n - 1);
  let at = (freeLists[cls] as number[]).pop();
  const reused = at !== undefined;
  if (at === undefined) {
    if (top + (1 << cls) > f64.length) return new Float64Array(n);
    at = top;
    top += 1 << cls;
  }
  const view = new Float64Array(buffer, at * 8, n);
  if (reused) view.fill(0);
  registry.register(view, at * 32 + cls);
  return view;
}

/**
 * The byte address of x in the kernels' memory, or −1 when it is stored elsewhere. Matrices ask
 * once, when constructed (`Matrix.kernelAddress`), because reading a typed array's `buffer` and
 * `byteOffset` costs 10–20 ns each in V8: more than some of the kernels.
 */
export function kernelAddressOf(x: Float64Array): number {
  return buffer !== undefined && x.buffer === buffer ? x.byteOffset : -1;
}

/** Storage as the kernels see it: the entries, and their byte address in the kernels' memory or −1. */
export interface Stored {
  readonly data: Float64Array;
  readonly kernelAddress: number;
}

// ---------------------------------------------------------------------------------------------
// Operands: where x lives, or a staging slot holding a copy of it. -1: x is too large to stage.

function input(x: Stored, slot: number): number {
  const at = x.kernelAddress;
  if (at >= 0) return at;
  const d = x.data;
  if (d.length > SLOT) return -1;
  const s = 2 + slot * SLOT;
  f64.set(d, s);
  return s * 8;
}
function output(x: Stored, slot: number): number {
  const at = x.kernelAddress;
  if (at >= 0) return at;
  return x.data.length > SLOT ? -1 : (2 + slot * SLOT) * 8;
}
/** Copies a staged output back to x (nothing to do when x lives in the kernels' memory). */
function settle(x: Stored, at: number): void {
  if (x.kernelAddress < 0) x.data.set(f64.subarray(at >> 3, (at >> 3) + x.data.length));
}

// ---------------------------------------------------------------------------------------------
// The kernels. Each returns false, having done nothing, when WebAssembly SIMD is missing or an
// operand is too large to stage; the WebAssembly backend (backend.ts) then runs the JavaScript
// backend's loop. Shapes are the caller's to check.

/**
 * C (m×n) = op(A) op(B), plus `bias` (m entries) added to every column when given: the affine
 * map z = W a + b and the two backward products. Not for Aᵀ Bᵀ.
 */
export function smallProduct(
  C: Stored, A: Stored, B: Stored, bias: Stored | undefined,
  m: number, n: number, k: number, tA: boolean, tB: boolean,
): boolean {
  if (wasm === undefined || (tA && tB)) return false;
  const w = wasm;
  const c = output(C, 0), a = input(A, 1), b = input(B, 2), s = bias === undefined ? 0 : input(bias, 3);
  if (c < 0 || a < 0 || b < 0 || s < 0) return false;
  if (!tB) {
    w.mm(c, a, b, s, m, n, k, tA ? 8 : 8 * k, tA ? 8 * m : 8);
  } else if (m >= n) {
    w.mm_nt(c, a, b, m, n, k, 8 * n, 8);
  } else {
    // C = A Bᵀ computed as Cᵀ = B Aᵀ, written transposed: the kernel's 4-row tiles go to the longer side.
    w.mm_nt(c, b, a, n, m, k, 8, 8 * n);
  }
  if (bias !== undefined && tB) w.add_col(c, c, s, m, n);
  settle(C, c);
  return true;
}

/** out = A + col 1ᵀ (A rows×cols): a bias added to every column. */
export function addColumnKernel(out: Stored, A: Stored, col: Stored, rows: number, cols: number): boolean {
  if (wasm === undefined) return false;
  const a = input(A, 0), s = input(col, 1), o = output(out, 2);
  if (a < 0 || s < 0 || o < 0) return false;
  wasm.add_col(o, a, s, rows, cols);
  settle(out, o);
  return true;
}

/** out[i] = Σ_j A[i, j] (A rows×cols): δ summed over the batch. */
export function sumRowsKernel(out: Stored, A: Stored, rows: number, cols: number): boolean {
  if (wasm === undefined) return false;
  const a = input(A, 0), o = output(out, 1);
  if (a < 0 || o < 0) return false;
  wasm.sum_rows(o, a, rows, cols);
  settle(out, o);
  return true;
}

/** out = relu(z), entry by entry. */
export function reluKernel(out: Stored, z: Stored): boolean {
  if (wasm === undefined) return false;
  const x = input(z, 0), o = output(out, 1);
  if (x < 0 || o < 0) return false;
  wasm.relu(o, x, z.data.length);
  settle(out, o);
  return true;
}

/** g ← g ⊙ relu′(z), in place. */
export function reluBackKernel(g: Stored, z: Stored): boolean {
  if (wasm === undefined) return false;
  const d = input(g, 0), x = input(z, 1);
  if (d < 0 || x < 0) return false;
  wasm.relu_back(d, x, g.data.length);
  settle(g, d);
  return true;
}

/** out = c (a − y). */
export function scaledDiffKernel(out: Stored, a: Stored, y: Stored, c: number): boolean {
  if (wasm === undefined) return false;
  const p = input(a, 0), q = input(y, 1), o = output(out, 2);
  if (p < 0 || q < 0 || o < 0) return false;
  wasm.scaled_diff(o, p, q, c, out.data.length);
  settle(out, o);
  return true;
}

/** θ ← θ − η g, in place. */
export function sgdKernel(theta: Stored, g: Stored, learningRate: number): boolean {
  if (wasm === undefined) return false;
  const t = input(theta, 0), d = input(g, 1);
  if (t < 0 || d < 0) return false;
  wasm.sgd(t, d, learningRate, theta.data.length);
  settle(theta, t);
  return true;
}

/** out = softmax of every column of z (rows×cols), with the same bits as the JavaScript backend's loop. */
export function softmaxKernel(out: Stored, z: Stored, rows: number, cols: number): boolean {
  if (wasm === undefined) return false;
  const x = input(z, 0), o = output(out, 1);
  if (x < 0 || o < 0) return false;
  wasm.softmax_cols(o, x, rows, cols);
  settle(out, o);
  return true;
}

/** −Σ y log max(a, 1e-300) over the entries with y ≠ 0, as the JavaScript backend sums it; undefined when not run. */
export function crossEntropySumKernel(a: Stored, y: Stored): number | undefined {
  if (wasm === undefined) return undefined;
  const p = input(a, 0), q = input(y, 1);
  if (p < 0 || q < 0) return undefined;
  return wasm.ce_sum(p, q, a.data.length);
}

/**
 * Packs rows 0 .. rows−1 of X (entry (i, p) at byte x + i·si + p·sp of the kernels' memory) into
 * panels of w rows at byte `dst`: dst[(ip·kc + p)·w + r] = X[w·ip + r, p], zero rows past the end.
 * The packed product kernels' layout for op(A) (w = their tile height) and op(B)ᵀ (w = 4).
 */
export function packPanels(dst: number, x: number, si: number, sp: number, rows: number, kc: number, w: number): void {
  (wasm as SmallExports).pack(dst, x, si, sp, rows, kc, w);
}

/** The kernels' own e^x and ln x (the fdlibm algorithms of Math.exp and Math.log), for tests. */
export const kernelMath: { exp(x: number): number; log(x: number): number } | undefined =
  wasm === undefined ? undefined : { exp: wasm.exp, log: wasm.log };
