import { describe, expect, test } from "vitest";
import { addColumnInto, Matrix, matmulInto, matmulTransA, matmulTransB, selectColumnsInto, sumRowsInto } from "../../src/nn/matrix";
import { Rng } from "../../src/engine/random";

/** Reference product by the definition Σ_p A[i,p] B[p,j], written independently of the kernel. */
function naive(A: number[][], B: number[][]): number[][] {
  return A.map((row) => (B[0] as number[]).map((_, j) => row.reduce((s, a, p) => s + a * (B[p] as number[])[j]!, 0)));
}
const transpose = (A: number[][]): number[][] => (A[0] as number[]).map((_, j) => A.map((r) => r[j]!));

describe("Matrix", () => {
  test("hand-checked 2×3 · 3×2 product, transpose, broadcast and sums", () => {
    const A = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    const B = Matrix.from([[7, 8], [9, 10], [11, 12]]);
    expect(A.matmul(B).toArray()).toEqual([[58, 64], [139, 154]]);
    expect(A.T().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(A.addColumn(Matrix.column([10, 20])).toArray()).toEqual([[11, 12, 13], [24, 25, 26]]);
    expect(A.sumRows().toArray()).toEqual([[6], [15]]);
    expect(A.sumCols().toArray()).toEqual([[5, 7, 9]]);
    expect(A.mul(A).toArray()).toEqual([[1, 4, 9], [16, 25, 36]]);
    expect(A.sub(A.scale(2)).toArray()).toEqual([[-1, -2, -3], [-4, -5, -6]]);
    expect(A.map((v) => Math.max(0, v - 3)).toArray()).toEqual([[0, 0, 0], [1, 2, 3]]);
    expect(A.shape).toEqual([2, 3]);
    expect(Matrix.fromColumns([[1, 4], [2, 5], [3, 6]]).toArray()).toEqual(A.toArray());
  });

  test("shape errors name the op and both shapes", () => {
    expect(() => new Matrix(128, 64).matmul(new Matrix(32, 64))).toThrow("matmul: (128×64)·(32×64): inner sizes 64 and 32 differ");
    expect(() => new Matrix(2, 3).add(new Matrix(3, 2))).toThrow("add: (2×3) and (3×2): shapes differ");
    expect(() => new Matrix(3, 5).addColumn(new Matrix(2, 1))).toThrow("addColumn: (3×5) + (2×1): the column must be (3×1)");
    expect(() => Matrix.from([[1, 2], [3]])).toThrow("row 1 has 1 entries but row 0 has 2");
    expect(() => new Matrix(2, 2).get(2, 0)).toThrow("index (2, 0) is outside the (2×2) matrix");
  });

  test("packed kernel and transposed forms agree with the definition of the product", () => {
    const r = new Rng(3);
    for (const [m, n, k] of [[3, 5, 2], [37, 41, 300], [130, 9, 600], [64, 64, 64]] as const) {
      const A = Matrix.fromFunction(m, k, () => r.normal());
      const B = Matrix.fromFunction(k, n, () => r.normal());
      const ref = naive(A.toArray(), B.toArray());
      const close = (X: Matrix) => X.toArray().forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!)).toBeLessThan(1e-10)));
      close(A.matmul(B));
      close(matmulTransA(Matrix.from(transpose(A.toArray())), B));
      close(matmulTransB(A, Matrix.from(transpose(B.toArray()))));
      const acc = Matrix.fill(m, n, 1);
      matmulInto(acc, A, B, { accumulate: true });
      close(acc.sub(Matrix.fill(m, n, 1)));
    }
  });

  test("002 example 3: a 64 → 128 layer on a batch of 32", () => {
    const W = new Matrix(128, 64), A = new Matrix(64, 32), b = new Matrix(128, 1);
    const Z = W.matmul(A).addColumn(b);
    expect(Z.shape).toEqual([128, 32]);
    const delta = new Matrix(128, 32);
    expect(delta.matmul(A.T()).shape).toEqual([128, 64]);
    expect(matmulTransB(delta, A).shape).toEqual(W.shape);
    expect(delta.sumRows().shape).toEqual([128, 1]);
    expect(() => W.matmul(delta)).toThrow("matmul: (128×64)·(128×32): inner sizes 64 and 128 differ");
  });
});

describe("Matrix API a notebook uses", () => {
  test("constructors: from, fromColumns, zeros, fill, column, fromFunction, identity", () => {
    expect(Matrix.zeros(2, 3).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(Matrix.fill(2, 2, 0.01).toArray()).toEqual([[0.01, 0.01], [0.01, 0.01]]);
    const c = Matrix.column([1, 2, 3]);
    expect(c.shape).toEqual([3, 1]);
    expect(c.toFlatArray()).toEqual([1, 2, 3]);
    expect(Matrix.fromFunction(2, 3, (i, j) => 10 * i + j).toArray()).toEqual([[0, 1, 2], [10, 11, 12]]);
    expect(Matrix.identity(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(Matrix.from([]).shape).toEqual([0, 0]);
    expect(new Matrix(2, 3).size).toBe(6);
    expect(String(Matrix.from([[1, 2]]))).toBe("Matrix(1×2) [[1,2]]");
  });

  test("element-wise ops, scale, sums, map with indices", () => {
    const A = Matrix.from([[2, 4], [6, 8]]), B = Matrix.from([[1, 2], [3, 4]]);
    expect(A.add(B).toArray()).toEqual([[3, 6], [9, 12]]);
    expect(A.div(B).toArray()).toEqual([[2, 2], [2, 2]]);
    expect(A.mul(B).toArray()).toEqual([[2, 8], [18, 32]]);
    expect(A.scale(0.5).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(A.sum()).toBe(20);
    expect(B.map((v, i, j) => v * 100 + i * 10 + j).toArray()).toEqual([[100, 201], [310, 411]]);
  });

  test("get/set, clone independence, col, selectColumns, argmaxCols", () => {
    const A = Matrix.from([[1, 9, 3], [4, 2, 6]]);
    const B = A.clone();
    B.set(0, 0, 100);
    expect(A.get(0, 0)).toBe(1);
    expect(B.get(0, 0)).toBe(100);
    expect(A.col(1).toArray()).toEqual([[9], [2]]);
    expect(A.selectColumns([2, 0]).toArray()).toEqual([[3, 1], [6, 4]]);
    expect(A.argmaxCols()).toEqual([1, 0, 1]);
  });

  test("write-into helpers agree with the allocating forms", () => {
    const A = Matrix.from([[1, 2, 3], [4, 5, 6]]), b = Matrix.column([10, 20]);
    expect(addColumnInto(new Matrix(2, 3), A, b).toArray()).toEqual(A.addColumn(b).toArray());
    expect(sumRowsInto(new Matrix(2, 1), A).toArray()).toEqual(A.sumRows().toArray());
    expect(selectColumnsInto(new Matrix(2, 2), A, [9, 2, 1], 1, 2).toArray()).toEqual([[3, 2], [6, 5]]);
    const inPlace = A.clone();
    addColumnInto(inPlace, inPlace, b);
    expect(inPlace.toArray()).toEqual([[11, 12, 13], [24, 25, 26]]);
  });

  test("every shape error names the operation and the shapes involved", () => {
    const A = new Matrix(2, 3);
    expect(() => A.sub(new Matrix(2, 2))).toThrow("sub: (2×3) and (2×2): shapes differ");
    expect(() => A.mul(new Matrix(3, 2))).toThrow("mul: (2×3) and (3×2): shapes differ");
    expect(() => A.div(new Matrix(1, 3))).toThrow("div: (2×3) and (1×3): shapes differ");
    expect(() => A.addColumn(new Matrix(2, 2))).toThrow("addColumn: (2×3) + (2×2): the column must be (2×1)");
    expect(() => matmulInto(new Matrix(2, 2), A, new Matrix(3, 4))).toThrow("matmulInto: output is (2×2) but the product is (2×4)");
    expect(() => matmulInto(new Matrix(3, 3), A, new Matrix(2, 3), { transA: true, transB: true })).toThrow("matmul: (2×3)ᵀ·(2×3)ᵀ: inner sizes 2 and 3 differ");
    expect(() => matmulTransB(A, new Matrix(4, 2))).toThrow("matmul: (2×3)·(4×2)ᵀ: inner sizes 3 and 2 differ");
    expect(() => sumRowsInto(new Matrix(3, 1), A)).toThrow("sumRowsInto: output is (3×1) but the column of row sums is (2×1)");
    expect(() => A.col(3)).toThrow("col: column 3 is outside the (2×3) matrix");
    expect(() => A.selectColumns([0, 5])).toThrow("selectColumns: column 5 is outside the (2×3) matrix");
    expect(() => new Matrix(2, 2, new Float64Array(3))).toThrow("Matrix: data has 3 entries but the shape (2×2) needs 4");
    expect(() => new Matrix(-1, 2)).toThrow("Matrix: rows must be a non-negative integer, got -1");
    expect(() => Matrix.fromColumns([[1, 2], [3]])).toThrow("Matrix.fromColumns: column 1 has 1 entries but column 0 has 2");
    const X = new Matrix(2, 2);
    expect(() => matmulInto(X, X, new Matrix(2, 2))).toThrow("matmulInto: the output (2×2) must not share storage with an input ((2×2)·(2×2))");
  });
});
