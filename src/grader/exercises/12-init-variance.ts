/**
 * Exercise 12: the weight standard deviation that keeps Var(z) constant through a leaky-ReLU layer
 * of fan-in n (He's argument, UDL 7.3, with the negative slope α as a parameter). The answer is a
 * closed form, σ = √(2 / ((1 + α²) n)); the tests confirm it by simulation, independently. Each
 * known slip is the same derivation with one factor lost.
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, type GradTensor, type Mistake } from "../judge";

const read = (args: Json[]): { n: number; alpha: number } => {
  const [n, alpha] = args;
  if (typeof n !== "number" || typeof alpha !== "number") throw new Error("initStd takes (fanIn, negativeSlope)");
  return { n, alpha };
};
/** σ that keeps the spread: the layer multiplies Var(z) by n σ² (1 + α²)/2. */
export function stableInitStd(n: number, alpha: number): number {
  return Math.sqrt(2 / ((1 + alpha * alpha) * n));
}
const answer = (v: number): GradTensor => ({ shape: [], values: Float64Array.of(v) });
const slip = (id: string, feedback: string, f: (n: number, alpha: number) => number): Mistake => ({
  id,
  feedback,
  output: (args) => {
    const { n, alpha } = read(args);
    const v = f(n, alpha);
    return Math.abs(v - stableInitStd(n, alpha)) <= 1e-9 * stableInitStd(n, alpha) ? null : v;
  },
});

const mistakes: Mistake[] = [
  slip("variance-not-std", "that is the VARIANCE of the weights; the function returns their standard deviation", (n, a) => 2 / ((1 + a * a) * n)),
  slip("forgot-relu-half", "this keeps the spread of a LINEAR layer: the unit passes only part of E[z²] (for a plain ReLU, half of it), and the weights must make up for the rest", (n, a) => Math.sqrt(1 / ((1 + a * a) * n))),
  slip("ignored-negative-slope", "this is the plain ReLU's answer: with a negative slope α the negative half of z is not zeroed but scaled, and passes α² of its second moment", (n) => Math.sqrt(2 / n)),
  slip("slope-not-squared", "the negative side scales z by α, so it scales z² (and its share of E[z²]) by α², not α", (n, a) => Math.sqrt(2 / ((1 + a) * n))),
  slip("std-over-n", "Var(z) is a sum of n terms, so the VARIANCE of W carries the 1/n; its standard deviation scales as 1/√n", (n, a) => Math.sqrt(2 / (1 + a * a)) / n),
];

const initVariance = defineExercise({
  id: "init-variance",
  title: "The initial weight spread for a (leaky) ReLU layer",
  file: "12-init-variance.ts",
  exportName: "initStd",
  points: 1,
  description:
    "A layer z = W a with fan-in n and leaky-ReLU units (negative slope α ∈ [0, 1]; 0 is ReLU, 1 is linear), weights i.i.d. with mean 0. Return the standard deviation of W_ij that keeps Var(z) the same from layer to layer at initialisation.",
  visible: [
    { label: "ReLU, fan-in 100", args: [100, 0] },
    { label: "linear units, fan-in 64", args: [64, 1] },
    { label: "leaky ReLU α = 0.2, fan-in 50", args: [50, 0.2] },
  ],
  // families: ReLU, a linear unit, the common 0.01, and any other slope; fan-ins 1 … 1 024
  hidden: [0, 1, 0.01, NaN].map((alpha) => (rng: Rng) => [1 + rng.int(1024), Number.isNaN(alpha) ? Math.round(rng.uniform(0.05, 0.95) * 1000) / 1000 : alpha]),
  oracle: (args) => {
    const { n, alpha } = read(args);
    return { bare: true, expected: { σ: answer(stableInitStd(n, alpha)) } };
  },
  mistakes,
});

/** Exercise 12. */
export const INIT_VARIANCE_EXERCISES: Exercise[] = [initVariance];
