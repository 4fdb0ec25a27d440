/**
 * Exercise 03 (exercises/03-toy-chain.ts): 004's toy chain network f_0 = β_0 + ω_0 x, h_k = a[f_(k−1)],
 * f_k = β_k + ω_k h_k (k = 1..3), ℓ = (f_3 − y)². The student returns every intermediate derivative
 * and the eight parameter derivatives; the oracle perturbs each quantity in the trusted forward.
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, type Mistake, type GradTensor } from "../judge";
import { ACTIVATIONS, type Act } from "./activations";


interface Pins { f?: [number, number]; h?: [number, number] }
/** Trusted forward; `pins` replaces one f_k or h_k to differentiate with respect to it. */
function toyLoss(x: number, y: number, beta: ArrayLike<number>, omega: ArrayLike<number>, act: Act, pins: Pins = {}): { loss: number; f: number[]; h: number[] } {
  const f: number[] = [];
  const h: number[] = [NaN];
  f[0] = beta[0]! + omega[0]! * x;
  if (pins.f?.[0] === 0) f[0] = pins.f[1];
  for (let k = 1; k <= 3; k++) {
    h[k] = ACTIVATIONS[act].f(f[k - 1]!);
    if (pins.h?.[0] === k) h[k] = pins.h[1];
    f[k] = beta[k]! + omega[k]! * h[k]!;
    if (pins.f?.[0] === k) f[k] = pins.f[1];
  }
  return { loss: (f[3]! - y) ** 2, f, h };
}

const args5 = (a: Json[]) => ({ x: a[0] as number, y: a[1] as number, beta: a[2] as number[], omega: a[3] as number[], act: a[4] as Act });
const sc = (v: number): GradTensor => ({ shape: [], values: Float64Array.of(v) });

/** The right structure computed with one slip, for diagnosis. */
function variant(a: Json[], slip: "no-fprime" | "a-at-h" | "off-by-one" | "no-factor-2"): Json {
  const { x, y, beta, omega, act } = args5(a);
  const { f, h } = toyLoss(x, y, beta, omega, act);
  const df = [0, 0, 0, 0];
  const dh = [0, 0, 0, 0];
  df[3] = (slip === "no-factor-2" ? 1 : 2) * (f[3]! - y);
  for (let k = 3; k >= 1; k--) {
    dh[k] = omega[k]! * df[k]!;
    const d = slip === "no-fprime" ? 1 : slip === "a-at-h" ? ACTIVATIONS[act].df(h[k]!) : ACTIVATIONS[act].df(f[k - 1]!);
    df[k - 1] = d * dh[k]!;
  }
  const input = (k: number): number => (k === 0 ? x : h[k]!);
  return {
    df,
    dh: dh.slice(1),
    dbeta: [...df],
    domega: df.map((d, k) => d * (slip === "off-by-one" ? (k < 3 ? h[k + 1]! : 1) : input(k))),
  };
}

const slips: Mistake[] = [
  { id: "missing-factor-2", feedback: "ℓ = (f_3 − y)² has no ½ in front: its derivative keeps the factor 2 from the square", output: (a) => variant(a, "no-factor-2") },
  { id: "forgot-fprime", feedback: "going from ∂ℓ/∂h_k to ∂ℓ/∂f_(k−1) needs the activation's derivative a′[f_(k−1)]", output: (a) => variant(a, "no-fprime") },
  { id: "used-a-for-z", feedback: "a′ must be evaluated at the pre-activation f_(k−1), not at h_k", output: (a) => variant(a, "a-at-h") },
  { id: "off-by-one-layer", feedback: "∂ℓ/∂ω_k multiplies ∂ℓ/∂f_k by the input of that layer (h_k, or x for k = 0): check the layer index", output: (a) => variant(a, "off-by-one") },
];

const awayFromKink = (v: number): boolean => Math.abs(v) > 0.05;
/** A hidden case with activation `act` whose pre-activations f_0..f_2 satisfy `want` (drawn until they do). */
const toyFamily = (act: Act, want: (f: number[]) => boolean) => (rng: Rng): Json[] => {
  for (;;) {
    const x = rng.uniform(-2, 2), y = rng.uniform(-1, 1);
    const beta = Array.from({ length: 4 }, () => rng.uniform(-0.5, 0.5));
    const omega = Array.from({ length: 4 }, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.4, 1.6));
    const { f } = toyLoss(x, y, beta, omega, act);
    if (want(f.slice(0, 3)) && Math.abs(f[3]! - y) > 0.1) return [x, y, beta, omega, act];
  }
};

const toyChain = defineExercise({
  id: "toy-chain",
  title: "Every derivative of the toy chain network",
  file: "03-toy-chain.ts",
  exportName: "toyChainBackward",
  points: 3,
  description:
    "f_0 = β_0 + ω_0 x, h_k = a[f_(k−1)], f_k = β_k + ω_k h_k (k = 1, 2, 3), ℓ = (f_3 − y)², one activation a for all three hidden units. Return { df: [∂ℓ/∂f_0..∂ℓ/∂f_3], dh: [∂ℓ/∂h_1..∂ℓ/∂h_3], dbeta: [∂ℓ/∂β_0..β_3], domega: [∂ℓ/∂ω_0..ω_3] }.",
  visible: [
    { label: "x=1.2, y=0.5, tanh", args: [1.2, 0.5, [0.1, -0.2, 0.3, 0.05], [0.8, -1.1, 0.9, 1.5], "tanh"] },
    { label: "x=-0.7, y=1, sigmoid", args: [-0.7, 1, [0.2, 0.1, -0.4, 0.3], [1.3, 0.7, -0.6, 2], "sigmoid"] },
    { label: "x=2, y=-1, relu", args: [2, -1, [0.5, 0.3, 0.2, 0.1], [1, 0.8, 1.2, -0.9], "relu"] },
  ],
  // each activation; relu once with every unit active and once with a unit switched off (relu′ = 0 there)
  hidden: [
    toyFamily("tanh", (f) => f.every(awayFromKink)),
    toyFamily("sigmoid", (f) => f.every(awayFromKink)),
    toyFamily("relu", (f) => f.every((v) => v > 0.05)),
    toyFamily("relu", (f) => f.every(awayFromKink) && f[0]! > 0 && (f[1]! < 0) !== (f[2]! < 0)),
  ],
  oracle: (a) => {
    const { x, y, beta, omega, act } = args5(a);
    const base = toyLoss(x, y, beta, omega, act);
    const one = (pin: (v: number) => number, at: number): number => fdVjp((ins) => [pin(ins[0]![0]!)], [sc(at)], 0, [1]).values[0]!;
    const df = [0, 1, 2, 3].map((k) => one((v) => toyLoss(x, y, beta, omega, act, { f: [k, v] }).loss, base.f[k]!));
    const dh = [1, 2, 3].map((k) => one((v) => toyLoss(x, y, beta, omega, act, { h: [k, v] }).loss, base.h[k]!));
    const ins = [{ shape: [4], values: Float64Array.from(beta) }, { shape: [4], values: Float64Array.from(omega) }];
    const fwd = (v: Float64Array[]) => [toyLoss(x, y, v[0]!, v[1]!, act).loss];
    const vec = (xs: number[]): GradTensor => ({ shape: [xs.length], values: Float64Array.from(xs) });
    return { expected: { df: vec(df), dh: vec(dh), dbeta: fdVjp(fwd, ins, 0, [1]), domega: fdVjp(fwd, ins, 1, [1]) } };
  },
  mistakes: slips,
});

/** Exercise 03. */
export const TOY_CHAIN_EXERCISES: Exercise[] = [toyChain];
