/**
 * Activation functions, each with its forward f and its local derivative f′ side by side, so the
 * backward step δ = g ⊙ f′(z) can be read straight off the code.
 *
 * Each comes in two forms: `f`/`df` return new matrices (for notebooks and worked examples), and
 * `fInto`/`mulDf` write into a given matrix (for the training step, which must not allocate).
 * The in-place forms of relu and softmax run in the WebAssembly kernels when those are on
 * (kernels/small.ts), with the same results as the loops written here.
 */
import { reluBackKernel, reluKernel, softmaxKernel } from "./kernels/small";
import { Matrix, shapeString } from "./matrix";

/** Names accepted wherever a layer's activation is chosen. */
export type ActivationName = "relu" | "sigmoid" | "tanh" | "linear" | "softmax";

/** An activation: a = f(z) and its derivative f′(z), both evaluated at z. */
export interface Activation {
  readonly name: ActivationName;
  /** a = f(z) as a new matrix. */
  f(z: Matrix): Matrix;
  /** f′(z) entry by entry. Softmax has no element-wise derivative; see `softmax`. */
  df(z: Matrix): Matrix;
  /** out = f(z) without allocating; `out` may be `z` itself. */
  fInto(out: Matrix, z: Matrix): Matrix;
  /**
   * g ← g ⊙ f′(z), in place: the layer's backward step. a = f(z) is passed as well because σ′
   * and tanh′ are cheapest from a (σ(1 − σ), 1 − a²).
   */
  mulDf(g: Matrix, z: Matrix, a: Matrix): Matrix;
}

function same(op: string, x: Matrix, y: Matrix): void {
  if (!x.sameShape(y)) throw new RangeError(`${op}: ${shapeString(x)} and ${shapeString(y)}: shapes differ`);
}

/** σ(v) = 1/(1+e^−v), evaluated so that neither branch overflows. */
const sig = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** max(0, z); f′ is 1 for z > 0 and 0 otherwise (the subgradient 0 at the kink, as in the course). */
export const relu: Activation = {
  name: "relu",
  f: (z) => relu.fInto(new Matrix(z.rows, z.cols), z),
  df: (z) => z.map((v) => (v > 0 ? 1 : 0)),
  fInto(out, z) {
    same("relu", out, z);
    if (reluKernel(out, z)) return out;
    const o = out.data, x = z.data;
    for (let i = 0; i < x.length; i++) { const v = x[i] as number; o[i] = v > 0 ? v : 0; }
    return out;
  },
  mulDf(g, z) {
    same("relu backward", g, z);
    if (reluBackKernel(g, z)) return g;
    const d = g.data, x = z.data;
    for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) * ((x[i] as number) > 0 ? 1 : 0);
    return g;
  },
};

/** σ(z) = 1/(1+e^−z), computed without overflow for large |z|; f′ = σ(1 − σ). */
export const sigmoid: Activation = {
  name: "sigmoid",
  f: (z) => sigmoid.fInto(new Matrix(z.rows, z.cols), z),
  df: (z) => z.map((v) => { const s = sig(v); return s * (1 - s); }),
  fInto(out, z) {
    same("sigmoid", out, z);
    const o = out.data, x = z.data;
    for (let i = 0; i < x.length; i++) o[i] = sig(x[i] as number);
    return out;
  },
  mulDf(g, _z, a) {
    same("sigmoid backward", g, a);
    const d = g.data, s = a.data;
    for (let i = 0; i < d.length; i++) { const si = s[i] as number; d[i] = (d[i] as number) * si * (1 - si); }
    return g;
  },
};

/** tanh z; f′ = 1 − tanh² z. */
export const tanh: Activation = {
  name: "tanh",
  f: (z) => tanh.fInto(new Matrix(z.rows, z.cols), z),
  df: (z) => z.map((v) => { const t = Math.tanh(v); return 1 - t * t; }),
  fInto(out, z) {
    same("tanh", out, z);
    const o = out.data, x = z.data;
    for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i] as number);
    return out;
  },
  mulDf(g, _z, a) {
    same("tanh backward", g, a);
    const d = g.data, t = a.data;
    for (let i = 0; i < d.length; i++) { const ti = t[i] as number; d[i] = (d[i] as number) * (1 - ti * ti); }
    return g;
  },
};

/** The identity, for regression outputs; f′ = 1. */
export const linear: Activation = {
  name: "linear",
  f: (z) => z.clone(),
  df: (z) => Matrix.fill(z.rows, z.cols, 1),
  fInto(out, z) {
    same("linear", out, z);
    if (out !== z) out.data.set(z.data);
    return out;
  },
  mulDf: (g) => g,
};

/**
 * Column-wise softmax (each example is a column), shifted by the column maximum for stability.
 * Its Jacobian is not diagonal, so `df` and `mulDf` refuse: pair it with softmax cross-entropy,
 * whose fused δ^L = ŷ − y is what the network uses.
 */
export const softmax: Activation = {
  name: "softmax",
  f: (z) => softmax.fInto(new Matrix(z.rows, z.cols), z),
  fInto(out, z) {
    same("softmax", out, z);
    if (softmaxKernel(out, z, z.rows, z.cols)) return out;
    const o = out.data, x = z.data, c = z.cols, d = z.rows;
    for (let j = 0; j < c; j++) {
      let mx = -Infinity;
      for (let i = 0; i < d; i++) mx = Math.max(mx, x[i * c + j] as number);
      let s = 0;
      for (let i = 0; i < d; i++) { const e = Math.exp((x[i * c + j] as number) - mx); o[i * c + j] = e; s += e; }
      for (let i = 0; i < d; i++) o[i * c + j] = (o[i * c + j] as number) / s;
    }
    return out;
  },
  df: () => {
    throw new Error("softmax: its Jacobian is not element-wise; use it with the softmax cross-entropy loss, whose fused δ^L is ŷ − y");
  },
  mulDf: () => {
    throw new Error("softmax: its Jacobian is not element-wise; use it with the softmax cross-entropy loss, whose fused δ^L is ŷ − y");
  },
};

/** Looks an activation up by name, with an error listing the valid names. */
export function activation(name: ActivationName): Activation {
  const table: Record<ActivationName, Activation> = { relu, sigmoid, tanh, linear, softmax };
  const act = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (act === undefined) throw new RangeError(`activation: unknown name "${String(name)}"; use relu, sigmoid, tanh, linear or softmax`);
  return act;
}
