/**
 * A small dense float64 matrix, laid out the way the course writes its equations: W^(l) is
 * d_out × d_in, a batch of M examples is the M columns of A (d × M), and z = W a + b.
 *
 * Storage is row-major in one `Float64Array`, entry (i, j) at `data[i * cols + j]`. Every
 * operation that combines two matrices checks shapes first and throws an error naming the
 * operation and both shapes, because a silent broadcast is the most common way a hand-written
 * backward pass goes wrong.
 *
 * The products and the training step's element-wise passes go through the kernel backend in use
 * (kernels/backend.ts, WebAssembly SIMD where available). Its product also serves the transposed
 * forms Aᵀ B and A Bᵀ without materialising a transpose, so the backward pass δ (a^(l−1))ᵀ and
 * (W^(l+1))ᵀ δ costs about what the forward W a costs. Buffers made by `reuseOrCreate` live in the
 * WebAssembly kernels' memory (kernels/small.ts), so a training step runs there without copying.
 */
import { kernels } from "./kernels/backend";
import { heapArray, kernelAddressOf } from "./kernels/small";

// Reads of Float64Arrays in the loops below carry `as number` (noUncheckedIndexedAccess types every
// index read as possibly undefined): a read past the end would be a bug the tests catch, not a case
// to branch on in a hot loop, and the assertion costs nothing at run time.

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
  /** Private, so that printing a matrix in a notebook shows its shape and entries only. */
  readonly #kernelAddress: number;

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
    this.#kernelAddress = data === undefined ? -1 : kernelAddressOf(data);
  }

  /**
   * Where `data` lives in the WebAssembly kernels' memory (a byte address), or −1 when it is an
   * ordinary array. The kernels then use it in place instead of copying (see `reuseOrCreate`);
   * it is looked up once, here, because reading a typed array's buffer costs more than a small pass.
   */
  get kernelAddress(): number {
    return this.#kernelAddress;
  }

  /** Builds a matrix from nested arrays, one inner array per row, as matrices are written on paper. */
  static from(rows: ArrayLike<ArrayLike<number>>): Matrix {
    return fromLists(rows, "row");
  }

  /**
   * Builds a d × M matrix whose columns are the given examples. Data sets come as one row per
   * example (n × d); the course stacks examples as columns, and this is the bridge.
   */
  static fromColumns(columns: ArrayLike<ArrayLike<number>>): Matrix {
    return fromLists(columns, "column");
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
    kernels().product(out, this, other, this.rows, other.cols, this.cols, false, false, false);
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
    return addColumnInto(new Matrix(this.rows, this.cols), this, column);
  }

  /**
   * Sums along each row, d × M → d × 1: Δ 1, the bias gradient summed over the batch (the sum
   * runs over the columns, i.e. over the examples).
   */
  sumRows(): Matrix {
    return sumRowsInto(new Matrix(this.rows, 1), this);
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

/** A matrix from nested arrays, each inner one a row (`Matrix.from`) or a column (`Matrix.fromColumns`). */
function fromLists(lists: ArrayLike<ArrayLike<number>>, each: "row" | "column"): Matrix {
  const n = lists.length;
  const len = n === 0 ? 0 : (lists[0] as ArrayLike<number>).length;
  const rows = each === "row";
  const m = rows ? new Matrix(n, len) : new Matrix(len, n);
  // entry t of list k sits at k·ks + t·ts in the row-major data
  const ks = rows ? len : 1;
  const ts = rows ? 1 : n;
  for (let k = 0; k < n; k++) {
    const list = lists[k] as ArrayLike<number>;
    if (list.length !== len) throw new RangeError(`Matrix.${rows ? "from" : "fromColumns"}: ${each} ${k} has ${list.length} entries but ${each} 0 has ${len}`);
    for (let t = 0; t < len; t++) m.data[k * ks + t * ts] = list[t] as number;
  }
  return m;
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
  if (out.data === A.data || out.data === B.data) throw new RangeError(`matmulInto: the output ${shapeString(out)} must not share storage with an input (${shapeString(A)}·${shapeString(B)})`);
  kernels().product(out, A, B, m, n, k, tA, tB, options.accumulate === true);
  return out;
}

/**
 * out = W A + b 1ᵀ: the affine map z^(l) = W^(l) a^(l−1) + b^(l) of a whole batch in one pass, the
 * bias broadcast over the columns. Same result as `matmulInto` then `addColumnInto`, up to the
 * rounding of where b joins the sum.
 */
export function affineInto(out: Matrix, W: Matrix, A: Matrix, b: Matrix): Matrix {
  if (W.cols !== A.rows) throw new RangeError(`matmul: ${shapeString(W)}·${shapeString(A)}: inner sizes ${W.cols} and ${A.rows} differ`);
  if (b.cols !== 1 || b.rows !== W.rows) throw new RangeError(`addColumn: ${shapeString(W)}·${shapeString(A)} + ${shapeString(b)}: the column must be (${W.rows}×1)`);
  requireShape("affineInto", out, W.rows, A.cols, "W A + b");
  if (out.data === W.data || out.data === A.data) throw new RangeError(`affineInto: the output ${shapeString(out)} must not share storage with an input (${shapeString(W)}·${shapeString(A)})`);
  kernels().product(out, W, A, W.rows, A.cols, W.cols, false, false, false, b);
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

/**
 * out = A + column 1ᵀ: the bias broadcast over the batch, written into `out` (which may be A
 * itself) so a training step need not allocate.
 */
export function addColumnInto(out: Matrix, A: Matrix, column: Matrix): Matrix {
  if (column.cols !== 1 || column.rows !== A.rows) {
    throw new RangeError(`addColumn: ${shapeString(A)} + ${shapeString(column)}: the column must be (${A.rows}×1)`);
  }
  requireShape("addColumnInto", out, A.rows, A.cols, "the sum");
  kernels().addColumn(out, A, column, A.rows, A.cols);
  return out;
}

/** out = A summed along each row (d × M → d × 1): the bias gradient Σ over the batch, in place. */
export function sumRowsInto(out: Matrix, A: Matrix): Matrix {
  requireShape("sumRowsInto", out, A.rows, 1, "the column of row sums");
  kernels().sumRows(out, A, A.rows, A.cols);
  return out;
}

/**
 * Returns `reuse` when it has the shape rows × cols, else a fresh zero matrix: the buffer pool of
 * a training step. Fresh ones are stored in the WebAssembly kernels' memory when they fit, so
 * the step's kernels use them in place (kernels/small.ts); to every other caller they are
 * ordinary matrices.
 */
export function reuseOrCreate(reuse: Matrix | undefined, rows: number, cols: number): Matrix {
  return reuse !== undefined && reuse.rows === rows && reuse.cols === cols ? reuse : kernelMatrix(rows, cols);
}

/** A zero rows × cols matrix stored in the kernels' memory when it fits (see `reuseOrCreate`). */
export function kernelMatrix(rows: number, cols: number): Matrix {
  checkDim("Matrix", "rows", rows);
  checkDim("Matrix", "cols", cols);
  return new Matrix(rows, cols, heapArray(rows * cols));
}
