/**
 * Exercise 08 (exercises/08-layer-backward.ts): CS231n-style layer backward functions, each given
 * the upstream gradient and its own cache. Matrices are rows; a batch is the COLUMNS. Each oracle
 * differentiates the trusted layer forward (or loss) numerically with the given upstream gradient.
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, fromJson, isRecord, randomMatrix, type Mistake } from "../judge";
import { ACTIVATIONS } from "./activations";
import { CLASS_SHAPES, LAYER_SIZES, MATRIX_SHAPES, colCount, entry, mapM, matrix, rowSums, softmaxCol, softmaxRows, type Rows } from "./rows";

/** A flat row-major d×M array filled by position. */
const cols = (d: number, m: number, f: (i: number, j: number) => number): Float64Array => {
  const out = new Float64Array(d * m);
  for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) out[i * m + j] = f(i, j);
  return out;
};

/** Entry `key` of a layer's cache (its second argument) as a matrix, or an error naming it. */
const cached = (args: Json[], key: string): Rows => {
  const cache = args[1];
  return matrix(isRecord(cache) ? cache[key] : undefined, key);
};
/** Σ_j a_j b_j over a's length. */
const dot = (a: number[], b: number[]): number => a.reduce((s, v, j) => s + v * b[j]!, 0);

/** The linear layer's arguments and the parts of its backward, for the wrong-answer models. */
const linearArgs = (args: Json[]) => ({ dZ: matrix(args[0], "dZ"), X: cached(args, "X"), W: cached(args, "W") });
const linearDX = (dZ: Rows, W: Rows, X: Rows): Rows => X.map((_, k) => dZ[0]!.map((_, j) => W.reduce((s, r, i) => s + entry(W, i, k) * entry(dZ, i, j), 0)));
const linearDW = (dZ: Rows, X: Rows): Rows => dZ.map((zr) => X.map((xr) => dot(zr, xr)));

const layerFile = "08-layer-backward.ts";
const flat = (a: number[][]) => fromJson(a);

const linearBackward = defineExercise({
  id: "linear-layer-backward", title: "Backward of a linear layer", file: layerFile, exportName: "linearLayerBackward", points: 2,
  description: "Forward: Z = W X + b 1ᵀ with cache { X, W }. Given dZ = ∂L/∂Z (d × M, already carrying the loss's 1/M), return { dX, dW, db } = ∂L/∂X, ∂L/∂W, ∂L/∂b with the shapes of X, W and b.",
  visible: [{ label: "W 2×3, batch of 2", args: [[[1, -2], [0.5, 3]], { X: [[1, 2], [-1, 0.5], [0.3, -0.7]], W: [[0.2, -0.4, 1], [1.5, 0.1, -0.3]] }] }],
  hidden: LAYER_SIZES.map((sizes) => (rng: Rng): Json[] => { const [d, n, m] = sizes(rng); return [randomMatrix(rng, d, m), { X: randomMatrix(rng, n, m), W: randomMatrix(rng, d, n) }]; }),
  oracle: (args) => {
    const dZ = flat(matrix(args[0], "dZ"));
    const Xr = cached(args, "X"), Wr = cached(args, "W");
    const [d, n, m] = [Wr.length, colCount(Wr), colCount(Xr)];
    const X = flat(Xr), W = flat(Wr);
    const b = { shape: [d], values: new Float64Array(d) };
    const fwd = (ins: Float64Array[]) => cols(d, m, (i, j) => { let s = ins[2]![i]!; for (let k = 0; k < n; k++) s += ins[1]![i * n + k]! * ins[0]![k * m + j]!; return s; });
    const ins = [X, W, b];
    return { expected: { dX: fdVjp(fwd, ins, 0, dZ.values), dW: fdVjp(fwd, ins, 1, dZ.values), db: fdVjp(fwd, ins, 2, dZ.values) } };
  },
  mistakes: [
    { id: "transposed-dW", feedback: "dW must have the shape of W: the outer product dZ Xᵀ is the wrong way round", output: (args) => {
      const { dZ, X, W } = linearArgs(args);
      return { dX: linearDX(dZ, W, X), dW: X.map((xr) => dZ.map((zr) => dot(zr, xr))), db: rowSums(dZ) };
    } },
    { id: "bias-not-summed", feedback: "db must be summed over the batch: one number per unit, not one per example", output: (args) => {
      const { dZ, X, W } = linearArgs(args);
      return colCount(dZ) === 1 ? null : { dX: linearDX(dZ, W, X), dW: linearDW(dZ, X), db: dZ };
    } },
    { id: "divided-by-batch-twice", feedback: "dZ already carries the loss's 1/M: dividing by the batch size again applies it twice", output: (args) => {
      const { dZ, X, W } = linearArgs(args);
      const m = colCount(dZ);
      return m === 1 ? null : { dX: linearDX(dZ, W, X), dW: mapM(linearDW(dZ, X), (v) => v / m), db: rowSums(dZ).map((v) => v / m) };
    } },
    { id: "not-transposed", feedback: "dX sends the error back through the weights: it needs Wᵀ, not W", output: (args) => {
      const { dZ, X, W } = linearArgs(args);
      if (W.length !== colCount(W)) return null;
      return { dX: W.map((r) => dZ[0]!.map((_, j) => r.reduce((s, w, k) => s + w * entry(dZ, k, j), 0))), dW: linearDW(dZ, X), db: rowSums(dZ) };
    } },
  ],
});

interface ActLayer { id: string; exportName: string; name: string; cacheKey: "z" | "a"; f: (z: number) => number; extra?: Mistake[]; kink?: boolean }
function actLayer(s: ActLayer): Exercise {
  const kinkCase = { label: "2×3 with z = 0 in two places (the kink: relu′(0) = 0 and relu′(0) = 1 are both accepted)", args: [[[1, -2, 0.5], [0.5, 3, -1]], { z: [[0, -0.3, 0.8], [-1.2, 0, 0.4]] }] };
  return defineExercise({
    id: s.id, title: `Backward of a ${s.name} layer`, file: layerFile, exportName: s.exportName, points: 1,
    description: `Forward: A = ${s.name}(Z) elementwise, cache { ${s.cacheKey} } (${s.cacheKey === "z" ? "the input Z" : "the output A"}). Given dA = ∂L/∂A, return dZ = ∂L/∂Z.${s.kink ? " At z = 0 either one-sided derivative is accepted." : ""}`,
    visible: [
      { label: "2×2", args: s.cacheKey === "z" ? [[[1, -2], [0.5, 3]], { z: [[0.7, -0.3], [-1.2, 0.4]] }] : [[[1, -2], [0.5, 3]], { a: [[0.7, -0.3], [-0.2, 0.4]].map((r) => r.map(s.f)) }] },
      ...(s.kink ? [kinkCase] : []),
    ],
    // one row, one column, square, neither; z away from relu's kink, with units on both sides of it
    hidden: MATRIX_SHAPES.map((shape) => (rng: Rng): Json[] => {
      const [d, m] = shape(rng);
      for (;;) {
        const z = mapM(randomMatrix(rng, d, m), (v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
        if (!(z.flat().some((v) => v > 0) && z.flat().some((v) => v < 0))) continue;
        const cache: Json = s.cacheKey === "z" ? { z } : { a: mapM(z, s.f) };
        return [randomMatrix(rng, d, m), cache];
      }
    }),
    oracle: (args) => {
      const dA = flat(matrix(args[0], "dA"));
      const stored = cached(args, s.cacheKey);
      // recover z from the cache: relu stores z; sigmoid/tanh store a = f(z), inverted here
      const inv = s.name === "sigmoid" ? (a: number) => Math.log(a / (1 - a)) : s.name === "tanh" ? Math.atanh : (z: number) => z;
      if (s.kink && stored.some((r) => r.includes(0))) {
        // at relu's kink either one-sided derivative is right: relu′(0) = 0 or relu′(0) = 1
        const side = (eps: number) => fdVjp((ins) => ins[0]!.map(s.f), [flat(mapM(stored, (v) => (v === 0 ? eps : v)))], 0, dA.values);
        return { bare: true, expected: { dZ: side(-1e-3) }, alternatives: [{ dZ: side(1e-3) }] };
      }
      const Z = flat(mapM(stored, inv));
      return { bare: true, expected: { dZ: fdVjp((ins) => ins[0]!.map(s.f), [Z], 0, dA.values) } };
    },
    mistakes: [
      { id: "forgot-fprime", feedback: `dA was passed through unchanged: multiply it elementwise by ${s.name}′ at each unit`, output: (args) => matrix(args[0], "dA") },
      ...(s.extra ?? []),
    ],
  });
}

/** Softmax cross-entropy's arguments: the scores Z (C × M, also flat row-major as f) and the labels y. */
function ceArgs(args: Json[]): { Z: Rows; y: number[]; c: number; m: number; f: Float64Array } {
  const Z = matrix(args[0], "Z"), y = args[1];
  if (!Array.isArray(y) || !y.every((v): v is number => typeof v === "number")) throw new Error("y is not a list of class indices");
  return { Z, y, c: Z.length, m: colCount(Z), f: Float64Array.from(Z.flat()) };
}

const softmaxCe = defineExercise({
  id: "softmax-ce-backward", title: "Backward of softmax cross-entropy (batch mean)", file: layerFile, exportName: "softmaxCrossEntropyBackward", points: 2,
  description: "L = (1/M) Σ_m −ln softmax(z_m)_{y_m}, with scores Z (C × M, one column per example) and class indices y (length M). Return dZ = ∂L/∂Z.",
  visible: [{ label: "3 classes, batch of 2", args: [[[1, -0.5], [2, 0.3], [0.1, 1.2]], [1, 2]] }],
  hidden: CLASS_SHAPES.map((shape) => (rng: Rng): Json[] => { const [c, m] = shape(rng); return [randomMatrix(rng, c, m), Array.from({ length: m }, () => rng.int(c))]; }),
  oracle: (args) => {
    const { Z, y, c, m } = ceArgs(args);
    const loss = (z: Float64Array) => { let s = 0; for (const [j, label] of y.entries()) s -= Math.log(softmaxCol(z, c, m, j)[label]!); return [s / m]; };
    return { bare: true, expected: { dZ: fdVjp((ins) => loss(ins[0]!), [flat(Z)], 0, [1]) } };
  },
  mistakes: [
    { id: "forgot-batch-mean", feedback: "the loss is the MEAN over the batch: dZ needs the 1/M factor", output: (args) => {
      const { Z, y, c, m, f } = ceArgs(args);
      return m === 1 ? null : mapM(Z, (_, i, j) => softmaxCol(f, c, m, j)[i]! - (y[j] === i ? 1 : 0));
    } },
    { id: "divided-by-batch-twice", feedback: "the 1/M of the batch mean is applied twice", output: (args) => {
      const { Z, y, c, m, f } = ceArgs(args);
      return m === 1 ? null : mapM(Z, (_, i, j) => (softmaxCol(f, c, m, j)[i]! - (y[j] === i ? 1 : 0)) / (m * m));
    } },
    { id: "softmax-wrong-axis", feedback: "softmax normalises each COLUMN (one example's scores over the classes), not each row", output: (args) => {
      const { Z, y, m } = ceArgs(args); const P = softmaxRows(Z);
      return P && mapM(P, (p, i, j) => (p - (y[j] === i ? 1 : 0)) / m);
    } },
  ],
});

/** Exercise 08. */
export const LAYER_BACKWARD_EXERCISES: Exercise[] = [
  linearBackward,
  actLayer({
    id: "relu-layer-backward", exportName: "reluLayerBackward", name: "relu", cacheKey: "z", f: ACTIVATIONS.relu.f, kink: true,
    extra: [{ id: "masked-by-gradient", feedback: "the mask comes from the cached input (where z > 0), not from the sign of the upstream gradient dA", output: (args) => mapM(matrix(args[0], "dA"), (g) => Math.max(0, g)) }],
  }),
  actLayer({
    id: "sigmoid-layer-backward", exportName: "sigmoidLayerBackward", name: "sigmoid", cacheKey: "a", f: ACTIVATIONS.sigmoid.f,
    extra: [{ id: "used-a-for-z", feedback: "the cache holds the OUTPUT a = σ(z): σ′ = a(1 − a), do not apply σ to it again", output: (args) => { const dA = matrix(args[0], "dA"); return mapM(cached(args, "a"), (a, i, j) => entry(dA, i, j) * ACTIVATIONS.sigmoid.df(a)); } }],
  }),
  actLayer({
    id: "tanh-layer-backward", exportName: "tanhLayerBackward", name: "tanh", cacheKey: "a", f: ACTIVATIONS.tanh.f,
    extra: [{ id: "used-a-for-z", feedback: "the cache holds the OUTPUT a = tanh(z): tanh′ = 1 − a², do not apply tanh to it again", output: (args) => { const dA = matrix(args[0], "dA"); return mapM(cached(args, "a"), (a, i, j) => entry(dA, i, j) * ACTIVATIONS.tanh.df(a)); } }],
  }),
  softmaxCe,
];
