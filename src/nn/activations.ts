/**
 * Activation functions, each with its forward f and its local derivative f′ side by side, so the
 * backward step δ = g ⊙ f′(z) can be read straight off the code. The numbers come from the
 * engine's rules table (engine/rules.ts): a unit's value and slope are written once, for `Value`,
 * `Dual` and these matrices alike.
 *
 * Each comes in two forms: `f`/`df` return new matrices (for notebooks and worked examples), and
 * `fInto`/`mulDf` write into a given matrix (for the training step, which must not allocate).
 * relu's and softmax's in-place forms are operations of the kernel backend (kernels/backend.ts).
 */
import { RELU, SIGMOID, TANH, type UnaryRule } from "../engine/rules";
import { kernels } from "./kernels/backend";
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
   * g ← g ⊙ f′(z), in place: the layer's backward step. a = f(z) is passed as well because the
   * rules read σ′ and tanh′ off the output (σ(1 − σ), 1 − a²) where that is accurate.
   */
  mulDf(g: Matrix, z: Matrix, a: Matrix): Matrix;
}

function same(op: string, x: Matrix, y: Matrix): void {
  if (!x.sameShape(y)) throw new RangeError(`${op}: ${shapeString(x)} and ${shapeString(y)}: shapes differ`);
}

/** A unit whose value and slope are one rule of the engine, applied entry by entry. */
function fromRule(name: "sigmoid" | "tanh", rule: UnaryRule): Activation {
  const act: Activation = {
    name,
    f: (z) => act.fInto(new Matrix(z.rows, z.cols), z),
    df: (z) => z.map((v) => rule.derivative(v, rule.value(v))),
    fInto(out, z) {
      same(name, out, z);
      const o = out.data, x = z.data;
      for (let i = 0; i < x.length; i++) o[i] = rule.value(x[i] as number);
      return out;
    },
    mulDf(g, z, a) {
      same(`${name} backward`, g, z);
      same(`${name} backward`, g, a);
      const d = g.data, x = z.data, y = a.data;
      for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) * rule.derivative(x[i] as number, y[i] as number);
      return g;
    },
  };
  return act;
}

/** max(0, z); f′ is 1 for z > 0 and 0 otherwise (the subgradient 0 at the kink, as in the course). */
export const relu: Activation = {
  name: "relu",
  f: (z) => relu.fInto(new Matrix(z.rows, z.cols), z),
  df: (z) => z.map((v) => RELU.derivative(v, RELU.value(v))),
  fInto(out, z) {
    same("relu", out, z);
    kernels().relu(out, z);
    return out;
  },
  mulDf(g, z) {
    same("relu backward", g, z);
    kernels().reluBack(g, z);
    return g;
  },
};

/** σ(z) = 1/(1+e^−z), computed without overflow for large |z|; f′ = σ(1 − σ). */
export const sigmoid: Activation = fromRule("sigmoid", SIGMOID);

/** tanh z; f′ = 1 − tanh² z (kept accurate where the unit saturates). */
export const tanh: Activation = fromRule("tanh", TANH);

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
    kernels().softmaxColumns(out, z, z.rows, z.cols);
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
