/**
 * Exercise 04 (exercises/04-output-deltas.ts): the output delta δ^L = ∂ℓ/∂z^L for four output
 * layer and loss pairs. Matrices are rows; a batch is the COLUMNS. Each oracle differentiates the
 * trusted per-example loss numerically.
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, fromJson, randomMatrix, type Mistake } from "../judge";
import { ACTIVATIONS, sigmoid } from "./activations";
import { CLASS_SHAPES, MATRIX_SHAPES, mapM, matrix, softmaxCol, softmaxRows, type ShapeFamily } from "./rows";

/** σ′ from the engine's rule, for the models of slips around it. */
const dSigmoid = ACTIVATIONS.sigmoid.df;

const oneHotCols = (rng: Rng, d: number, m: number): number[][] => {
  const hot = Array.from({ length: m }, () => rng.int(d));
  return Array.from({ length: d }, (_, i) => hot.map((h) => (h === i ? 1 : 0)));
};

interface DeltaSpec {
  id: string;
  exportName: string;
  title: string;
  description: string;
  /** per-example loss summed over the batch, as a function of flat Z (d×M) and Y */
  loss: (z: Float64Array, y: number[][], d: number, m: number) => number;
  visible: { label: string; args: Json[] }[];
  /** the shape families of the hidden cases (default: one row, one column, square, not square) */
  shapes?: readonly ShapeFamily[];
  /** Z and Y for one hidden case of shape d × M; `i` is the family's index */
  draw: (rng: Rng, d: number, m: number, i: number) => [number[][], number[][]];
  mistakes: Mistake[];
}

function outputDelta(s: DeltaSpec): Exercise {
  return defineExercise({
    id: s.id, title: s.title, file: "04-output-deltas.ts", exportName: s.exportName, points: 1, description: s.description,
    visible: s.visible,
    hidden: (s.shapes ?? MATRIX_SHAPES).map((shape, i) => (rng: Rng): Json[] => { const [d, m] = shape(rng); return s.draw(rng, d, m, i); }),
    oracle: (args) => {
      const Z = fromJson(matrix(args[0], "Z"));
      const Y = matrix(args[1], "Y");
      const [d, m] = Z.shape as [number, number];
      return { bare: true, expected: { "δ^L": fdVjp((ins) => [s.loss(ins[0]!, Y, d, m)], [Z], 0, [1]) } };
    },
    mistakes: s.mistakes,
  });
}

const perExampleNote = "δ^L column m is ∂ℓ_m/∂z^L_m for one example's loss ℓ_m (no 1/M here: the batch mean is taken in exercise 06).";
const dividedByM = (delta: (Z: number[][], Y: number[][]) => number[][]): Mistake => ({
  id: "divided-by-batch",
  feedback: "δ^L is per example: the 1/M of the batch mean belongs to the parameter gradients, not here",
  output: (args) => {
    const Z = matrix(args[0], "Z");
    const m = Z[0]!.length;
    return m === 1 ? null : mapM(delta(Z, matrix(args[1], "Y")), (v) => v / m);
  },
});
const twoByThree = { label: "2 units, batch of 3", args: [[[0.5, -1, 2], [1.5, 0.3, -0.4]], [[1, 0, 0.5], [0, 1, -1]]] };
const oneHotVisible = { label: "3 classes, batch of 2", args: [[[1, -0.5], [2, 0.3], [0.1, 1.2]], [[0, 0], [1, 0], [0, 1]]] };

/** Exercise 04. */
export const OUTPUT_DELTA_EXERCISES: Exercise[] = [
  outputDelta({
    id: "delta-linear-squared", exportName: "deltaLinearSquared", title: "δ^L: linear output, squared error",
    description: `a^L = z^L, ℓ = ½‖a^L − y‖². Return δ^L = ∂ℓ/∂z^L. ${perExampleNote}`,
    loss: (z, y, d, m) => { let s = 0; for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) s += 0.5 * (z[i * m + j]! - y[i]![j]!) ** 2; return s; },
    visible: [twoByThree], draw: (rng, d, m) => [randomMatrix(rng, d, m), randomMatrix(rng, d, m)],
    mistakes: [dividedByM((Z, Y) => mapM(Z, (v, i, j) => v - Y[i]![j]!))],
  }),
  outputDelta({
    id: "delta-sigmoid-squared", exportName: "deltaSigmoidSquared", title: "δ^L: sigmoid output, squared error",
    description: `a^L = σ(z^L), ℓ = ½‖a^L − y‖² (document 000's per-example cost, whose m counts the output units, times m). Return δ^L = ∂ℓ/∂z^L. ${perExampleNote}`,
    loss: (z, y, d, m) => { let s = 0; for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) s += 0.5 * (sigmoid(z[i * m + j]!) - y[i]![j]!) ** 2; return s; },
    visible: [twoByThree], draw: (rng, d, m) => [randomMatrix(rng, d, m), mapM(randomMatrix(rng, d, m), () => rng.next())],
    mistakes: [
      { id: "forgot-fprime", feedback: "the factor σ′(z^L) is missing: the loss reaches z^L through the sigmoid", output: (args) => { const Y = matrix(args[1], "Y"); return mapM(matrix(args[0], "Z"), (v, i, j) => sigmoid(v) - Y[i]![j]!); } },
      { id: "used-a-for-z", feedback: "σ′ was evaluated at a^L = σ(z^L); it needs z^L", output: (args) => { const Y = matrix(args[1], "Y"); return mapM(matrix(args[0], "Z"), (v, i, j) => { const a = sigmoid(v); return (a - Y[i]![j]!) * dSigmoid(a); }); } },
      dividedByM((Z, Y) => mapM(Z, (v, i, j) => (sigmoid(v) - Y[i]![j]!) * dSigmoid(v))),
    ],
  }),
  outputDelta({
    id: "delta-sigmoid-bce", exportName: "deltaSigmoidBce", title: "δ^L: sigmoid output, binary cross-entropy",
    description: `a^L = σ(z^L), ℓ = −Σ [y ln a + (1 − y) ln(1 − a)] over the units. Return δ^L = ∂ℓ/∂z^L. ${perExampleNote}`,
    loss: (z, y, d, m) => { let s = 0; for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) { const a = sigmoid(z[i * m + j]!); const t = y[i]![j]!; s -= t * Math.log(a) + (1 - t) * Math.log(1 - a); } return s; },
    visible: [
      { label: "002 worked example 2: x = 2, w = 1, b = −1 so z = 1, y = 0", args: [[[1]], [[0]]] },
      { label: "1 unit, batch of 3", args: [[[0.5, -1, 2]], [[1, 0, 1]]] },
    ],
    // 0/1 targets, and soft targets in (0, 1) in the last family: the loss is defined for both
    draw: (rng, d, m, i) => [randomMatrix(rng, d, m), mapM(randomMatrix(rng, d, m), () => (i === 3 ? rng.uniform(0.05, 0.95) : rng.int(2)))],
    mistakes: [
      { id: "extra-fprime", feedback: "with cross-entropy the σ′(z) factor cancels; multiplying by it again is wrong", output: (args) => { const Y = matrix(args[1], "Y"); return mapM(matrix(args[0], "Z"), (v, i, j) => (sigmoid(v) - Y[i]![j]!) * dSigmoid(v)); } },
      dividedByM((Z, Y) => mapM(Z, (v, i, j) => sigmoid(v) - Y[i]![j]!)),
    ],
  }),
  outputDelta({
    id: "delta-softmax-ce", exportName: "deltaSoftmaxCe", title: "δ^L: softmax output, cross-entropy",
    description: `a^L = softmax(z^L) per column, ℓ = −Σ_i y_i ln a_i with one-hot y. Return δ^L = ∂ℓ/∂z^L. ${perExampleNote}`,
    loss: (z, y, d, m) => { let s = 0; for (let j = 0; j < m; j++) { const p = softmaxCol(z, d, m, j); for (let i = 0; i < d; i++) s -= y[i]![j]! * Math.log(p[i]!); } return s; },
    visible: [oneHotVisible], shapes: CLASS_SHAPES, draw: (rng, d, m) => [randomMatrix(rng, d, m), oneHotCols(rng, d, m)],
    mistakes: [
      { id: "forgot-softmax", feedback: "δ^L uses the softmax probabilities, not the raw scores z^L", output: (args) => { const Y = matrix(args[1], "Y"); return mapM(matrix(args[0], "Z"), (v, i, j) => v - Y[i]![j]!); } },
      { id: "softmax-wrong-axis", feedback: "softmax normalises each COLUMN (one example's scores over the classes), not each row", output: (args) => { const Y = matrix(args[1], "Y"); const P = softmaxRows(matrix(args[0], "Z")); return P && mapM(P, (p, i, j) => p - Y[i]![j]!); } },
      dividedByM((Z, Y) => { const d = Z.length, m = Z[0]!.length; const flat = Float64Array.from(Z.flat()); return mapM(Z, (_, i, j) => softmaxCol(flat, d, m, j)[i]! - Y[i]![j]!); }),
    ],
  }),
];
