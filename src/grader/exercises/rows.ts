/**
 * Matrices as the exercises pass them (plain rows; a batch is the COLUMNS), and the few operations
 * the contracts' case generators and known-mistake models need on them. The arithmetic is the
 * library's own (`Matrix`, nn's softmax), so the grader and the notebooks multiply alike.
 */
import { softmax } from "../../nn/activations";
import { Matrix } from "../../nn/matrix";
import type { Rng } from "../../engine/random";
import type { Json } from "../contract";

/** A matrix as plain rows. */
export type Rows = number[][];

/** Read a case argument as a non-empty matrix of numbers, or throw naming it (the judge reports it as a grader fault). */
export function matrix(x: Json | undefined, what: string): Rows {
  if (!Array.isArray(x) || x.length === 0 || !x.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number"))) throw new Error(`${what} is not a matrix`);
  return x as Rows;
}

/** The number of columns of a matrix (the batch size when a batch is the columns); 0 for no rows. */
export const colCount = (a: Rows): number => a[0]?.length ?? 0;
/** Entry (i, j) of a matrix, or a RangeError naming the position when there is none. */
export function entry(a: Rows, i: number, j: number): number {
  const v = a[i]?.[j];
  if (v === undefined) throw new RangeError(`no entry (${i}, ${j}) in a ${a.length}×${colCount(a)} matrix`);
  return v;
}

/** The [d_l, d_(l−1)] shape of every W^l of a network with layer sizes [d_0, …, d_L]. */
export const weightShapes = (sizes: readonly number[]): [number, number][] => sizes.slice(1).map((d, l) => [d, sizes[l]!]);

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

/** Draws a matrix shape [rows, cols] of one family. */
export type ShapeFamily = (rng: Rng) => [number, number];
const upTo4 = (rng: Rng, lo: number): number => lo + rng.int(5 - lo);
/**
 * The shape families a d × M argument is tried in: one row (d = 1), one column (M = 1), square and
 * not square. A slip that only works for one of them (a single output row, a single example, a
 * transposed result) meets one it fails on at every seed.
 */
export const MATRIX_SHAPES: readonly ShapeFamily[] = [
  (rng) => [1, upTo4(rng, 2)],
  (rng) => [upTo4(rng, 2), 1],
  (rng) => { const d = upTo4(rng, 2); return [d, d]; },
  (rng) => { for (;;) { const d = upTo4(rng, 2), m = upTo4(rng, 2); if (d !== m) return [d, m]; } },
];

/** Scores over C ≥ 2 classes: two classes and more, one example and a batch, square and not. */
export const CLASS_SHAPES: readonly ShapeFamily[] = [
  () => [2, 1],
  (rng) => { for (;;) { const c = 3 + rng.int(2), m = 2 + rng.int(3); if (c !== m) return [c, m]; } },
  (rng) => { const c = 2 + rng.int(3); return [c, c]; },
  (rng) => [2 + rng.int(3), 1 + rng.int(4)],
];

/** Sizes [d_out, d_in, M] of a layer. */
export type LayerSizes = [number, number, number];
/** A layer's hidden sizes: W square, one output, one input and one example, and neither square nor single. */
export const LAYER_SIZES: readonly ((rng: Rng) => LayerSizes)[] = [
  (rng) => { const d = upTo4(rng, 2); return [d, d, upTo4(rng, 2)]; },
  (rng) => [1, upTo4(rng, 2), upTo4(rng, 2)],
  (rng) => [upTo4(rng, 2), 1, 1],
  (rng) => { for (;;) { const d = upTo4(rng, 2), n = upTo4(rng, 2); if (d !== n) return [d, n, upTo4(rng, 1)]; } },
];
