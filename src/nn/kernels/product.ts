/**
 * The matrix-product kernels: C = op(A) op(B) (+ C, or + a bias column), where op may transpose,
 * all matrices row-major `Float64Array`s. The backends (backend.ts) call one entry point each:
 *  - `productWasm`: small products (the 2-16-16-2 networks of the notebooks) run in the
 *    small-matrix WebAssembly kernels (small.wat) straight on row-major data: no packing, and no
 *    copying when the matrices live in those kernels' memory, as a network's buffers do
 *    (small.ts); larger ones pack op(A) into panels of MR rows and op(B) into panels of 4
 *    columns (k-major, zero padded), every k-block of KC steps one after another. Packing absorbs
 *    the transposes, so Aᵀ B and A Bᵀ cost what A B costs, and the k blocks keep the panels in
 *    use in cache. Operands stored in the kernels' shared memory (small.ts), as a network's
 *    matrices are, are packed there by WebAssembly (small.wat's `pack`), and C is written in
 *    place there, so such a product copies nothing in or out; other operands are packed by
 *    JavaScript loops. The packed tiles are multiplied by a WebAssembly kernel: gemm-fma.wat (6×4
 *    tiles, fused multiply-add from relaxed SIMD) where the runtime validates it (Node 22 and
 *    later), else gemm.wat (4×4 tiles, 128-bit SIMD multiply and add). Products of at least
 *    THREADS_MIN_MNK multiply-adds share their row panels out to helper threads working on the
 *    same shared memory (threads.ts);
 *  - `productJs`: a register-blocked JavaScript loop for small products and the packed tiles in
 *    16 local variables for large ones.
 *
 * Every path sums each entry's products in increasing p, except the small kernel's A Bᵀ, which
 * sums even and odd p in two lanes; the paths agree to rounding (the multiply-add kernel rounds
 * once per product and sum where the machine fuses). No path skips zeros: 0 · ∞ stays NaN, so a
 * diverging network shows NaN instead of a finite wrong number.
 */
import { GEMM_FMA_WASM_BASE64 } from "./gemm-fma-wasm";
import { GEMM_WASM_BASE64 } from "./gemm-wasm";
import { compileKernel } from "./load";
import { HEAP_BYTES, kernelMemory, packPanels, smallProduct, type Stored } from "./small";
import { defaultThreads, type GemmExport, ProductThreads } from "./threads";

// Reads of Float64Arrays in the loops below carry `as number` (noUncheckedIndexedAccess types every
// index read as possibly undefined): a read past the end would be a bug the tests catch, not a case
// to branch on in a hot loop, and the assertion costs nothing at run time.

/** The packed product kernels: relaxed-SIMD multiply-add, or plain 128-bit SIMD. */
export type PackedKernel = "wasm-relaxed-fma" | "wasm-simd128";

const KC = 256;
/**
 * Size thresholds, measured on this project's 2-core machine (docs/benchmarks.md): with the
 * WebAssembly backend, products of up to 2^18 multiply-adds run unpacked in the small kernels,
 * which were as fast as packing or faster up to there (the 10×128×128 products of the MNIST-size
 * net take 16 µs instead of 24–44 µs); beyond, packing keeps the panels in cache. The packed
 * JavaScript kernel pays only from about 32×32×32. A second thread pays from about 2^21
 * multiply-adds (about 80 µs of work against a 6 µs hand-off), so the MNIST-size net's 784- and
 * 256-wide products are split and the notebooks' small networks never are.
 */
const SMALL_MAX_MNK = 1 << 18;
const WASM_MIN_MNK = 2048;
const WASM_MIN_K = 8;
const JS_PACKED_MIN_MNK = 32768;
const THREADS_MIN_MNK = 1 << 21;

// ---------------------------------------------------------------------------------------------
// The packed WebAssembly SIMD kernel (kernels/gemm.wat)

interface WasmKernel {
  name: PackedKernel;
  /** Rows per packed panel of op(A) (the tile height). */
  mr: number;
  gemm: GemmExport;
  threads: ProductThreads;
}

/**
 * Every packed kernel this runtime validates, best first, each instantiated once on the small
 * kernels' shared memory (small.ts), where the network's matrices live and where helper threads
 * work too; empty without WebAssembly SIMD or shared memory.
 */
function loadWasm(): WasmKernel[] {
  const memory = kernelMemory();
  if (memory === undefined) return [];
  const candidates = [
    { name: "wasm-relaxed-fma" as const, mr: 6, base64: GEMM_FMA_WASM_BASE64 },
    { name: "wasm-simd128" as const, mr: 4, base64: GEMM_WASM_BASE64 },
  ];
  const loaded: WasmKernel[] = [];
  for (const c of candidates) {
    const module = compileKernel(c.base64);
    if (module === undefined) continue;
    try {
      const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm as GemmExport;
      loaded.push({ name: c.name, mr: c.mr, gemm, threads: new ProductThreads(module, memory, defaultThreads()) });
    } catch {
      // The next kernel, else JavaScript.
    }
  }
  return loaded;
}

const wasmKernels: WasmKernel[] = loadWasm();
let wasm: WasmKernel | undefined = wasmKernels[0];

/** True when this runtime can run a packed WebAssembly SIMD kernel. */
export function packedWasmAvailable(): boolean {
  return wasm !== undefined;
}

/** The packed kernel that runs large products under the WebAssembly backend. */
export function packedKernel(): PackedKernel | undefined {
  return wasm?.name;
}

/** The packed kernels this runtime runs, best first (for the tests and the benchmark). */
export function availablePackedKernels(): PackedKernel[] {
  return wasmKernels.map((w) => w.name);
}

/**
 * Runs large products with a packed kernel other than the best one (for the tests that compare
 * the kernels and the benchmark's what-does-multiply-add-buy row). Returns the previous one.
 */
export function usePackedKernel(name: PackedKernel): PackedKernel {
  const k = wasmKernels.find((w) => w.name === name);
  if (k === undefined || wasm === undefined) throw new Error(`usePackedKernel: ${name} is not available in this runtime (have: ${availablePackedKernels().join(", ") || "none"})`);
  const prev = wasm.name;
  wasm = k;
  return prev;
}

/**
 * How many threads a large product may use (default: the machine's cores, at most 4, or
 * BPL_THREADS). 1 keeps every product on the calling thread, as a fair one-thread comparison
 * needs. Returns the previous setting.
 */
export function setProductThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setProductThreads: expected a whole number ≥ 1, got ${String(n)}`);
  const prev = productThreads();
  for (const w of wasmKernels) w.threads.setThreads(n);
  return prev;
}

/** How many threads a large product may use, as set (1 without the WebAssembly kernels). */
export function productThreads(): number {
  return wasmKernels[0]?.threads.threads() ?? 1;
}

/** Products shared out among threads so far, over all kernels (the tests read it). */
export function productsSplit(): number {
  return wasmKernels.reduce((n, w) => n + w.threads.split, 0);
}

/** A view of the whole kernel memory; replaced after every grow. */
let scratchView = new Float64Array(0);

/**
 * The kernel memory, grown to hold `doubles` float64 entries of scratch past the matrices (from
 * float64 index SCRATCH on).
 */
function scratch(doubles: number): Float64Array {
  const memory = kernelMemory() as WebAssembly.Memory;
  const need = HEAP_BYTES + doubles * 8;
  const have = memory.buffer.byteLength;
  if (have < need) memory.grow(Math.ceil((need - have) / 65536));
  if (scratchView.length * 8 !== memory.buffer.byteLength) scratchView = new Float64Array(memory.buffer);
  return scratchView;
}
const SCRATCH = HEAP_BYTES / 8;

// ---------------------------------------------------------------------------------------------
// Packing (shared by both backends)

/**
 * Packs op(A)[0..m, k0..k0+kc] into dst[off + (ip·kc + p)·mr + r] for row i = mr·ip + r, zero
 * padded to a multiple of mr rows. A is m×k (or k×m when transposed), row-major.
 */
function packA(dst: Float64Array, off: number, A: Float64Array, m: number, k: number, tA: boolean, k0: number, kc: number, mr: number): void {
  const mp = Math.ceil(m / mr);
  for (let ip = 0; ip < mp; ip++) {
    const i0 = ip * mr;
    const base = off + ip * kc * mr;
    if (i0 + mr <= m) {
      if (tA) {
        // op(A)[i, p] = A[p, i]: mr neighbouring entries of one stored row per step.
        for (let p = 0; p < kc; p++) {
          const src = (k0 + p) * m + i0, d = base + p * mr;
          for (let r = 0; r < mr; r++) dst[d + r] = A[src + r] as number;
        }
      } else {
        for (let r = 0; r < mr; r++) {
          const s = (i0 + r) * k + k0;
          for (let p = 0; p < kc; p++) dst[base + p * mr + r] = A[s + p] as number;
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < mr; r++) {
          const i = i0 + r;
          dst[base + p * mr + r] = i < m ? ((tA ? A[(k0 + p) * m + i] : A[i * k + k0 + p]) as number) : 0;
        }
      }
    }
  }
}

/**
 * Packs op(B)[k0..k0+kc, 0..n] into dst[off + (jp·kc + p)·4 + s] for column j = 4·jp + s, zero
 * padded to a multiple of 4 columns. B is k×n (or n×k when transposed), row-major.
 */
function packB(dst: Float64Array, off: number, B: Float64Array, n: number, k: number, tB: boolean, k0: number, kc: number): void {
  const np = (n + 3) >> 2;
  for (let jp = 0; jp < np; jp++) {
    const j0 = jp * 4;
    const base = off + jp * kc * 4;
    if (j0 + 4 <= n) {
      if (tB) {
        const s0 = j0 * k + k0, s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
        for (let p = 0; p < kc; p++) {
          const d = base + p * 4;
          dst[d] = B[s0 + p] as number; dst[d + 1] = B[s1 + p] as number; dst[d + 2] = B[s2 + p] as number; dst[d + 3] = B[s3 + p] as number;
        }
      } else {
        // op(B)[p, j] = B[p, j]: four neighbouring entries of one stored row per step.
        for (let p = 0; p < kc; p++) {
          const src = (k0 + p) * n + j0, d = base + p * 4;
          dst[d] = B[src] as number; dst[d + 1] = B[src + 1] as number; dst[d + 2] = B[src + 2] as number; dst[d + 3] = B[src + 3] as number;
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let s = 0; s < 4; s++) {
          const j = j0 + s;
          dst[base + p * 4 + s] = j < n ? ((tB ? B[j * k + k0 + p] : B[(k0 + p) * n + j]) as number) : 0;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points, one per backend. C, A and B are row-major; callers (matrix.ts) have checked the
// shapes and these functions trust them.

/**
 * C (m×n) = op(A) op(B) (+ the old C when `accumulate`) in JavaScript: register-blocked loops
 * for small products, packed 4×4 tiles in 16 locals from about 32×32×32.
 */
export function productJs(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, tA: boolean, tB: boolean, accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (!accumulate) C.fill(0, 0, m * n);
  if (k === 0) return;
  if (m >= 4 && n >= 4 && m * n * k >= JS_PACKED_MIN_MNK) gemmPackedJs(C, A, B, m, n, k, tA, tB);
  else gemmSmall(C, A, B, m, n, k, tA, tB);
}

/**
 * The same product with WebAssembly (plus `bias` added to every column when given): unpacked in
 * the small kernels up to 2^18 multiply-adds, packed SIMD tiles for larger products, the
 * JavaScript loops for thin ones. The size thresholds above pick among them here and nowhere
 * else. Returns true when `bias` has been added (the small kernels fuse it), false when the
 * caller still has to add it (the other paths, or a bias with an empty k).
 */
export function productWasm(
  C: Stored, A: Stored, B: Stored,
  m: number, n: number, k: number, tA: boolean, tB: boolean, accumulate: boolean, bias: Stored | undefined,
): boolean {
  if (m === 0 || n === 0) return true;
  const mnk = m * n * k;
  if (k !== 0 && !accumulate && mnk <= SMALL_MAX_MNK && smallProduct(C, A, B, bias, m, n, k, tA, tB)) return true;
  const c = C.data;
  if (k === 0) {
    if (!accumulate) c.fill(0, 0, m * n);
  } else if (wasm !== undefined && m >= wasm.mr && n >= 4 && mnk >= WASM_MIN_MNK && k >= WASM_MIN_K) {
    gemmWasm(wasm, C, A, B, m, n, k, tA, tB, accumulate);
  } else {
    if (!accumulate) c.fill(0, 0, m * n);
    gemmSmall(c, A.data, B.data, m, n, k, tA, tB);
  }
  return bias === undefined;
}

function gemmWasm(
  w: WasmKernel, C: Stored, A: Stored, B: Stored,
  m: number, n: number, k: number, tA: boolean, tB: boolean, accumulate: boolean,
): void {
  const mr = w.mr;
  const mp = Math.ceil(m / mr), np = (n + 3) >> 2;
  // C is written in place when it lives in the kernel memory and its rows are whole tiles wide;
  // only the last row panel, when m is not a multiple of mr, goes through the scratch copy of C.
  const direct = !accumulate && C.kernelAddress >= 0 && (n & 3) === 0;
  const ldc = direct ? n : np * 4;
  const full = direct ? Math.floor(m / mr) : 0;
  // Scratch layout (float64 indices from SCRATCH): every k-block of packed A, every k-block of
  // packed B, then the padded C (or its last panel). The kernel's first k-block stores its
  // tiles, later ones add, so C never needs zeroing.
  const pa = SCRATCH, pb = pa + mp * mr * k, pc = pb + np * 4 * k;
  const mem = scratch(pc - SCRATCH + (mp - full) * mr * ldc);
  // Operands in the kernel memory are packed there by the pack kernel; others by the JavaScript packers.
  const ai = tA ? 8 : 8 * k, ap = tA ? 8 * m : 8, bj = tB ? 8 * k : 8, bp = tB ? 8 : 8 * n;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    if (A.kernelAddress >= 0) packPanels((pa + mp * mr * k0) * 8, A.kernelAddress + k0 * ap, ai, ap, m, kc, mr);
    else packA(mem, pa + mp * mr * k0, A.data, m, k, tA, k0, kc, mr);
    if (B.kernelAddress >= 0) packPanels((pb + np * 4 * k0) * 8, B.kernelAddress + k0 * bp, bj, bp, n, kc, 4);
    else packB(mem, pb + np * 4 * k0, B.data, n, k, tB, k0, kc);
  }
  // Panel ip's tiles go to byte cBase + ip·mr·ldc·8: C itself, or the scratch copy. For the last
  // panel of a direct product the base is shifted (it may wrap below 0: WebAssembly's i32
  // arithmetic wraps alike) so that this panel lands at the start of the scratch.
  const cBase = direct ? C.kernelAddress : pc * 8;
  const args = [pa * 8, pb * 8, cBase, mp, np, k, KC, ldc] as const;
  const split = m * n * k >= THREADS_MIN_MNK && w.threads.ready() > 1;
  const panels = direct ? full : mp;
  if (panels > 0) {
    if (split) w.threads.run(w.gemm, args, panels);
    else w.gemm(...args, 0, panels);
  }
  const c = C.data;
  if (direct) {
    if (full === mp) return;
    w.gemm(pa * 8, pb * 8, (pc * 8 - full * mr * ldc * 8) | 0, mp, np, k, KC, ldc, full, mp);
    c.set(mem.subarray(pc, pc + (m - full * mr) * n), full * mr * n);
    return;
  }
  if (!accumulate && ldc === n) {
    c.set(mem.subarray(pc, pc + m * n));
    return;
  }
  for (let i = 0; i < m; i++) {
    const src = pc + i * ldc, dst = i * n;
    if (accumulate) for (let j = 0; j < n; j++) c[dst + j] = (c[dst + j] as number) + (mem[src + j] as number);
    else for (let j = 0; j < n; j++) c[dst + j] = mem[src + j] as number;
  }
}

let packBufA: Float64Array = new Float64Array(4 * KC * 64);
let packBufB: Float64Array = new Float64Array(4 * KC * 64);

function gemmPackedJs(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, tA: boolean, tB: boolean,
): void {
  const mp = (m + 3) >> 2, np = (n + 3) >> 2;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    if (packBufA.length < mp * 4 * kc) packBufA = new Float64Array(mp * 4 * kc);
    if (packBufB.length < np * 4 * kc) packBufB = new Float64Array(np * 4 * kc);
    const pa = packBufA, pb = packBufB;
    packA(pa, 0, A, m, k, tA, k0, kc, 4);
    packB(pb, 0, B, n, k, tB, k0, kc);
    for (let ip = 0; ip < mp; ip++) {
      const aOff = ip * kc * 4;
      const i0 = ip * 4;
      for (let jp = 0; jp < np; jp++) {
        const bOff = jp * kc * 4;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let pa4 = aOff, pb4 = bOff;
        for (let p = 0; p < kc; p++, pa4 += 4, pb4 += 4) {
          const a0 = pa[pa4] as number, a1 = pa[pa4 + 1] as number, a2 = pa[pa4 + 2] as number, a3 = pa[pa4 + 3] as number;
          const b0 = pb[pb4] as number, b1 = pb[pb4 + 1] as number, b2 = pb[pb4 + 2] as number, b3 = pb[pb4 + 3] as number;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const j0 = jp * 4;
        if (i0 + 4 <= m && j0 + 4 <= n) {
          let o = i0 * n + j0;
          C[o] = (C[o] as number) + c00; C[o + 1] = (C[o + 1] as number) + c01; C[o + 2] = (C[o + 2] as number) + c02; C[o + 3] = (C[o + 3] as number) + c03; o += n;
          C[o] = (C[o] as number) + c10; C[o + 1] = (C[o + 1] as number) + c11; C[o + 2] = (C[o + 2] as number) + c12; C[o + 3] = (C[o + 3] as number) + c13; o += n;
          C[o] = (C[o] as number) + c20; C[o + 1] = (C[o + 1] as number) + c21; C[o + 2] = (C[o + 2] as number) + c22; C[o + 3] = (C[o + 3] as number) + c23; o += n;
          C[o] = (C[o] as number) + c30; C[o + 1] = (C[o + 1] as number) + c31; C[o + 2] = (C[o + 2] as number) + c32; C[o + 3] = (C[o + 3] as number) + c33;
        } else {
          const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
          for (let r = 0; r < 4 && i0 + r < m; r++) {
            for (let s = 0; s < 4 && j0 + s < n; s++) C[(i0 + r) * n + j0 + s] = (C[(i0 + r) * n + j0 + s] as number) + (tile[r * 4 + s] as number);
          }
        }
      }
    }
  }
}

/**
 * Small products without packing: 4×4 tiles of C held in 16 locals, reading op(A) and op(B)
 * in place through strides (op(A)[i, p] = A[i·ai + p·ap], op(B)[p, j] = B[p·bp + j·bj]), so one
 * loop serves all four transpose cases. Leftover rows and columns use 1×4 and 4×1 tiles.
 */
function gemmSmall(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, tA: boolean, tB: boolean,
): void {
  const ai = tA ? 1 : k, ap = tA ? m : 1;
  const bp = tB ? 1 : n, bj = tB ? k : 1;
  const m4 = m & ~3, n4 = n & ~3;
  for (let i0 = 0; i0 < m4; i0 += 4) {
    for (let j0 = 0; j0 < n4; j0 += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let a = i0 * ai, b = j0 * bj;
      for (let p = 0; p < k; p++, a += ap, b += bp) {
        const a0 = A[a] as number, a1 = A[a + ai] as number, a2 = A[a + 2 * ai] as number, a3 = A[a + 3 * ai] as number;
        const b0 = B[b] as number, b1 = B[b + bj] as number, b2 = B[b + 2 * bj] as number, b3 = B[b + 3 * bj] as number;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let o = i0 * n + j0;
      C[o] = (C[o] as number) + c00; C[o + 1] = (C[o + 1] as number) + c01; C[o + 2] = (C[o + 2] as number) + c02; C[o + 3] = (C[o + 3] as number) + c03; o += n;
      C[o] = (C[o] as number) + c10; C[o + 1] = (C[o + 1] as number) + c11; C[o + 2] = (C[o + 2] as number) + c12; C[o + 3] = (C[o + 3] as number) + c13; o += n;
      C[o] = (C[o] as number) + c20; C[o + 1] = (C[o + 1] as number) + c21; C[o + 2] = (C[o + 2] as number) + c22; C[o + 3] = (C[o + 3] as number) + c23; o += n;
      C[o] = (C[o] as number) + c30; C[o + 1] = (C[o + 1] as number) + c31; C[o + 2] = (C[o + 2] as number) + c32; C[o + 3] = (C[o + 3] as number) + c33;
    }
  }
  for (let i = m4; i < m; i++) {
    for (let j0 = 0; j0 < n4; j0 += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let a = i * ai, b = j0 * bj;
      for (let p = 0; p < k; p++, a += ap, b += bp) {
        const x = A[a] as number;
        c0 += x * (B[b] as number); c1 += x * (B[b + bj] as number); c2 += x * (B[b + 2 * bj] as number); c3 += x * (B[b + 3 * bj] as number);
      }
      const o = i * n + j0;
      C[o] = (C[o] as number) + c0; C[o + 1] = (C[o + 1] as number) + c1; C[o + 2] = (C[o + 2] as number) + c2; C[o + 3] = (C[o + 3] as number) + c3;
    }
  }
  for (let j = n4; j < n; j++) {
    for (let i0 = 0; i0 < m4; i0 += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let a = i0 * ai, b = j * bj;
      for (let p = 0; p < k; p++, a += ap, b += bp) {
        const y = B[b] as number;
        c0 += (A[a] as number) * y; c1 += (A[a + ai] as number) * y; c2 += (A[a + 2 * ai] as number) * y; c3 += (A[a + 3 * ai] as number) * y;
      }
      const o = i0 * n + j;
      C[o] = (C[o] as number) + c0; C[o + n] = (C[o + n] as number) + c1; C[o + 2 * n] = (C[o + 2 * n] as number) + c2; C[o + 3 * n] = (C[o + 3 * n] as number) + c3;
    }
    for (let i = m4; i < m; i++) {
      let s = 0;
      let a = i * ai, b = j * bj;
      for (let p = 0; p < k; p++, a += ap, b += bp) s += (A[a] as number) * (B[b] as number);
      C[i * n + j] = (C[i * n + j] as number) + s;
    }
  }
}
