/**
 * Exercise groups 05 and 06: one step of the δ recurrence and a layer's parameter gradients for a
 * batch. Matrices are plain rows; a batch is the COLUMNS (d × M). Oracles are central differences
 * of the trusted forward z^(l+1) = W^(l+1) f(z^l) + b and of Z = W A + b 1ᵀ with the mean loss.
 */
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, fromJson, randomMatrix, toJson, type GradTensor } from "../judge";
import { ACTIVATIONS, type Act } from "./activations";


const matrix = (x: Json | undefined, what: string): number[][] => {
  if (!Array.isArray(x) || !x.every((r) => Array.isArray(r) && r.every((v) => typeof v === "number"))) throw new Error(`${what} is not a matrix`);
  return x as number[][];
};
const act = (x: Json | undefined): Act => {
  if (x === "sigmoid" || x === "tanh" || x === "relu") return x;
  throw new Error("unknown activation");
};

/** Wᵀ·δ as plain rows (used by the wrong-answer models only). */
const matT = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((r) => r[j]!));
const matmul = (a: number[][], b: number[][]): number[][] =>
  a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const hadamard = (a: number[][], b: number[][]): number[][] => a.map((r, i) => r.map((v, j) => v * b[i]![j]!));
const mapM = (a: number[][], f: (v: number) => number): number[][] => a.map((r) => r.map(f));

/** z kept away from relu's kink so relu′(0) conventions never matter. */
const zMatrix = (rows: number, cols: number, draw: () => number): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => { const v = draw(); return Math.abs(v) < 0.05 ? v + 0.1 : v; }));

const deltaStep = defineExercise({
  id: "delta-recurrence",
  title: "One step of the δ recurrence",
  file: "05-delta-recurrence.ts",
  exportName: "deltaStep",
  points: 2,
  description:
    "Given W^(l+1) (d_{l+1} × d_l), δ^(l+1) (d_{l+1} × M), z^l (d_l × M) and the activation f of layer l, return δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l).",
  visible: [
    { label: "2×3 W, one example, sigmoid", args: [[[0.5, -1, 2], [1.5, 0.3, -0.4]], [[0.2], [-0.6]], [[0.4], [-1.2], [0.9]], "sigmoid"] },
    { label: "2×2 W, batch of 2, tanh", args: [[[1, -2], [0.5, 3]], [[0.1, -0.3], [0.7, 0.2]], [[0.3, -0.8], [1.1, 0.25]], "tanh"] },
    { label: "002 practice problem 4 (relu with a z exactly at the kink: either relu′(0) is accepted)", args: [[[1, 2, 3], [-1, 0, 1]], [[0.5], [-0.3]], [[1], [-2], [0]], "relu"] },
    { label: "3×2 W, batch of 3, relu", args: [[[1, -1], [0.5, 2], [-1.5, 0.25]], [[0.3, -0.2, 1], [0.1, 0.4, -0.5], [-0.7, 0.6, 0.2]], [[0.6, -0.4, 1.3], [-0.9, 0.8, 0.35]], "relu"] },
  ],
  hidden: (rng) => {
    const [dOut, dIn, m] = [1 + rng.int(4), 1 + rng.int(4), 1 + rng.int(4)];
    return [randomMatrix(rng, dOut, dIn), randomMatrix(rng, dOut, m), zMatrix(dIn, m, () => rng.normal(0, 1.2)), (["sigmoid", "tanh", "relu"] as const)[rng.int(3)]!];
  },
  oracle: (args) => {
    const W = fromJson(matrix(args[0], "W"));
    const deltaNext = fromJson(matrix(args[1], "δ^(l+1)"));
    const zRaw = matrix(args[2], "z^l");
    const kink = act(args[3]) === "relu" && zRaw.some((r) => r.includes(0));
    // at relu's kink either convention is right: evaluate just below (relu′ = 0) and just above (relu′ = 1)
    const shifted = (eps: number) => fromJson(zRaw.map((r) => r.map((v) => (v === 0 ? eps : v))));
    const z = kink ? shifted(-1e-3) : fromJson(zRaw);
    const f = ACTIVATIONS[act(args[3])].f;
    const [dOut, dIn] = W.shape as [number, number];
    const m = z.shape[1]!;
    // trusted forward: z^(l+1) = W f(z^l) (the bias does not change the derivative)
    const forward = (ins: Float64Array[]): Float64Array => {
      const w = ins[0]!, zz = ins[1]!;
      const out = new Float64Array(dOut * m);
      for (let i = 0; i < dOut; i++) for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < dIn; k++) s += w[i * dIn + k]! * f(zz[k * m + j]!);
        out[i * m + j] = s;
      }
      return out;
    };
    const expected = { "δ^l": fdVjp(forward, [W, z], 1, deltaNext.values) };
    if (!kink) return { bare: true, expected };
    return { bare: true, expected, alternatives: [{ "δ^l": fdVjp(forward, [W, shifted(1e-3)], 1, deltaNext.values) }] };
  },
  mistakes: [
    {
      id: "forgot-fprime",
      feedback: "the factor f′(z^l) is missing: the error must pass back through layer l's activation",
      output: (args) => matmul(matT(matrix(args[0], "W")), matrix(args[1], "δ")),
    },
    {
      id: "used-a-for-z",
      feedback: "f′ was evaluated at the activation a^l = f(z^l); it needs the pre-activation z^l",
      output: (args) => {
        const a = ACTIVATIONS[act(args[3])];
        return hadamard(matmul(matT(matrix(args[0], "W")), matrix(args[1], "δ")), mapM(mapM(matrix(args[2], "z"), a.f), a.df));
      },
    },
    {
      id: "not-transposed",
      feedback: "the weights must be transposed to send δ^(l+1) back from layer l+1 to layer l",
      output: (args) => {
        const W = matrix(args[0], "W");
        if (W.length !== W[0]!.length) return null;
        return hadamard(matmul(W, matrix(args[1], "δ")), mapM(matrix(args[2], "z"), ACTIVATIONS[act(args[3])].df));
      },
    },
  ],
});

/** (1/M) δ Aᵀ and (1/M) δ 1 computed by the wrong-answer models. */
const scaled = (a: number[][], c: number): number[][] => mapM(a, (v) => v * c);
const rowSums = (a: number[][]): number[] => a.map((r) => r.reduce((s, v) => s + v, 0));

const layerGradients = defineExercise({
  id: "layer-gradients",
  title: "Parameter gradients of a layer for a batch",
  file: "06-layer-gradients.ts",
  exportName: "layerGradients",
  points: 2,
  description:
    "The loss is the batch mean L = (1/M) Σ_m ℓ_m. Given δ (d × M, column m is ∂ℓ_m/∂z_m) and the previous activations A (n × M), return { dW, db } with ∂L/∂W = (1/M) δ Aᵀ (d × n) and ∂L/∂b = (1/M) Σ_m δ_m (a vector of length d).",
  visible: [
    { label: "d=2, n=3, one example", args: [[[0.5], [-1]], [[1], [2], [-0.5]]] },
    { label: "d=2, n=2, batch of 3", args: [[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [[1, 2, 3], [-1, 0.5, 2]]] },
  ],
  hidden: (rng) => {
    const [d, n, m] = [1 + rng.int(4), 1 + rng.int(4), 2 + rng.int(4)];
    return [randomMatrix(rng, d, m), randomMatrix(rng, n, m)];
  },
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

void toJson;
/** Groups 05 and 06. */
export const LAYER_EXERCISES: Exercise[] = [deltaStep, layerGradients];
