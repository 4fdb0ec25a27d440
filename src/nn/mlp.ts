/**
 * A dense multi-layer perceptron whose backward pass is literally the course's recurrences:
 *   δ^L = ∂L/∂a^L ⊙ f′(z^L)   (or the fused ŷ − y for sigmoid+BCE and softmax+CE),
 *   δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l),
 *   ∂L/∂W^(l) = δ^(l) (a^(l−1))ᵀ,   ∂L/∂b^(l) = δ^(l) summed over the batch.
 * Arrays are indexed by the layer number l = 1..L; index 0 holds the input (a[0], z[0]) or an
 * empty 0×0 placeholder (W[0], b[0], delta[0], dW[0], db[0]), so `W[l]` reads as W^(l).
 */
import { Rng } from "../engine/random";
import { activation, type Activation, type ActivationName } from "./activations";
import { glorotInit, heInit, type InitName, normalInit } from "./init";
import { lossByName, type Loss, type LossName } from "./losses";
import { Matrix, matmulTransA, matmulTransB, shapeString } from "./matrix";

/** How to build a network; everything but the sizes has a sensible default. */
export interface DenseNetworkOptions {
  /** Activation of every hidden layer. Default "relu". */
  hidden?: ActivationName;
  /** Output activation. Default "linear". */
  output?: ActivationName;
  /** Per-layer activations (length L), overriding hidden/output. */
  activations?: ActivationName[];
  /** Loss. Default "halfMeanSquared". */
  loss?: LossName;
  /** Initialisation. Default "he" for relu hidden layers, else "glorot". */
  init?: InitName;
  /** Variance for init "normal". */
  variance?: number;
  /** Seed of the Rng the weights are drawn from. Default 0. */
  seed?: number;
  /** Use biases (default true); 001's example has none. */
  bias?: boolean;
}

/** What forward keeps: every z^(l) and a^(l) (a[0] is the input batch). */
export interface ForwardCache {
  z: Matrix[];
  a: Matrix[];
}

/** What backward returns, one entry per layer, so a notebook can show every step. */
export interface Gradients {
  /** δ^(l) = ∂L/∂z^(l), d_l × M. */
  delta: Matrix[];
  /** ∂L/∂W^(l), same shape as W^(l) (weight decay included when asked). */
  dW: Matrix[];
  /** ∂L/∂b^(l), d_l × 1. */
  db: Matrix[];
  /** The loss value, including λ Σ W² when weight decay is on. */
  loss: number;
}

const EMPTY = new Matrix(0, 0);

/** The matrix MLP of the course: layers l = 1..L with W^(l) of shape d_l × d_(l−1). */
export class DenseNetwork {
  readonly sizes: number[];
  readonly W: Matrix[];
  readonly b: Matrix[];
  readonly act: Activation[];
  readonly loss: Loss;
  readonly useBias: boolean;

  constructor(sizes: number[], options: DenseNetworkOptions = {}) {
    if (sizes.length < 2 || sizes.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`DenseNetwork: sizes must be at least two positive integers, got [${sizes.join(", ")}]`);
    }
    this.sizes = [...sizes];
    const L = sizes.length - 1;
    const hidden = options.hidden ?? "relu";
    const names = options.activations ?? Array.from({ length: L }, (_, k) => (k === L - 1 ? options.output ?? "linear" : hidden));
    if (names.length !== L) throw new RangeError(`DenseNetwork: ${L} layers but ${names.length} activations`);
    this.act = [linearPlaceholder(), ...names.map(activation)];
    this.loss = lossByName(options.loss ?? "halfMeanSquared");
    this.useBias = options.bias ?? true;
    const rng = new Rng(options.seed ?? 0).fork("init");
    const scheme = options.init ?? (hidden === "relu" ? "he" : "glorot");
    this.W = [EMPTY];
    this.b = [EMPTY];
    for (let l = 1; l <= L; l++) {
      const dOut = sizes[l] as number, dIn = sizes[l - 1] as number;
      this.W.push(scheme === "he" ? heInit(dOut, dIn, rng) : scheme === "glorot" ? glorotInit(dOut, dIn, rng) : normalInit(dOut, dIn, options.variance ?? 1, rng));
      this.b.push(new Matrix(dOut, 1));
    }
  }

  /** Number of weight layers L. */
  get L(): number {
    return this.sizes.length - 1;
  }

  /** z^(l) = W^(l) a^(l−1) + b^(l), a^(l) = f(z^(l)), keeping every z and a for backward. */
  forward(A0: Matrix): ForwardCache {
    if (A0.rows !== this.sizes[0]) throw new RangeError(`forward: input is ${shapeString(A0)} but the network expects ${this.sizes[0]} rows (one column per example)`);
    const z: Matrix[] = [A0], a: Matrix[] = [A0];
    for (let l = 1; l <= this.L; l++) {
      const Wa = (this.W[l] as Matrix).matmul(a[l - 1] as Matrix);
      const zl = this.useBias ? Wa.addColumn(this.b[l] as Matrix) : Wa;
      z.push(zl);
      a.push((this.act[l] as Activation).f(zl));
    }
    return { z, a };
  }

  /** The network's output a^L for a batch. */
  predict(A0: Matrix): Matrix {
    const { a } = this.forward(A0);
    return a[this.L] as Matrix;
  }

  /**
   * The δ recurrences. `weightDecay` λ adds λ Σ_l Σ W^(l)² to the loss and 2λ W^(l) to ∂L/∂W^(l)
   * (001, eq. 6.56); biases are not decayed.
   */
  backward(cache: ForwardCache, Y: Matrix, options: { weightDecay?: number } = {}): Gradients {
    const L = this.L;
    const lambda = options.weightDecay ?? 0;
    const aL = cache.a[L] as Matrix, zL = cache.z[L] as Matrix;
    const out = this.act[L] as Activation;
    let loss = this.loss.value(aL, Y);
    const delta: Matrix[] = new Array(L + 1).fill(EMPTY);
    const dW: Matrix[] = new Array(L + 1).fill(EMPTY);
    const db: Matrix[] = new Array(L + 1).fill(EMPTY);
    // δ^L: fused ŷ − y when the loss and output simplify together, else ∂L/∂a^L ⊙ f′(z^L).
    delta[L] = this.loss.fusedDelta?.(aL, Y, out.name) ?? this.loss.grad(aL, Y).mul(out.df(zL));
    for (let l = L; l >= 1; l--) {
      const dl = delta[l] as Matrix;
      dW[l] = matmulTransB(dl, cache.a[l - 1] as Matrix); // δ^(l) (a^(l−1))ᵀ
      db[l] = this.useBias ? dl.sumRows() : new Matrix((this.sizes[l] as number), 1);
      if (lambda !== 0) {
        dW[l] = (dW[l] as Matrix).add((this.W[l] as Matrix).scale(2 * lambda));
        const Wl = this.W[l] as Matrix;
        loss += lambda * Wl.mul(Wl).sum();
      }
      if (l > 1) delta[l - 1] = matmulTransA(this.W[l] as Matrix, dl).mul((this.act[l - 1] as Activation).df(cache.z[l - 1] as Matrix)); // ((W^(l))ᵀ δ^(l)) ⊙ f′(z^(l−1))
    }
    return { delta, dW, db, loss };
  }

  /** Every parameter as [W^(1), b^(1), …] in layer order, for optimisers and gradient checks. */
  parameters(): Matrix[] {
    const ps: Matrix[] = [];
    for (let l = 1; l <= this.L; l++) ps.push(this.W[l] as Matrix, this.b[l] as Matrix);
    return ps;
  }

  /** One plain SGD update θ ← θ − η ∂L/∂θ from gradients returned by backward. */
  sgdStep(grads: Gradients, learningRate: number): void {
    for (let l = 1; l <= this.L; l++) {
      const W = (this.W[l] as Matrix).data, g = (grads.dW[l] as Matrix).data;
      for (let i = 0; i < W.length; i++) W[i] = (W[i] as number) - learningRate * (g[i] as number);
      if (this.useBias) {
        const b = (this.b[l] as Matrix).data, gb = (grads.db[l] as Matrix).data;
        for (let i = 0; i < b.length; i++) b[i] = (b[i] as number) - learningRate * (gb[i] as number);
      }
    }
  }
}

function linearPlaceholder(): Activation {
  return activation("linear");
}
