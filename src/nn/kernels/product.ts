/**
 * The matrix-product kernels: C = op(A) op(B) (+ C, or + a bias column), where op may transpose,
 * all matrices row-major `Float64Array`s. The backends (backend.ts) call one entry point each:
 *  - `productWasm`: small products (the 2-16-16-2 networks of the notebooks) run in the
 *    small-matrix WebAssembly kernels (small.wat) straight on row-major data: no packing, and no
 *    copying when the matrices live in those kernels' memory, as a network's buffers do
 *    (small.ts); larger ones pack op(A) into panels of 4 rows and op(B) into panels of 4 columns
 *    (k-major, zero padded). Packing absorbs the transposes, so Aᵀ B and A Bᵀ cost what A B
 *    costs, and the k dimension is cut into blocks of KC so the panels in use stay in cache. The
 *    packed tiles are multiplied by a WebAssembly SIMD kernel (gemm.wat, two float64 lanes per
 *    instruction);
 *  - `productJs`: a register-blocked JavaScript loop for small products and the packed tiles in
 *    16 local variables for large ones.
 *
 * Every path sums each entry's products in increasing p, except the small kernel's A Bᵀ, which
 * sums even and odd p in two lanes; the paths agree to rounding. No path skips zeros: 0 · ∞
 * stays NaN, so a diverging network shows NaN instead of a finite wrong number.
 */
import { GEMM_WASM_BASE64 } from "./gemm-wasm";
import { instantiateKernel } from "./load";
import { smallProduct, type Stored } from "./small";

const KC = 256;
/**
 * Size thresholds, measured on this project's 2-core machine (docs/benchmarks.md): with the
 * WebAssembly backend, products of up to 2^18 multiply-adds run unpacked in the small kernels,
 * which were as fast as packing or faster up to there (the 10×128×128 products of the MNIST-size
 * net take 16 µs instead of 24–44 µs); beyond, packing keeps the panels in cache. The packed
 * JavaScript kernel pays only from about 32×32×32.
 */
const SMALL_MAX_MNK = 1 << 18;
const WASM_MIN_MNK = 2048;
const WASM_MIN_K = 8;
const JS_PACKED_MIN_MNK = 32768;

// ---------------------------------------------------------------------------------------------
// The packed WebAssembly SIMD kernel (kernels/gemm.wat)

interface WasmKernel {
  memory: WebAssembly.Memory;
  tiles: (pa: number, pb: number, pc: number, mp: number, np: number, kc: number, ldc: number, store: number) => void;
  /** A view of the whole memory; replaced after every grow (growing detaches the old buffer). */
  f64: Float64Array;
}

/** Instantiates the kernel once; undefined when WebAssembly or its SIMD extension is missing. */
function loadWasm(): WasmKernel | undefined {
  const exports = instantiateKernel(GEMM_WASM_BASE64);
  if (exports === undefined) return undefined;
  const memory = exports.memory as WebAssembly.Memory;
  const tiles = exports.tiles as WasmKernel["tiles"];
  return { memory, tiles, f64: new Float64Array(memory.buffer) };
}

const wasm: WasmKernel | undefined = loadWasm();

/** True when this runtime can run the packed WebAssembly SIMD kernel. */
export function packedWasmAvailable(): boolean {
  return wasm !== undefined;
}

/** Makes the wasm memory at least `doubles` float64 entries long. */
function wasmView(k: WasmKernel, doubles: number): Float64Array {
  const need = doubles * 8;
  const have = k.memory.buffer.byteLength;
  if (have < need) {
    k.memory.grow(Math.ceil((need - have) / 65536));
    k.f64 = new Float64Array(k.memory.buffer);
  }
  return k.f64;
}

// ---------------------------------------------------------------------------------------------
// Packing (shared by both backends)

/**
 * Packs op(A)[0..m, k0..k0+kc] into dst[off + (ip·kc + p)·4 + r] for row i = 4·ip + r, zero
 * padded to a multiple of 4 rows. A is m×k (or k×m when transposed), row-major.
 */
function packA(dst: Float64Array, off: number, A: Float64Array, m: number, k: number, tA: boolean, k0: number, kc: number): void {
  const mp = (m + 3) >> 2;
  for (let ip = 0; ip < mp; ip++) {
    const i0 = ip * 4;
    const base = off + ip * kc * 4;
    if (i0 + 4 <= m) {
      if (tA) {
        // op(A)[i, p] = A[p, i]: four neighbouring entries of one stored row per step.
        for (let p = 0; p < kc; p++) {
          const src = (k0 + p) * m + i0, d = base + p * 4;
          dst[d] = A[src] as number; dst[d + 1] = A[src + 1] as number; dst[d + 2] = A[src + 2] as number; dst[d + 3] = A[src + 3] as number;
        }
      } else {
        const s0 = i0 * k + k0, s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
        for (let p = 0; p < kc; p++) {
          const d = base + p * 4;
          dst[d] = A[s0 + p] as number; dst[d + 1] = A[s1 + p] as number; dst[d + 2] = A[s2 + p] as number; dst[d + 3] = A[s3 + p] as number;
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++) {
          const i = i0 + r;
          dst[base + p * 4 + r] = i < m ? ((tA ? A[(k0 + p) * m + i] : A[i * k + k0 + p]) as number) : 0;
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
  } else if (wasm !== undefined && m >= 4 && n >= 4 && mnk >= WASM_MIN_MNK && k >= WASM_MIN_K) {
    gemmWasm(wasm, c, A.data, B.data, m, n, k, tA, tB, accumulate);
  } else {
    if (!accumulate) c.fill(0, 0, m * n);
    gemmSmall(c, A.data, B.data, m, n, k, tA, tB);
  }
  return bias === undefined;
}

function gemmWasm(
  w: WasmKernel, C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, tA: boolean, tB: boolean, accumulate: boolean,
): void {
  const mp = (m + 3) >> 2, np = (n + 3) >> 2;
  const kc0 = Math.min(KC, k);
  const ldc = np * 4;
  // Layout in wasm memory (float64 indices): packed A, packed B, then the padded C. The first
  // k-block stores its tiles, later ones add, so the padded C never needs zeroing.
  const pa = 0, pb = mp * 4 * kc0, pc = pb + np * 4 * kc0;
  const mem = wasmView(w, pc + mp * 4 * ldc);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    packA(mem, pa, A, m, k, tA, k0, kc);
    packB(mem, pb, B, n, k, tB, k0, kc);
    w.tiles(pa * 8, pb * 8, pc * 8, mp, np, kc, ldc, k0 === 0 ? 1 : 0);
  }
  if (!accumulate && ldc === n) {
    C.set(mem.subarray(pc, pc + m * n));
    return;
  }
  for (let i = 0; i < m; i++) {
    const src = pc + i * ldc, dst = i * n;
    if (accumulate) for (let j = 0; j < n; j++) C[dst + j] = (C[dst + j] as number) + (mem[src + j] as number);
    else for (let j = 0; j < n; j++) C[dst + j] = mem[src + j] as number;
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
    packA(pa, 0, A, m, k, tA, k0, kc);
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
          C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += n;
          C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += n;
          C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += n;
          C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
        } else {
          const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
          for (let r = 0; r < 4 && i0 + r < m; r++) {
            for (let s = 0; s < 4 && j0 + s < n; s++) C[(i0 + r) * n + j0 + s] += tile[r * 4 + s] as number;
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
      C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += n;
      C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += n;
      C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += n;
      C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
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
      C[o] += c0; C[o + 1] += c1; C[o + 2] += c2; C[o + 3] += c3;
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
      C[o] += c0; C[o + n] += c1; C[o + 2 * n] += c2; C[o + 3 * n] += c3;
    }
    for (let i = m4; i < m; i++) {
      let s = 0;
      let a = i * ai, b = j * bj;
      for (let p = 0; p < k; p++, a += ap, b += bp) s += (A[a] as number) * (B[b] as number);
      C[i * n + j] += s;
    }
  }
}
