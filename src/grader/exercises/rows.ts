/**
 * Matrices as the exercises pass them (plain rows; a batch is the COLUMNS), and the few operations
 * the contracts' case generators and known-mistake models need on them. The arithmetic is the
 * library's own (`Matrix`, nn's softmax), so the grader and the notebooks multiply alike.
 */
import { softmax } from "../../nn/activations";
import { Matrix } from "../../nn/matrix";
import type { Json } from "../contract";

/** A matrix as plain rows. */
export type Rows = number[][];

/** Read a case argument as a non-empty matrix of numbers, or throw naming it (the judge reports it as a grader fault). */
export function matrix(x: Json | undefined, what: string): Rows {
  if (!Array.isArray(x) || x.length === 0 || !x.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number"))) throw new Error(`${what} is not a matrix`);
  return x as Rows;
}

/** Elementwise map with the position, so a model can pair an entry with the same entry of another matrix. */
export const mapM = (a: Rows, f: (v: number, i: number, j: number) => number): Rows => a.map((r, i) => r.map((v, j) => f(v, i, j)));
/** Aᵀ. */
export const matT = (a: Rows): Rows => Matrix.from(a).T().toArray();
/** A B. */
export const matmul = (a: Rows, b: Rows): Rows => Matrix.from(a).matmul(Matrix.from(b)).toArray();
/** A ⊙ B. */
export const hadamard = (a: Rows, b: Rows): Rows => Matrix.from(a).mul(Matrix.from(b)).toArray();
/** Σ over the columns of each row: a bias gradient summed over the batch. */
export const rowSums = (a: Rows): number[] => Matrix.from(a).sumRows().toFlatArray();

/** softmax of column j of a flat row-major d×M array: one example's class probabilities. */
export function softmaxCol(z: ArrayLike<number>, d: number, m: number, j: number): number[] {
  return softmax.f(Matrix.fromFunction(d, 1, (i) => z[i * m + j]!)).toFlatArray();
}

/** softmax along each ROW (the wrong axis for a batch in columns), for recognising that slip; null for a 1×1 Z, where both axes agree. */
export function softmaxRows(Z: Rows): Rows | null {
  if (Z.length === 1 && Z[0]!.length === 1) return null;
  return Z.map((r) => softmaxCol(r, r.length, 1, 0));
}
