/**
 * Losses over a batch whose examples are the columns of A (prediction a^L) and Y (targets).
 * Each gives its value and ∂L/∂a^L with any batch mean already inside, so the network applies the
 * 1/M exactly once; two also give the fused δ^L = ∂L/∂z^L for their natural output activation.
 */
import { Matrix, shapeString } from "./matrix";
import type { ActivationName } from "./activations";

/** Names accepted by `DenseNetwork`. */
export type LossName = "squaredError" | "halfMeanSquared" | "mse" | "bce" | "softmaxCrossEntropy";

/** A loss: value L(A, Y), gradient ∂L/∂A, and optionally δ^L for an output activation it fuses with. */
export interface Loss {
  readonly name: LossName;
  value(A: Matrix, Y: Matrix): number;
  grad(A: Matrix, Y: Matrix): Matrix;
  /** δ^L = ∂L/∂z^L when this loss and `output` simplify together (ŷ − y up to the mean), else undefined. */
  fusedDelta?(A: Matrix, Y: Matrix, output: ActivationName): Matrix | undefined;
}

function same(op: string, A: Matrix, Y: Matrix): void {
  if (!A.sameShape(Y)) throw new RangeError(`${op}: prediction ${shapeString(A)} and target ${shapeString(Y)}: shapes differ`);
}
const EPS = 1e-300;

/** Σ (f − y)², summed over everything, as document 004 writes the toy network's loss. */
export const squaredError: Loss = {
  name: "squaredError",
  value: (A, Y) => { same("squaredError", A, Y); const d = A.sub(Y); return d.mul(d).sum(); },
  grad: (A, Y) => { same("squaredError", A, Y); return A.sub(Y).scale(2); },
};

/** (1/2m) Σ_examples ‖a − y‖², document 000's cost: the ½ cancels the 2 of the derivative. */
export const halfMeanSquared: Loss = {
  name: "halfMeanSquared",
  value: (A, Y) => { same("halfMeanSquared", A, Y); const d = A.sub(Y); return d.mul(d).sum() / (2 * A.cols); },
  grad: (A, Y) => { same("halfMeanSquared", A, Y); return A.sub(Y).scale(1 / A.cols); },
};

/** Mean over every entry of (a − y)², as PyTorch's MSELoss defines it. */
export const mse: Loss = {
  name: "mse",
  value: (A, Y) => { same("mse", A, Y); const d = A.sub(Y); return d.mul(d).sum() / A.size; },
  grad: (A, Y) => { same("mse", A, Y); return A.sub(Y).scale(2 / A.size); },
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
  grad: (A, Y) => { same("bce", A, Y); const M = A.cols; return A.map((a, i, j) => { const y = Y.data[i * A.cols + j] as number; return (a - y) / (Math.max(a * (1 - a), EPS) * M); }); },
  fusedDelta: (A, Y, output) => (output === "sigmoid" ? A.sub(Y).scale(1 / A.cols) : undefined),
};

/** Softmax cross-entropy −(1/M) Σ y log a for one-hot columns Y; with a softmax output δ^L = (a − y)/M. */
export const softmaxCrossEntropy: Loss = {
  name: "softmaxCrossEntropy",
  value: (A, Y) => {
    same("softmaxCrossEntropy", A, Y);
    let s = 0;
    for (let i = 0; i < A.size; i++) { const y = Y.data[i] as number; if (y !== 0) s -= y * Math.log(Math.max(A.data[i] as number, EPS)); }
    return s / A.cols;
  },
  grad: (A, Y) => { same("softmaxCrossEntropy", A, Y); const M = A.cols; return A.map((a, i, j) => -(Y.data[i * A.cols + j] as number) / (Math.max(a, EPS) * M)); },
  fusedDelta: (A, Y, output) => (output === "softmax" ? A.sub(Y).scale(1 / A.cols) : undefined),
};

/** Looks a loss up by name. */
export function lossByName(name: LossName): Loss {
  const table: Record<LossName, Loss> = { squaredError, halfMeanSquared, mse, bce, softmaxCrossEntropy };
  const l = table[name];
  if (l === undefined) throw new RangeError(`loss: unknown name "${String(name)}"`);
  return l;
}
