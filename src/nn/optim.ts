/**
 * Optimisers: each turns the gradients of one step into an in-place parameter update. They keep
 * their state (velocity, moments) per parameter, in the order of `MatrixMLP.parameters()`.
 *
 * The update loops read Float64Arrays of one size with `as number`: a read past the end would be a
 * bug the tests catch, not a case to branch on in the hot loop.
 */
import { kernels } from "./kernels/backend";
import { Matrix, shapeString } from "./matrix";

/** An update rule applied to parameters and their gradients, in matching order. */
export interface Optimizer {
  readonly name: string;
  step(params: Matrix[], grads: Matrix[]): void;
}

/** Pairs each parameter with its gradient, naming the optimiser and the first mismatch (count or shape). */
function pairUp(op: string, params: Matrix[], grads: Matrix[]): [Matrix, Matrix][] {
  if (params.length !== grads.length) throw new RangeError(`${op}: ${params.length} parameters but ${grads.length} gradients`);
  return params.map((p, k) => {
    const g = grads[k];
    if (g === undefined || !p.sameShape(g)) throw new RangeError(`${op}: parameter ${k} is ${shapeString(p)} but its gradient is ${g ? shapeString(g) : "missing"}`);
    return [p, g];
  });
}
function checkRate(op: string, name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${op}: ${name} must be a finite number ≥ 0, got ${v}`);
}

/** Plain gradient descent θ ← θ − η g. */
export function sgd(learningRate: number): Optimizer {
  checkRate("sgd", "learningRate", learningRate);
  return {
    name: "sgd",
    step(params, grads) {
      for (const [p, g] of pairUp("sgd", params, grads)) kernels().addScaled(p, g, -learningRate); // θ ← θ − η g
    },
  };
}

/** Momentum v ← μ v − η g, θ ← θ + v: smooths noisy minibatch gradients. */
export function momentum(learningRate: number, mu = 0.9): Optimizer {
  checkRate("momentum", "learningRate", learningRate);
  if (!(mu >= 0 && mu < 1)) throw new RangeError(`momentum: mu must be in [0, 1), got ${mu}`);
  const vel: Float64Array[] = [];
  return {
    name: "momentum",
    step(params, grads) {
      pairUp("momentum", params, grads).forEach(([p, grad], k) => {
        const v = (vel[k] ??= new Float64Array(p.size));
        const g = grad.data;
        for (let i = 0; i < p.size; i++) { v[i] = mu * (v[i] as number) - learningRate * (g[i] as number); p.data[i] = (p.data[i] as number) + (v[i] as number); }
      });
    },
  };
}

/** Adam (Kingma & Ba) with bias correction: a per-parameter step size from running moments. */
export function adam(learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Optimizer {
  checkRate("adam", "learningRate", learningRate);
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new RangeError(`adam: beta1 and beta2 must be in [0, 1), got ${beta1} and ${beta2}`);
  if (!(eps > 0)) throw new RangeError(`adam: eps must be > 0, got ${eps}`);
  const m1: Float64Array[] = [], m2: Float64Array[] = [];
  let t = 0;
  return {
    name: "adam",
    step(params, grads) {
      const pairs = pairUp("adam", params, grads);
      t++;
      const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
      pairs.forEach(([p, grad], k) => {
        const m = (m1[k] ??= new Float64Array(p.size)), v = (m2[k] ??= new Float64Array(p.size));
        const g = grad.data;
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
