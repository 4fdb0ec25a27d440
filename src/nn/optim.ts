/**
 * Optimisers: each turns the gradients of one step into an in-place parameter update. They keep
 * their state (velocity, moments) per parameter, in the order of `DenseNetwork.parameters()`.
 */
import { Matrix } from "./matrix";

/** An update rule applied to parameters and their gradients, in matching order. */
export interface Optimizer {
  readonly name: string;
  step(params: Matrix[], grads: Matrix[]): void;
}

/** Plain gradient descent θ ← θ − η g. */
export function sgd(learningRate: number): Optimizer {
  return {
    name: "sgd",
    step(params, grads) {
      params.forEach((p, k) => { const g = (grads[k] as Matrix).data; for (let i = 0; i < p.size; i++) p.data[i] = (p.data[i] as number) - learningRate * (g[i] as number); });
    },
  };
}

/** Momentum v ← μ v − η g, θ ← θ + v: smooths noisy minibatch gradients. */
export function momentum(learningRate: number, mu = 0.9): Optimizer {
  const vel: Float64Array[] = [];
  return {
    name: "momentum",
    step(params, grads) {
      params.forEach((p, k) => {
        const v = (vel[k] ??= new Float64Array(p.size));
        const g = (grads[k] as Matrix).data;
        for (let i = 0; i < p.size; i++) { v[i] = mu * (v[i] as number) - learningRate * (g[i] as number); p.data[i] = (p.data[i] as number) + (v[i] as number); }
      });
    },
  };
}

/** Adam (Kingma & Ba) with bias correction: a per-parameter step size from running moments. */
export function adam(learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Optimizer {
  const m1: Float64Array[] = [], m2: Float64Array[] = [];
  let t = 0;
  return {
    name: "adam",
    step(params, grads) {
      t++;
      const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
      params.forEach((p, k) => {
        const m = (m1[k] ??= new Float64Array(p.size)), v = (m2[k] ??= new Float64Array(p.size));
        const g = (grads[k] as Matrix).data;
        for (let i = 0; i < p.size; i++) {
          const gi = g[i] as number;
          m[i] = beta1 * (m[i] as number) + (1 - beta1) * gi;
          v[i] = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
          p.data[i] = (p.data[i] as number) - (learningRate * ((m[i] as number) / c1)) / (Math.sqrt((v[i] as number) / c2) + eps);
        }
      });
    },
  };
}
