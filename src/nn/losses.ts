/**
 * Losses over a batch whose examples are the columns of A (prediction a^L) and Y (targets).
 * Each gives its value and ∂L/∂a^L with any batch mean already inside, so the network applies the
 * 1/M exactly once; two also give the fused δ^L = ∂L/∂z^L for their natural output activation.
 */
import { kernels } from "./kernels/backend";
import { Matrix, shapeString } from "./matrix";
import type { ActivationName } from "./activations";

/** Names accepted by `MatrixMLP`. */
export type LossName = "squaredError" | "halfMeanSquared" | "mse" | "bce" | "softmaxCrossEntropy";

/**
 * A loss: value L(A, Y), gradient ∂L/∂A, and optionally δ^L for an output activation it fuses
 * with. `grad` and `fusedDelta` write into `out` when one is given, so a training step need not
 * allocate.
 */
export interface Loss {
  readonly name: LossName;
  value(A: Matrix, Y: Matrix): number;
  grad(A: Matrix, Y: Matrix, out?: Matrix): Matrix;
  /** δ^L = ∂L/∂z^L when this loss and `output` simplify together (ŷ − y up to the mean), else undefined. */
  fusedDelta?(A: Matrix, Y: Matrix, output: ActivationName, out?: Matrix): Matrix | undefined;
}

function same(op: string, A: Matrix, Y: Matrix): void {
  if (!A.sameShape(Y)) throw new RangeError(`${op}: prediction ${shapeString(A)} and target ${shapeString(Y)}: shapes differ`);
}
function target(op: string, A: Matrix, out: Matrix | undefined): Matrix {
  if (out === undefined) return new Matrix(A.rows, A.cols);
  if (!out.sameShape(A)) throw new RangeError(`${op}: output buffer ${shapeString(out)} does not match the prediction ${shapeString(A)}`);
  return out;
}
/** Σ (a − y)² over every entry, without temporaries. */
function sumSquaredDiff(A: Matrix, Y: Matrix): number {
  const a = A.data, y = Y.data;
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = (a[i] as number) - (y[i] as number); s += d * d; }
  return s;
}
/** out = c (a − y): the gradient of every squared loss and the fused δ^L of both cross-entropies. */
function scaledDiff(op: string, A: Matrix, Y: Matrix, c: number, out?: Matrix): Matrix {
  same(op, A, Y);
  const o = target(op, A, out);
  kernels().scaledDiff(o, A, Y, c);
  return o;
}
const EPS = 1e-300;

/** Σ (f − y)², summed over everything, as document 004 writes the toy network's loss. */
export const squaredError: Loss = {
  name: "squaredError",
  value: (A, Y) => { same("squaredError", A, Y); return sumSquaredDiff(A, Y); },
  grad: (A, Y, out) => scaledDiff("squaredError", A, Y, 2, out),
};

/**
 * (1/2M) Σ_examples ‖a − y‖², half the batch mean of the squared error: the ½ cancels the 2 of the
 * derivative. Document 000's cost (1/2m) Σ_k (y_k − ŷ_k)² divides by m, the number of OUTPUT UNITS,
 * before the batch mean; the two agree only for a single output unit.
 */
export const halfMeanSquared: Loss = {
  name: "halfMeanSquared",
  value: (A, Y) => { same("halfMeanSquared", A, Y); return sumSquaredDiff(A, Y) / (2 * A.cols); },
  grad: (A, Y, out) => scaledDiff("halfMeanSquared", A, Y, 1 / A.cols, out),
};

/** Mean over every entry of (a − y)², as PyTorch's MSELoss defines it. */
export const mse: Loss = {
  name: "mse",
  value: (A, Y) => { same("mse", A, Y); return sumSquaredDiff(A, Y) / A.size; },
  grad: (A, Y, out) => scaledDiff("mse", A, Y, 2 / A.size, out),
};

/** Binary cross-entropy −(1/M) Σ [y log a + (1 − y) log(1 − a)]; with a sigmoid output δ^L = (a − y)/M. */
export const bce: Loss = {
  name: "bce",
  value: (A, Y) => {
    same("bce", A, Y);
    let s = 0;
    for (let i = 0; i < A.size; i++) { const a = A.data[i] as number, y = Y.data[i] as number; s -= y * Math.log(Math.max(a, EPS)) + (1 - y) * Math.log(Math.max(1 - a, EPS)); }
    return s / A.cols;
  },
  grad: (A, Y, out) => {
    same("bce", A, Y);
    const o = target("bce", A, out), M = A.cols;
    for (let i = 0; i < A.size; i++) { const a = A.data[i] as number, y = Y.data[i] as number; o.data[i] = (a - y) / (Math.max(a * (1 - a), EPS) * M); }
    return o;
  },
  fusedDelta: (A, Y, output, out) => (output === "sigmoid" ? scaledDiff("bce", A, Y, 1 / A.cols, out) : undefined),
};

/** Softmax cross-entropy −(1/M) Σ y log a for one-hot columns Y; with a softmax output δ^L = (a − y)/M. */
export const softmaxCrossEntropy: Loss = {
  name: "softmaxCrossEntropy",
  value: (A, Y) => {
    same("softmaxCrossEntropy", A, Y);
    return kernels().crossEntropySum(A, Y) / A.cols; // −Σ y ln max(a, 1e-300)
  },
  grad: (A, Y, out) => {
    same("softmaxCrossEntropy", A, Y);
    const o = target("softmaxCrossEntropy", A, out), M = A.cols;
    for (let i = 0; i < A.size; i++) o.data[i] = -(Y.data[i] as number) / (Math.max(A.data[i] as number, EPS) * M);
    return o;
  },
  fusedDelta: (A, Y, output, out) => (output === "softmax" ? scaledDiff("softmaxCrossEntropy", A, Y, 1 / A.cols, out) : undefined),
};

/** Looks a loss up by name, with an error listing the valid names. */
export function lossByName(name: LossName): Loss {
  const table: Record<LossName, Loss> = { squaredError, halfMeanSquared, mse, bce, softmaxCrossEntropy };
  const l = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (l === undefined) throw new RangeError(`loss: unknown name "${String(name)}"; use squaredError, halfMeanSquared, mse, bce or softmaxCrossEntropy`);
  return l;
}
