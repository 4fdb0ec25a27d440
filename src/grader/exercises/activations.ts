/**
 * The scalar activations the exercises' trusted forwards and known-mistake models use, taken from
 * the engine's op rules so the grader and the library agree on every value and slope.
 */
import { RELU, SIGMOID, TANH, type UnaryRule } from "../../engine/rules";
import type { Matrix } from "../../nn/matrix";

/** The hidden activations an exercise can ask for. */
export type Act = "relu" | "tanh" | "sigmoid";

/** An activation as the exercises need it: the value and the slope at the same input z. */
export interface ScalarActivation {
  f(z: number): number;
  df(z: number): number;
}

/** Any one-input rule of the engine (exp, log, sin, …) as a value and a slope at the same input. */
export const fromRule = (r: UnaryRule): ScalarActivation => ({ f: (z) => r.value(z), df: (z) => r.derivative(z, r.value(z)) });

/** relu (relu′(0) = 0), tanh and sigmoid by name. */
export const ACTIVATIONS: Readonly<Record<Act, ScalarActivation>> = { relu: fromRule(RELU), tanh: fromRule(TANH), sigmoid: fromRule(SIGMOID) };

/** The logistic σ, for exercises built on it directly. */
export const sigmoid = (z: number): number => SIGMOID.value(z);

/**
 * The trusted forward of an MLP (columns are examples): hidden layers through `act`, a linear
 * output. Every z^l and a^l (a^0 = X, the last a the scores), so a trusted backward can reuse them;
 * exercises 13 and 14 both judge through it.
 */
export function forwardLayers(net: { W: readonly Matrix[]; b: readonly Matrix[] }, X: Matrix, act: Act): { zs: Matrix[]; as: Matrix[] } {
  const f = ACTIVATIONS[act].f;
  const zs: Matrix[] = [], as: Matrix[] = [X];
  net.W.forEach((W, l) => {
    const z = W.matmul(as[l]!).addColumn(net.b[l]!);
    zs.push(z);
    as.push(l === net.W.length - 1 ? z : z.map((v) => f(v)));
  });
  return { zs, as };
}

/** The fraction of columns of `scores` whose largest entry is their label. */
export function accuracyOf(scores: Matrix, labels: readonly number[]): number {
  return scores.argmaxCols().filter((p, j) => p === labels[j]).length / labels.length;
}
