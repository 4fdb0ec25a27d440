/**
 * Exercise 06 (exercises/06-layer-gradients.ts): a layer's parameter gradients for a batch. Matrices
 * are plain rows; a batch is the COLUMNS (d × M). The oracle is central differences of the trusted
 * forward Z = W A + b 1ᵀ under the batch-mean loss.
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, fromJson, randomMatrix, type GradTensor } from "../judge";
import { LAYER_SIZES, mapM, matmul, matrix, matT, rowSums } from "./rows";

/** (1/M) δ Aᵀ and (1/M) δ 1 computed by the wrong-answer models. */
const scaled = (a: number[][], c: number): number[][] => mapM(a, (v) => v * c);

const layerGradients = defineExercise({
  id: "layer-gradients",
  title: "Parameter gradients of a layer for a batch",
  file: "06-layer-gradients.ts",
  exportName: "layerGradients",
  points: 2,
  description:
    "z_m = W a_m + b for each example, and the loss is the batch mean L = (1/M) Σ_m ℓ_m. Given δ (d × M, column m is the per-example ∂ℓ_m/∂z_m) and the layer's inputs A (n × M), return { dW: ∂L/∂W (d × n), db: ∂L/∂b (length d) }.",
  visible: [
    { label: "d=2, n=3, one example", args: [[[0.5], [-1]], [[1], [2], [-0.5]]] },
    { label: "d=2, n=2, batch of 3", args: [[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[1, 2, 3], [-1, 0.5, 2]]] },
  ],
  // dW square, one row, one column and one example, neither; the other families have a batch
  hidden: LAYER_SIZES.map((sizes) => (rng: Rng): Json[] => {
    const [d, n, m] = sizes(rng);
    return [randomMatrix(rng, d, m), randomMatrix(rng, n, m)];
  }),
  oracle: (args) => {
    const delta = fromJson(matrix(args[0], "δ"));
    const A = fromJson(matrix(args[1], "A"));
    const [d, m] = delta.shape as [number, number];
    const n = A.shape[0]!;
    // trusted forward: Z = W A + b 1ᵀ; upstream ∂L/∂Z = δ / M for the mean loss
    const forward = (ins: Float64Array[]): Float64Array => {
      const w = ins[0]!, b = ins[1]!;
      const z = new Float64Array(d * m);
      for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) {
        let s = b[i]!;
        for (let k = 0; k < n; k++) s += w[i * n + k]! * A.values[k * m + j]!;
        z[i * m + j] = s;
      }
      return z;
    };
    const W: GradTensor = { shape: [d, n], values: new Float64Array(d * n).map((_, i) => Math.sin(i + 1)) };
    const b: GradTensor = { shape: [d], values: new Float64Array(d) };
    const up = delta.values.map((v) => v / m);
    return { expected: { dW: fdVjp(forward, [W, b], 0, up), db: fdVjp(forward, [W, b], 1, up) } };
  },
  mistakes: [
    {
      id: "transposed-dW",
      feedback: "dW has the shape of W (d_out × d_in): the outer product is the wrong way round",
      output: (args) => {
        const [delta, A] = [matrix(args[0], "δ"), matrix(args[1], "A")];
        const m = delta[0]!.length;
        return { dW: scaled(matmul(A, matT(delta)), 1 / m), db: rowSums(delta).map((v) => v / m) };
      },
    },
    {
      id: "bias-not-summed",
      feedback: "db must be summed (averaged) over the batch: one number per unit, not one per example",
      output: (args) => {
        const [delta, A] = [matrix(args[0], "δ"), matrix(args[1], "A")];
        const m = delta[0]!.length;
        return m === 1 ? null : { dW: scaled(matmul(delta, matT(A)), 1 / m), db: scaled(delta, 1 / m) };
      },
    },
    {
      id: "divided-by-batch-twice",
      feedback: "the 1/M of the batch mean is applied twice",
      output: (args) => {
        const [delta, A] = [matrix(args[0], "δ"), matrix(args[1], "A")];
        const m = delta[0]!.length;
        return m === 1 ? null : { dW: scaled(matmul(delta, matT(A)), 1 / (m * m)), db: rowSums(delta).map((v) => v / (m * m)) };
      },
    },
    {
      id: "forgot-batch-mean",
      feedback: "the loss is the MEAN over the batch: the gradients need the 1/M factor",
      output: (args) => {
        const [delta, A] = [matrix(args[0], "δ"), matrix(args[1], "A")];
        return delta[0]!.length === 1 ? null : { dW: matmul(delta, matT(A)), db: rowSums(delta) };
      },
    },
  ],
});

/** Exercise 06. */
export const LAYER_GRADIENT_EXERCISES: Exercise[] = [layerGradients];
