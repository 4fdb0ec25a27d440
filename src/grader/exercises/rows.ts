/**
 * Matrices as the exercises pass them (plain rows; a batch is the COLUMNS), and the few operations
 * the contracts' case generators and known-mistake models need on them, written once for every
 * exercise module.
 */
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
export const matT = (a: Rows): Rows => a[0]!.map((_, j) => a.map((r) => r[j]!));
/** A B. */
export const matmul = (a: Rows, b: Rows): Rows => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
/** A ⊙ B. */
export const hadamard = (a: Rows, b: Rows): Rows => mapM(a, (v, i, j) => v * b[i]![j]!);
/** Σ over the columns of each row: a bias gradient summed over the batch. */
export const rowSums = (a: Rows): number[] => a.map((r) => r.reduce((s, v) => s + v, 0));

/** softmax of column j of a flat row-major d×M array: one example's class probabilities. */
export function softmaxCol(z: ArrayLike<number>, d: number, m: number, j: number): number[] {
  let mx = -Infinity;
  for (let i = 0; i < d; i++) mx = Math.max(mx, z[i * m + j]!);
  const e = Array.from({ length: d }, (_, i) => Math.exp(z[i * m + j]! - mx));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

/** softmax along each ROW (the wrong axis for a batch in columns), for recognising that slip; null for a 1×1 Z, where both axes agree. */
export function softmaxRows(Z: Rows): Rows | null {
  if (Z.length === 1 && Z[0]!.length === 1) return null;
  return Z.map((r) => softmaxCol(r, r.length, 1, 0));
}
