/**
 * Activation functions, each with its forward f and its local derivative f′ side by side, so the
 * backward step δ = g ⊙ f′(z) can be read straight off the code.
 */
import { Matrix } from "./matrix";

/** Names accepted wherever a layer's activation is chosen. */
export type ActivationName = "relu" | "sigmoid" | "tanh" | "linear" | "softmax";

/** An element-wise activation: a = f(z) and its derivative f′(z), both evaluated at z. */
export interface Activation {
  readonly name: ActivationName;
  f(z: Matrix): Matrix;
  /** f′(z) entry by entry. Softmax has no element-wise derivative; see `softmax`. */
  df(z: Matrix): Matrix;
}

const sig = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** max(0, z); f′ is 1 for z > 0 and 0 otherwise (the subgradient 0 at the kink, as in the course). */
export const relu: Activation = { name: "relu", f: (z) => z.map((v) => (v > 0 ? v : 0)), df: (z) => z.map((v) => (v > 0 ? 1 : 0)) };

/** σ(z) = 1/(1+e^−z), computed without overflow for large |z|; f′ = σ(1 − σ). */
export const sigmoid: Activation = { name: "sigmoid", f: (z) => z.map(sig), df: (z) => z.map((v) => { const s = sig(v); return s * (1 - s); }) };

/** tanh z; f′ = 1 − tanh² z. */
export const tanh: Activation = { name: "tanh", f: (z) => z.map(Math.tanh), df: (z) => z.map((v) => { const t = Math.tanh(v); return 1 - t * t; }) };

/** The identity, for regression outputs; f′ = 1. */
export const linear: Activation = { name: "linear", f: (z) => z.clone(), df: (z) => Matrix.fill(z.rows, z.cols, 1) };

/**
 * Column-wise softmax (each example is a column), shifted by the column maximum for stability.
 * Its Jacobian is not diagonal, so `df` refuses: pair it with softmax cross-entropy, whose fused
 * δ^L = ŷ − y is what the network uses.
 */
export const softmax: Activation = {
  name: "softmax",
  f: (z) => {
    const out = new Matrix(z.rows, z.cols);
    const c = z.cols;
    for (let j = 0; j < c; j++) {
      let mx = -Infinity;
      for (let i = 0; i < z.rows; i++) mx = Math.max(mx, z.data[i * c + j] as number);
      let s = 0;
      for (let i = 0; i < z.rows; i++) { const e = Math.exp((z.data[i * c + j] as number) - mx); out.data[i * c + j] = e; s += e; }
      for (let i = 0; i < z.rows; i++) out.data[i * c + j] = (out.data[i * c + j] as number) / s;
    }
    return out;
  },
  df: () => {
    throw new Error("softmax: its Jacobian is not element-wise; use it with the softmax cross-entropy loss, whose fused δ^L is ŷ − y");
  },
};

/** Looks an activation up by name, with an error listing the valid names. */
export function activation(name: ActivationName): Activation {
  const table: Record<ActivationName, Activation> = { relu, sigmoid, tanh, linear, softmax };
  const act = table[name];
  if (act === undefined) throw new RangeError(`activation: unknown name "${String(name)}"; use relu, sigmoid, tanh, linear or softmax`);
  return act;
}
