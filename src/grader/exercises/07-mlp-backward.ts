/**
 * Exercise 07 (exercises/07-mlp-backward.ts): the full backward pass of a matrix MLP with weight decay. Hidden layers use
 * one activation, the output is linear, J = (1/M) Σ_m ½‖a^L_m − y_m‖² + (λ/2) Σ_l ‖W^(l)‖²
 * (no decay on biases). The oracle perturbs every parameter in the trusted forward.
 */
import type { Rng } from "../../engine/random";
import type { CaseVerdict, Exercise, Json } from "../contract";
import { agrees, defineExercise, fdVjp, judgeGradients, randomMatrix, readTensor, shapeOf, type GradientSpec, type Mistake, type GradTensor } from "../judge";
import { ACTIVATIONS, type Act } from "./activations";
import { colCount, entry, mapM, matmul, matT, weightShapes } from "./rows";

type M2 = number[][];
/** A case's arguments, and M, the number of examples (columns of X). */
interface Args { W: M2[]; b: number[][]; X: M2; Y: M2; act: Act; lambda: number; M: number }
const read = (a: Json[]): Args => {
  const [{ W, b }, X, Y, act, lambda] = a as [{ W: M2[]; b: number[][] }, M2, M2, Act, number];
  return { W, b, X, Y, act, lambda, M: colCount(X) };
};

/** The trusted forward in rows: every z^l and a^l (a^0 = X), hidden layers through `act`, a linear output. */
function forward(W: M2[], b: number[][], X: M2, act: Act): { zs: M2[]; as: M2[] } {
  const zs: M2[] = [], as: M2[] = [X];
  let a = X;
  W.forEach((w, l) => {
    const bias = b[l]!;
    const z = mapM(matmul(w, a), (v, i) => v + bias[i]!);
    a = l === W.length - 1 ? z : z.map((r) => r.map(ACTIVATIONS[act].f));
    zs.push(z);
    as.push(a);
  });
  return { zs, as };
}

/** Trusted forward: the regularised mean loss. */
function cost(W: M2[], b: number[][], X: M2, Y: M2, act: Act, lambda: number): number {
  const { as } = forward(W, b, X, act);
  const M = colCount(X);
  let J = 0;
  as[W.length]!.forEach((r, i) => r.forEach((v, m) => (J += 0.5 * (v - entry(Y, i, m)) ** 2)));
  J /= M;
  for (const w of W) for (const r of w) for (const v of r) J += 0.5 * lambda * v * v;
  return J;
}

type Slip = "no-decay" | "half-decay" | "decay-over-M" | "decay-bias" | "no-fprime" | "no-M" | "twice-M" | "transposed-dW" | "bias-per-example" | "a-for-z" | "wrong-layer-input";
/** Analytic backward with one deliberate slip, used only to recognise that slip. */
function slipped(p: Args, slip: Slip): Json {
  const { W, b, X, Y, act, lambda, M } = p;
  const { zs, as } = forward(W, b, X, act);
  const L = W.length;
  const scale = slip === "twice-M" ? 1 / (M * M) : slip === "no-M" ? 1 : 1 / M;
  let delta = mapM(as[L]!, (v, i, m) => (v - entry(Y, i, m)) * scale);
  const dW: M2[] = [], db: number[][] = [];
  const dbPerExample: M2[] = [];
  for (let l = L - 1; l >= 0; l--) {
    const Wl = W[l]!, aIn = as[l]!;
    // the input of layer l+1 is a^l (as[l]); the slip uses the layer's own output instead
    const input = slip === "wrong-layer-input" ? as[l + 1]! : aIn;
    const outer = slip === "transposed-dW" ? matmul(input, matT(delta)) : matmul(delta, matT(input));
    const decay = slip === "no-decay" ? null : slip === "transposed-dW" ? matT(Wl) : Wl;
    const rate = slip === "half-decay" ? lambda / 2 : slip === "decay-over-M" ? lambda / M : lambda;
    dW[l] = outer.map((r, i) => r.map((v, k) => {
      const w = decay?.[i]?.[k];
      return v + (w !== undefined ? rate * w : 0);
    }));
    const bias = b[l]!;
    db[l] = delta.map((r, i) => r.reduce((s, v) => s + v, 0) + (slip === "decay-bias" ? lambda * bias[i]! : 0));
    dbPerExample[l] = delta.map((r) => [...r]);
    if (l > 0) {
      const back = matmul(matT(Wl), delta);
      // f′ at z^l, the pre-activation of a^l; the slip evaluates it at a^l itself
      const fprimeAt = slip === "a-for-z" ? aIn : zs[l - 1]!;
      delta = slip === "no-fprime" ? back : mapM(back, (v, i, m) => v * ACTIVATIONS[act].df(entry(fprimeAt, i, m)));
    }
  }
  return slip === "bias-per-example" ? { dW, db: dbPerExample } : { dW, db };
}

const slips: Mistake[] = [
  { id: "forgot-weight-decay", feedback: "the (λ/2)‖W‖² term contributes λW to every ∂J/∂W", output: (a) => (read(a).lambda === 0 ? null : slipped(read(a), "no-decay")) },
  { id: "half-weight-decay", feedback: "the derivative of (λ/2)‖W‖² is λW: the ½ cancels against the 2 from the square", output: (a) => (read(a).lambda === 0 ? null : slipped(read(a), "half-decay")) },
  { id: "decay-divided-by-batch", feedback: "the decay term (λ/2)‖W‖² is added once, outside the batch mean: its gradient λW is not divided by M", output: (a) => (read(a).lambda === 0 || read(a).M === 1 ? null : slipped(read(a), "decay-over-M")) },
  { id: "decay-on-bias", feedback: "weight decay applies to the weights only, not to the biases", output: (a) => (read(a).lambda === 0 ? null : slipped(read(a), "decay-bias")) },
  { id: "forgot-fprime", feedback: "the hidden deltas are missing the factor f′(z^l)", output: (a) => slipped(read(a), "no-fprime") },
  { id: "divided-by-batch-twice", feedback: "the 1/M of the batch mean is applied twice", output: (a) => (read(a).M === 1 ? null : slipped(read(a), "twice-M")) },
  { id: "forgot-batch-mean", feedback: "J averages over the batch: the data term of every gradient needs the 1/M factor", output: (a) => (read(a).M === 1 ? null : slipped(read(a), "no-M")) },
  { id: "transposed-dW", feedback: "each ∂J/∂W^l must have the shape of W^l (d_l × d_(l−1)): the outer product is the wrong way round", output: (a) => slipped(read(a), "transposed-dW") },
  { id: "bias-not-summed", feedback: "each ∂J/∂b^l must be summed over the batch: one number per unit, not one per example", output: (a) => (read(a).M === 1 ? null : slipped(read(a), "bias-per-example")) },
  { id: "used-a-for-z", feedback: "f′ was evaluated at the activations a^l; the hidden deltas need it at the pre-activations z^l", output: (a) => (read(a).act === "relu" ? null : slipped(read(a), "a-for-z")) },
  { id: "off-by-one-layer", feedback: "∂J/∂W^l multiplies δ^l by the INPUT of layer l, a^(l−1), not by its output: check the layer index", output: (a) => slipped(read(a), "wrong-layer-input") },
];

/** One family of hidden networks: the activation, the layer sizes [d_0, …, d_L], the batch size and λ, each drawn. */
interface NetFamily { act: Act; sizes: (rng: Rng) => number[]; M: (rng: Rng) => number; lambda: number }
const between = (lo: number, hi: number) => (rng: Rng): number => lo + rng.int(hi - lo + 1);

/**
 * The hidden networks: every activation; two and three layers; one output and several; one input
 * and several; a square and a non-square W; one example and a batch; λ = 0 and λ > 0. Where λ > 0
 * the batch has 3 or 4 examples, so decay divided by M differs from half the decay.
 */
const NET_FAMILIES: readonly NetFamily[] = [
  { act: "relu", sizes: (r) => [2 + r.int(2), 2 + r.int(3), 2 + r.int(2), 2 + r.int(2)], M: between(3, 4), lambda: 0.1 },
  { act: "tanh", sizes: (r) => [1, 2 + r.int(3), 1], M: () => 1, lambda: 0 },
  { act: "sigmoid", sizes: (r) => { const d = 2 + r.int(2); return [d, d, 1]; }, M: between(3, 4), lambda: 0.1 },
  { act: "tanh", sizes: (r) => [1 + r.int(3), 2 + r.int(3), 2 + r.int(2), 2], M: between(2, 4), lambda: 0.01 },
  { act: "sigmoid", sizes: (r) => [1 + r.int(3), 2 + r.int(3), ...(r.next() < 0.5 ? [2 + r.int(2)] : []), 1 + r.int(2)], M: between(1, 4), lambda: 0 },
];

/** The hidden layers' pre-activations z^1 … z^(L−1), every entry of every example. */
const hiddenPreActivations = (W: M2[], b: number[][], X: M2, act: Act): number[] => forward(W, b, X, act).zs.slice(0, -1).flat(2);

/**
 * One network of a family. With relu the pre-activations stay away from the kink (so relu′(0)
 * conventions never matter) and some units are off while others are on, so relu′ = 0 shows.
 */
function familyArgs(rng: Rng, fam: NetFamily): Json[] {
  for (;;) {
    const sizes = fam.sizes(rng);
    const M = fam.M(rng);
    const W = weightShapes(sizes).map(([d, n]) => randomMatrix(rng, d, n, 0.8));
    const b = sizes.slice(1).map((d) => Array.from({ length: d }, () => rng.normal(0, 0.3)));
    const X = randomMatrix(rng, sizes[0]!, M);
    const Y = randomMatrix(rng, sizes[sizes.length - 1]!, M);
    if (fam.act === "relu") {
      const z = hiddenPreActivations(W, b, X, fam.act);
      if (z.some((v) => Math.abs(v) < 0.05) || !z.some((v) => v < 0) || !z.some((v) => v > 0)) continue;
    }
    return [{ W, b }, X, Y, fam.act, fam.lambda];
  }
}

const base = defineExercise({
  id: "mlp-backward",
  title: "Full backward pass of a matrix MLP with weight decay",
  file: "07-mlp-backward.ts",
  exportName: "mlpBackward",
  points: 4,
  description:
    "Layers z^l = W^l a^(l−1) + b^l; hidden activation f, linear output; a^0 = X (d_0 × M). J = (1/M) Σ_m ½‖a^L_m − y_m‖² + (λ/2) Σ_l ‖W^l‖². Return { dW: [∂J/∂W^1, …], db: [∂J/∂b^1, …] }.",
  visible: [
    {
      // a batch of 3, not 2: at M = 2 weight decay divided by M is the same number as half the decay
      label: "2-3-1 tanh, batch of 3, λ = 0.1",
      args: [{ W: [[[0.5, -0.3], [0.8, 0.2], [-0.6, 0.9]], [[1, -1.2, 0.4]]], b: [[0.1, -0.1, 0.2], [0.05]] }, [[1, -0.5, 0.7], [0.3, 2, -1.1]], [[0.4, -0.2, 0.9]], "tanh", 0.1],
    },
  ],
  hidden: NET_FAMILIES.map((fam) => (rng: Rng) => familyArgs(rng, fam)),
  oracle: (a) => mlpOracle(a),
  mistakes: slips,
});

/** The oracle: ∂J/∂W^l and ∂J/∂b^l by central differences of the regularised cost. */
function mlpOracle(args: Json[]): GradientSpec {
  const p = read(args);
  const L = p.W.length;
  const ins: GradTensor[] = [
    ...p.W.map((w): GradTensor => ({ shape: [w.length, colCount(w)], values: Float64Array.from(w.flat()) })),
    ...p.b.map((v): GradTensor => ({ shape: [v.length], values: Float64Array.from(v) })),
  ];
  const fwd = (vs: Float64Array[]): number[] => {
    const W = p.W.map((w, l) => w.map((r, i) => Array.from(vs[l]!.subarray(i * r.length, (i + 1) * r.length))));
    const b = p.b.map((_, l) => Array.from(vs[L + l]!));
    return [cost(W, b, p.X, p.Y, p.act, p.lambda)];
  };
  const expected: Record<string, GradTensor> = {};
  for (let l = 0; l < L; l++) expected[`dW[${l + 1}]`] = fdVjp(fwd, ins, l, [1]);
  for (let l = 0; l < L; l++) expected[`db[${l + 1}]`] = fdVjp(fwd, ins, L + l, [1]);
  return { expected };
}

/** { dW: [W¹, …], db: [b¹, …] } → { "dW[1]": W¹, …, "db[1]": b¹, … }, the keys the shared judge compares. */
function flatten(x: { dW: unknown[]; db: unknown[] }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  x.dW.forEach((w, l) => (out[`dW[${l + 1}]`] = w));
  x.db.forEach((b, l) => (out[`db[${l + 1}]`] = b));
  return out;
}

/** The slips in the same per-layer form, so one layer's slip is named even when another layer is wrong too. */
const flatSlips: Mistake[] = slips.map((m) => ({
  ...m,
  output: (a) => {
    const w = m.output(a) as { dW: Json[]; db: Json[] } | null;
    return w === null ? null : (flatten(w) as { [k: string]: Json });
  },
}));

/**
 * Is this the right answer with the first or the last layer left out? Only then is a wrong layer
 * count evidence of an off-by-one loop; a hard-coded answer or a different mistake gets the count alone.
 */
function droppedALayer(oracle: GradientSpec, dW: unknown[], db: unknown[], L: number): boolean {
  if (dW.length !== L - 1 || db.length !== L - 1 || L < 2) return false;
  const same = (x: unknown, key: string): boolean => {
    const want = oracle.expected[key]!;
    const got = readTensor(x, want.shape, key);
    return typeof got !== "string" && agrees(got.values, want.values);
  };
  const fits = (offset: number): boolean => dW.every((w, i) => same(w, `dW[${i + 1 + offset}]`)) && db.every((v, i) => same(v, `db[${i + 1 + offset}]`));
  return fits(0) || fits(1);
}

/** Check the outer structure here (layer count), then judge every layer's dW and db with the shared judge. */
function judgeMlp(args: Json[], output: unknown): CaseVerdict {
  const L = read(args).W.length;
  const o = output as { dW?: unknown; db?: unknown } | null;
  if (o === null || typeof o !== "object" || !Array.isArray(o.dW) || !Array.isArray(o.db)) {
    return { score: 0, feedback: `return { dW: [one matrix per layer], db: [one vector per layer] }, not ${shapeOf(output)}` };
  }
  if (o.dW.length !== L || o.db.length !== L) {
    const count = `the network has ${L} layers: return ${L} entries in dW and in db (got ${o.dW.length} and ${o.db.length})`;
    return droppedALayer(mlpOracle(args), o.dW, o.db, L)
      ? { score: 0, feedback: `${count}; the layers returned are right but one is missing: check the loop's first and last layer`, diagnosis: "off-by-one-layer" }
      : { score: 0, feedback: count };
  }
  return judgeGradients(mlpOracle(args), flatten({ dW: o.dW, db: o.db }), args, flatSlips);
}

/** Exercise 07. */
export const MLP_EXERCISES: Exercise[] = [{ ...base, judge: (c, out) => judgeMlp(c.args, out) }];
