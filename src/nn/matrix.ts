/**
 * A small dense float64 matrix, laid out the way the course writes its equations: W^(l) is
 * d_out × d_in, a batch of M examples is the M columns of A (d × M), and z = W a + b.
 *
 * Storage is row-major in one `Float64Array`, entry (i, j) at `data[i * cols + j]`. Every
 * operation that combines two matrices checks shapes first and throws an error naming the
 * operation and both shapes, because a silent broadcast is the most common way a hand-written
 * backward pass goes wrong.
 *
 * The products go through one packed, register-blocked kernel (`gemm`) that also serves the
 * transposed forms Aᵀ B and A Bᵀ without materialising a transpose, so the backward pass
 * δ (a^(l−1))ᵀ and (W^(l+1))ᵀ δ costs about what the forward W a costs.
 */

/** Formats a shape the way error messages and tables print it: `(rows×cols)`. */
export function shapeString(m: { rows: number; cols: number }): string {
  return `(${m.rows}×${m.cols})`;
}

function checkDim(op: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${n}`);
}

/**
 * A float64 matrix. Methods return new matrices (so notebook code reads like algebra); the
 * `…Into` functions at the bottom of this module write into a given output instead, for loops
 * that run thousands of times and should not allocate.
 */
export class Matrix {
  /** Number of rows (for activations: the layer width d). */
  readonly rows: number;
  /** Number of columns (for activations: the batch size M). */
  readonly cols: number;
  /** Row-major entries: (i, j) lives at `data[i * cols + j]`. */
  readonly data: Float64Array;

  /** Wraps (does not copy) `data` when given; otherwise a zero matrix. */
  constructor(rows: number, cols: number, data?: Float64Array) {
    checkDim("Matrix", "rows", rows);
    checkDim("Matrix", "cols", cols);
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(`Matrix: data has ${data.length} entries but the shape (${rows}×${cols}) needs ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /** Builds a matrix from nested arrays, one inner array per row, as matrices are written on paper. */
  static from(rows: ArrayLike<ArrayLike<number>>): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : (rows[0] as ArrayLike<number>).length;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      const row = rows[i] as ArrayLike<number>;
      if (row.length !== c) throw new RangeError(`Matrix.from: row ${i} has ${row.length} entries but row 0 has ${c}`);
      for (let j = 0; j < c; j++) m.data[i * c + j] = row[j] as number;
    }
    return m;
  }

  /**
   * Builds a d × M matrix whose columns are the given examples. Data sets come as one row per
   * example (n × d); the course stacks examples as columns, and this is the bridge.
   */
  static fromColumns(columns: ArrayLike<ArrayLike<number>>): Matrix {
    const M = columns.length;
    const d = M === 0 ? 0 : (columns[0] as ArrayLike<number>).length;
    const m = new Matrix(d, M);
    for (let j = 0; j < M; j++) {
      const col = columns[j] as ArrayLike<number>;
      if (col.length !== d) throw new RangeError(`Matrix.fromColumns: column ${j} has ${col.length} entries but column 0 has ${d}`);
      for (let i = 0; i < d; i++) m.data[i * M + j] = col[i] as number;
    }
    return m;
  }

  /** A rows × cols matrix of zeros: the starting point of every accumulated gradient. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** A rows × cols matrix with every entry equal to `value` (e.g. a bias initialised to 0.01). */
  static fill(rows: number, cols: number, value: number): Matrix {
    const m = new Matrix(rows, cols);
    m.data.fill(value);
    return m;
  }

  /** A d × 1 column vector, the shape of one example, one bias or one δ for a single input. */
  static column(xs: ArrayLike<number>): Matrix {
    return new Matrix(xs.length, 1, Float64Array.from(xs));
  }

  /** A matrix whose entries come from f(i, j), handy for initialisers and worked examples. */
  static fromFunction(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.data[i * cols + j] = f(i, j);
    return m;
  }

  /** The n × n identity, so a Jacobian-vector identity can be written literally in a notebook. */
  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** `[rows, cols]`, for tables and assertions. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Number of entries. */
  get size(): number {
    return this.data.length;
  }

  private checkIndex(op: string, i: number, j: number): void {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= this.rows || j >= this.cols) {
      throw new RangeError(`${op}: index (${i}, ${j}) is outside the ${shapeString(this)} matrix`);
    }
  }

  /** Entry (i, j), bounds-checked so an off-by-one index fails loudly instead of reading undefined. */
  get(i: number, j: number): number {
    this.checkIndex("get", i, j);
    return this.data[i * this.cols + j] as number;
  }

  /** Sets entry (i, j) in place and returns this matrix. */
  set(i: number, j: number, value: number): this {
    this.checkIndex("set", i, j);
    this.data[i * this.cols + j] = value;
    return this;
  }

  /** A copy with its own storage, so in-place updates (optimisers) never alias a caller's matrix. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** True when both matrices have the same shape. */
  sameShape(other: Matrix): boolean {
    return this.rows === other.rows && this.cols === other.cols;
  }

  /**
   * The matrix product this · other, (m×k)·(k×n) → m×n: the forward step W a and both backward
   * products. Inner sizes must agree; the error names both shapes.
   */
  matmul(other: Matrix): Matrix {
    if (this.cols !== other.rows) {
      throw new RangeError(`matmul: ${shapeString(this)}·${shapeString(other)}: inner sizes ${this.cols} and ${other.rows} differ`);
    }
    const out = new Matrix(this.rows, other.cols);
    gemm(out.data, this.data, other.data, this.rows, other.cols, this.cols, false, false, false);
    return out;
  }

  /** The transpose; Wᵀ carries δ backwards through a layer. */
  T(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    const { rows, cols } = this;
    const a = this.data;
    const o = out.data;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) o[j * rows + i] = a[i * cols + j] as number;
    return out;
  }

  private checkSame(op: string, other: Matrix): void {
    if (!this.sameShape(other)) {
      throw new RangeError(`${op}: ${shapeString(this)} and ${shapeString(other)}: shapes differ (element-wise ops do not broadcast; use addColumn for a bias)`);
    }
  }

  /** Element-wise sum; shapes must match exactly. */
  add(other: Matrix): Matrix {
    this.checkSame("add", other);
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, b = other.data, o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = (a[i] as number) + (b[i] as number);
    return out;
  }

  /** Element-wise difference, e.g. ŷ − y. */
  sub(other: Matrix): Matrix {
    this.checkSame("sub", other);
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, b = other.data, o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = (a[i] as number) - (b[i] as number);
    return out;
  }

  /** Element-wise (Hadamard) product ⊙, as in δ = g ⊙ f′(z). */
  mul(other: Matrix): Matrix {
    this.checkSame("mul", other);
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, b = other.data, o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = (a[i] as number) * (b[i] as number);
    return out;
  }

  /** Element-wise quotient, for optimisers and normalisation. */
  div(other: Matrix): Matrix {
    this.checkSame("div", other);
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, b = other.data, o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = (a[i] as number) / (b[i] as number);
    return out;
  }

  /** Every entry times s, e.g. the 1/M of a batch mean or the 2λ of weight decay. */
  scale(s: number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = (a[i] as number) * s;
    return out;
  }

  /**
   * Adds a d × 1 column to every column of this d × M matrix: Z = W A + b 1ᵀ, the bias
   * broadcast over the batch. Any other shape of `column` is an error, not a guess.
   */
  addColumn(column: Matrix): Matrix {
    if (column.cols !== 1 || column.rows !== this.rows) {
      throw new RangeError(`addColumn: ${shapeString(this)} + ${shapeString(column)}: the column must be (${this.rows}×1)`);
    }
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, b = column.data, o = out.data;
    const M = this.cols;
    for (let i = 0; i < this.rows; i++) {
      const bi = b[i] as number;
      for (let j = 0; j < M; j++) o[i * M + j] = (a[i * M + j] as number) + bi;
    }
    return out;
  }

  /**
   * Sums along each row, d × M → d × 1: Δ 1, the bias gradient summed over the batch (the sum
   * runs over the columns, i.e. over the examples).
   */
  sumRows(): Matrix {
    const out = new Matrix(this.rows, 1);
    const a = this.data, M = this.cols;
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      for (let j = 0; j < M; j++) s += a[i * M + j] as number;
      out.data[i] = s;
    }
    return out;
  }

  /** Sums down each column, d × M → 1 × M: one number per example (e.g. a per-example loss). */
  sumCols(): Matrix {
    const out = new Matrix(1, this.cols);
    const a = this.data, M = this.cols, o = out.data;
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < M; j++) o[j] = (o[j] as number) + (a[i * M + j] as number);
    return out;
  }

  /** Sum of all entries (a loss total, Σ W² for weight decay). */
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.data.length; i++) s += this.data[i] as number;
    return s;
  }

  /** Applies f to every entry (f also receives the row and column), e.g. `z.map(relu)`. */
  map(f: (value: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, o = out.data, c = this.cols;
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < c; j++) o[i * c + j] = f(a[i * c + j] as number, i, j);
    return out;
  }

  /** Column j as a d × 1 matrix: one example out of a batch. */
  col(j: number): Matrix {
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) throw new RangeError(`col: column ${j} is outside the ${shapeString(this)} matrix`);
    const out = new Matrix(this.rows, 1);
    for (let i = 0; i < this.rows; i++) out.data[i] = this.data[i * this.cols + j] as number;
    return out;
  }

  /** The columns listed in `indices`, in that order: a minibatch picked out of a data set. */
  selectColumns(indices: ArrayLike<number>): Matrix {
    const n = indices.length;
    const out = new Matrix(this.rows, n);
    selectColumnsInto(out, this, indices, 0, n);
    return out;
  }

  /** Row index of the largest entry in each column: the predicted class of every example. */
  argmaxCols(): number[] {
    const res: number[] = new Array(this.cols);
    const c = this.cols;
    for (let j = 0; j < c; j++) {
      let best = 0;
      let bv = -Infinity;
      for (let i = 0; i < this.rows; i++) {
        const v = this.data[i * c + j] as number;
        if (v > bv) { bv = v; best = i; }
      }
      res[j] = best;
    }
    return res;
  }

  /** Nested arrays, one per row, for tables, TeX and JSON. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  /** The entries of a single column or row as a plain array (e.g. a d × 1 bias). */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** A compact printout with the shape, for console debugging. */
  toString(): string {
    return `Matrix${shapeString(this)} ${JSON.stringify(this.toArray())}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Write-into-output variants, for hot loops (training steps, benchmarks). They check shapes too.

function requireShape(op: string, out: Matrix, rows: number, cols: number, detail: string): void {
  if (out.rows !== rows || out.cols !== cols) {
    throw new RangeError(`${op}: output is ${shapeString(out)} but ${detail} is (${rows}×${cols})`);
  }
}

/**
 * out = op(A) · op(B) (+ out when `accumulate`), where op transposes when asked. It is the one
 * product behind the forward W a, the weight gradient δ aᵀ (`transB`) and the carried error
 * Wᵀ δ (`transA`), none of which allocates or builds a transposed copy.
 */
export function matmulInto(
  out: Matrix,
  A: Matrix,
  B: Matrix,
  options: { transA?: boolean; transB?: boolean; accumulate?: boolean } = {},
): Matrix {
  const tA = options.transA === true, tB = options.transB === true;
  const m = tA ? A.cols : A.rows;
  const k = tA ? A.rows : A.cols;
  const kB = tB ? B.cols : B.rows;
  const n = tB ? B.rows : B.cols;
  if (k !== kB) {
    throw new RangeError(`matmul: ${shapeString(A)}${tA ? "ᵀ" : ""}·${shapeString(B)}${tB ? "ᵀ" : ""}: inner sizes ${k} and ${kB} differ`);
  }
  requireShape("matmulInto", out, m, n, "the product");
  if (out.data === A.data || out.data === B.data) throw new RangeError("matmulInto: the output must not share storage with an input");
  gemm(out.data, A.data, B.data, m, n, k, tA, tB, options.accumulate === true);
  return out;
}

/** Aᵀ · B without building Aᵀ: (W^(l+1))ᵀ δ^(l+1), the error carried back one layer. */
export function matmulTransA(A: Matrix, B: Matrix): Matrix {
  return matmulInto(new Matrix(A.cols, B.cols), A, B, { transA: true });
}

/** A · Bᵀ without building Bᵀ: δ^(l) (a^(l−1))ᵀ, the weight gradient. */
export function matmulTransB(A: Matrix, B: Matrix): Matrix {
  return matmulInto(new Matrix(A.rows, B.rows), A, B, { transB: true });
}

/** out[:, c] = src[:, indices[start + c]] for c < count: copies a minibatch without allocating. */
export function selectColumnsInto(out: Matrix, src: Matrix, indices: ArrayLike<number>, start: number, count: number): Matrix {
  requireShape("selectColumnsInto", out, src.rows, count, "the selection");
  const sc = src.cols, d = src.rows, s = src.data, o = out.data;
  for (let c = 0; c < count; c++) {
    const j = indices[start + c] as number;
    if (!(j >= 0 && j < sc)) throw new RangeError(`selectColumns: column ${j} is outside the ${shapeString(src)} matrix`);
    for (let i = 0; i < d; i++) o[i * count + c] = s[i * sc + j] as number;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The product kernel.
//
// C (m×n) = op(A) op(B), op(A) m×k, op(B) k×n, all row-major. Small products use plain loops in
// i-k-j order (contiguous inner loop, no packing overhead). Larger ones pack op(A) into panels of
// 4 rows stored k-major and op(B) into panels of 4 columns stored k-major, then compute each
// 4×4 tile of C in 16 local variables: per k, 8 contiguous loads feed 16 multiply-adds. The
// transposes are absorbed by the packing, so Aᵀ B and A Bᵀ run at the speed of A B. The k
// dimension is cut into blocks of KC so the two panels in use stay in the first-level cache.

const KC = 256;
let packA: Float64Array = new Float64Array(4 * KC * 64);
let packB: Float64Array = new Float64Array(4 * KC * 64);

function ensure(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

function gemm(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number,
  tA: boolean, tB: boolean, accumulate: boolean,
): void {
  if (!accumulate) C.fill(0, 0, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  if (m * n * k < 32768 || m < 4 || n < 4) {
    gemmSmall(C, A, B, m, n, k, tA, tB);
    return;
  }
  const mp = (m + 3) >> 2, np = (n + 3) >> 2;
  // Row stride of A and B as stored.
  const lda = tA ? m : k;
  const ldb = tB ? k : n;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    packA = ensure(packA, mp * 4 * kc);
    packB = ensure(packB, np * 4 * kc);
    const pa = packA, pb = packB;
    // Pack op(A)[i, k0 + p] into pa[(ip * kc + p) * 4 + r], i = 4 ip + r (zero padded).
    for (let ip = 0; ip < mp; ip++) {
      for (let r = 0; r < 4; r++) {
        const i = ip * 4 + r;
        let dst = ip * kc * 4 + r;
        if (i >= m) { for (let p = 0; p < kc; p++, dst += 4) pa[dst] = 0; continue; }
        if (tA) for (let p = 0; p < kc; p++, dst += 4) pa[dst] = A[(k0 + p) * lda + i] as number;
        else { const base = i * lda + k0; for (let p = 0; p < kc; p++, dst += 4) pa[dst] = A[base + p] as number; }
      }
    }
    // Pack op(B)[k0 + p, j] into pb[(jp * kc + p) * 4 + s], j = 4 jp + s (zero padded).
    for (let jp = 0; jp < np; jp++) {
      for (let s = 0; s < 4; s++) {
        const j = jp * 4 + s;
        let dst = jp * kc * 4 + s;
        if (j >= n) { for (let p = 0; p < kc; p++, dst += 4) pb[dst] = 0; continue; }
        if (tB) { const base = j * ldb + k0; for (let p = 0; p < kc; p++, dst += 4) pb[dst] = B[base + p] as number; }
        else for (let p = 0; p < kc; p++, dst += 4) pb[dst] = B[(k0 + p) * ldb + j] as number;
      }
    }
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

/** Plain loops for small products, where packing would cost more than it saves. */
function gemmSmall(
  C: Float64Array, A: Float64Array, B: Float64Array,
  m: number, n: number, k: number, tA: boolean, tB: boolean,
): void {
  if (!tB) {
    // i-k-j: the inner loop walks a row of B and a row of C contiguously.
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const a = (tA ? A[p * m + i] : A[i * k + p]) as number;
        const bp = p * n;
        for (let j = 0; j < n; j++) C[ci + j] += a * (B[bp + j] as number);
      }
    }
  } else {
    // C[i, j] = Σ_p op(A)[i, p] B[j, p]: a dot product along a contiguous row of B.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        const bj = j * k;
        if (tA) for (let p = 0; p < k; p++) s += (A[p * m + i] as number) * (B[bj + p] as number);
        else { const ai = i * k; for (let p = 0; p < k; p++) s += (A[ai + p] as number) * (B[bj + p] as number); }
        C[i * n + j] += s;
      }
    }
  }
}
