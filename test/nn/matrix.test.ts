import { describe, expect, test } from "vitest";
import { Matrix, matmulInto, matmulTransA, matmulTransB } from "../../src/nn/matrix";
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
