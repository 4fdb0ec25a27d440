/**
 * The scalar activations the exercises' trusted forwards and known-mistake models use, taken from
 * the engine's op rules so the grader and the library agree on every value and slope.
 */
import { RELU, SIGMOID, TANH, type UnaryRule } from "../../engine/rules";

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
