/**
 * Weight initialisers. The spread of W decides whether signals and δ's shrink or grow through
 * depth, so each scheme is named and drawn from the seeded Rng (reproducible networks).
 */
import { Rng } from "../engine/random";
import { Matrix } from "./matrix";

/** Names of the initialisation schemes. */
export type InitName = "he" | "glorot" | "normal";

/** A d_out × d_in matrix of N(0, variance) draws. */
export function normalInit(dOut: number, dIn: number, variance: number, rng: Rng): Matrix {
  if (!Number.isInteger(dOut) || !Number.isInteger(dIn) || dOut < 1 || dIn < 1) throw new RangeError(`init: a weight matrix needs positive integer sizes, got d_out=${dOut}, d_in=${dIn}`);
  if (!Number.isFinite(variance) || variance < 0) throw new RangeError(`init: variance must be a finite number ≥ 0, got ${variance}`);
  const std = Math.sqrt(variance);
  return Matrix.fromFunction(dOut, dIn, () => rng.normal(0, std));
}

/** Glorot/Xavier: variance 2/(d_in + d_out), keeping forward and backward variance balanced for tanh/sigmoid. */
export function glorotInit(dOut: number, dIn: number, rng: Rng): Matrix {
  return normalInit(dOut, dIn, 2 / (dIn + dOut), rng);
}

/** He: variance 2/d_in, compensating ReLU zeroing half its inputs. */
export function heInit(dOut: number, dIn: number, rng: Rng): Matrix {
  return normalInit(dOut, dIn, 2 / dIn, rng);
}
