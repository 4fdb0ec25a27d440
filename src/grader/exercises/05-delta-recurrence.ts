/**
 * Exercise 05 (exercises/05-delta-recurrence.ts): one step of the δ recurrence. Matrices are plain
 * rows; a batch is the COLUMNS (d × M). The oracle is central differences of the trusted forward
 * z^(l+1) = W^(l+1) f(z^l).
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, fromJson, randomMatrix } from "../judge";
import { ACTIVATIONS, type Act } from "./activations";
import { hadamard, mapM, matmul, matrix, matT } from "./rows";

const act = (x: Json | undefined): Act => {
  if (x === "sigmoid" || x === "tanh" || x === "relu") return x;
  throw new Error("unknown activation");
};


const ACTS: readonly Act[] = ["sigmoid", "tanh", "relu"];
/**
 * One hidden family: activation `fixed` (or any), sizes [d_(l+1), d_l, M] from `sizes`; z is kept
 * away from relu's kink (so relu′(0) conventions never matter) and has units on both sides of it.
 */
const stepFamily = (fixed: Act | null, sizes: (rng: Rng) => [number, number, number]) => (rng: Rng): Json[] => {
  const f = fixed ?? ACTS[rng.int(ACTS.length)]!;
  const [dOut, dIn, m] = sizes(rng);
  for (;;) {
    const z = randomMatrix(rng, dIn, m, 1.2).map((r) => r.map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)));
    const flat = z.flat();
    if (dIn * m > 1 && !(flat.some((v) => v > 0) && flat.some((v) => v < 0))) continue;
    return [randomMatrix(rng, dOut, dIn), randomMatrix(rng, dOut, m), z, f];
  }
};

const deltaStep = defineExercise({
  id: "delta-recurrence",
  title: "One step of the δ recurrence",
  file: "05-delta-recurrence.ts",
  exportName: "deltaStep",
  points: 2,
  description:
    "a^l = f(z^l), z^(l+1) = W^(l+1) a^l + b^(l+1). Given W^(l+1) (d_{l+1} × d_l), δ^(l+1) = ∂L/∂z^(l+1) (d_{l+1} × M), z^l (d_l × M) and the name of f, return δ^l = ∂L/∂z^l (d_l × M).",
  visible: [
    { label: "2×3 W, one example, sigmoid", args: [[[0.5, -1, 2], [1.5, 0.3, -0.4]], [[0.2], [-0.6]], [[0.4], [-1.2], [0.9]], "sigmoid"] },
    { label: "2×2 W, batch of 2, tanh", args: [[[1, -2], [0.5, 3]], [[0.1, -0.3], [0.7, 0.2]], [[0.3, -0.8], [1.1, 0.25]], "tanh"] },
    { label: "002 practice problem 4 (relu with a z exactly at the kink: either relu′(0) is accepted)", args: [[[1, 2, 3], [-1, 0, 1]], [[0.5], [-0.3]], [[1], [-2], [0]], "relu"] },
    { label: "3×2 W, batch of 3, relu", args: [[[1, -1], [0.5, 2], [-1.5, 0.25]], [[0.3, -0.2, 1], [0.1, 0.4, -0.5], [-0.7, 0.6, 0.2]], [[0.6, -0.4, 1.3], [-0.9, 0.8, 0.35]], "relu"] },
  ],
  // every activation; W square, one row, one column and neither; one example and a batch
  hidden: [
    stepFamily("sigmoid", (r) => { const d = 2 + r.int(3); return [d, d, 2 + r.int(3)]; }),
    stepFamily("tanh", (r) => [1, 2 + r.int(3), 1]),
    stepFamily("relu", (r) => [2 + r.int(3), 1, 2 + r.int(3)]),
    stepFamily("relu", (r) => { for (;;) { const [o, i] = [2 + r.int(3), 2 + r.int(3)]; if (o !== i) return [o, i, 1 + r.int(4)]; } }),
    stepFamily(null, (r) => { for (;;) { const [o, i, m] = [1 + r.int(4), 1 + r.int(4), 1 + r.int(4)]; if (i * m > 1) return [o, i, m]; } }),
  ],
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

/** Exercise 05. */
export const DELTA_RECURRENCE_EXERCISES: Exercise[] = [deltaStep];
