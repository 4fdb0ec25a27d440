/**
 * A dense multi-layer perceptron whose backward pass is literally the course's recurrences:
 *   δ^L = ∂L/∂a^L ⊙ f′(z^L)   (or the fused ŷ − y for sigmoid+BCE and softmax+CE),
 *   δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l),
 *   ∂L/∂W^(l) = δ^(l) (a^(l−1))ᵀ,   ∂L/∂b^(l) = δ^(l) summed over the batch.
 * Arrays are indexed by the layer number l = 1..L; index 0 holds the input (a[0], z[0]) or an
 * empty 0×0 placeholder (W[0], b[0], delta[0], dW[0], db[0]), so `W[l]` reads as W^(l).
 *
 * `forward` and `backward` return fresh matrices by default, so a notebook can keep and compare
 * them. A training loop passes the previous step's cache and gradients back in (`reuse`, `into`):
 * the same equations then run in those buffers and a step allocates no matrices. Parameters and
 * these buffers are stored in the WebAssembly kernels' memory (kernels/small.ts), where a small
 * network's whole step runs without copying.
 */
import { Rng } from "../engine/random";
import { activation, type Activation, type ActivationName } from "./activations";
import { glorotInit, heInit, type InitName, normalInit } from "./init";
import { kernels } from "./kernels/backend";
import { lossByName, type Loss, type LossName } from "./losses";
import { sgd } from "./optim";
import { affineInto, kernelMatrix, Matrix, matmulInto, reuseOrCreate, shapeString, sumRowsInto } from "./matrix";

/** How to build a network; everything but the sizes has a sensible default. */
export interface MatrixMLPOptions {
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

/**
 * Entry l of a per-layer list (W, b, act, z, a, δ, …; index 0 is the input or a placeholder). The
 * lists are built with L + 1 entries and a cache's length is checked on entry, so a missing layer is
 * a bug; it fails here by name instead of as "cannot read properties of undefined" further on.
 */
function layer<T>(list: readonly T[], l: number, what: string): T {
  const x = list[l];
  if (x === undefined) throw new RangeError(`${what}: layer ${l} is missing (the list has ${list.length} entries)`);
  return x;
}
const plainMatrix = (_reuse: Matrix | undefined, rows: number, cols: number): Matrix => new Matrix(rows, cols);
const TRANS_A = { transA: true } as const;
const TRANS_B = { transB: true } as const;

/** Options of `MatrixMLP.backward`. */
export interface BackwardOptions {
  /** λ of the L2 penalty λ Σ_l Σ W^(l)² (001, eq. 6.56). Default 0. */
  weightDecay?: number;
  /** Gradients from an earlier call whose matrices may be overwritten (no allocation when shapes match). */
  into?: Gradients;
}

/** The matrix MLP of the course: layers l = 1..L with W^(l) of shape d_l × d_(l−1). */
export class MatrixMLP {
  /** Layer widths [d_0, d_1, …, d_L]; d_0 is the input size. */
  readonly sizes: number[];
  /** W[l] = W^(l), d_l × d_(l−1); W[0] is an empty placeholder. */
  readonly W: Matrix[];
  /** b[l] = b^(l), d_l × 1 (all zeros and never updated when `bias` is false). */
  readonly b: Matrix[];
  /** act[l] = f of layer l; act[0] is an unused placeholder. */
  readonly act: Activation[];
  /** The loss whose gradient backward starts from. */
  readonly loss: Loss;
  /** False for bias-free networks such as 001's example. */
  readonly useBias: boolean;

  constructor(sizes: number[], options: MatrixMLPOptions = {}) {
    if (sizes.length < 2 || sizes.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`MatrixMLP: sizes must be at least two positive integers, got [${sizes.join(", ")}]`);
    }
    this.sizes = [...sizes];
    const L = sizes.length - 1;
    const hidden = options.hidden ?? "relu";
    const names = options.activations ?? Array.from({ length: L }, (_, k) => (k === L - 1 ? options.output ?? "linear" : hidden));
    if (names.length !== L) throw new RangeError(`MatrixMLP: ${L} layers but ${names.length} activations`);
    this.act = [activation("linear"), ...names.map(activation)];
    this.loss = lossByName(options.loss ?? "halfMeanSquared");
    // Softmax has no element-wise f′: it is only usable where the fused δ^L = (ŷ − y)/M applies.
    names.forEach((n, k) => {
      if (n !== "softmax") return;
      if (k !== L - 1) throw new RangeError(`MatrixMLP: softmax can only be the output activation (layer ${k + 1} of ${L} asks for it)`);
      if (this.loss.name !== "softmaxCrossEntropy") throw new RangeError(`MatrixMLP: a softmax output needs the softmaxCrossEntropy loss, not ${this.loss.name}`);
    });
    this.useBias = options.bias ?? true;
    const rng = new Rng(options.seed ?? 0).fork("init");
    const scheme = options.init ?? (hidden === "relu" ? "he" : "glorot");
    if (scheme !== "he" && scheme !== "glorot" && scheme !== "normal") throw new RangeError(`MatrixMLP: unknown init "${String(scheme)}"; use he, glorot or normal`);
    this.W = [EMPTY];
    this.b = [EMPTY];
    for (let l = 1; l <= L; l++) {
      const dOut = sizes[l] as number, dIn = sizes[l - 1] as number;
      const drawn = scheme === "he" ? heInit(dOut, dIn, rng) : scheme === "glorot" ? glorotInit(dOut, dIn, rng) : normalInit(dOut, dIn, options.variance ?? 1, rng);
      const W = kernelMatrix(dOut, dIn);
      W.data.set(drawn.data);
      this.W.push(W);
      this.b.push(kernelMatrix(dOut, 1));
    }
  }

  /** Number of weight layers L. */
  get L(): number {
    return this.sizes.length - 1;
  }

  /**
   * z^(l) = W^(l) a^(l−1) + b^(l), a^(l) = f(z^(l)) for l = 1..L, keeping every z and a for
   * backward. `reuse`: a cache from an earlier call whose matrices may be overwritten.
   */
  forward(A0: Matrix, reuse?: ForwardCache): ForwardCache {
    return this.propagate(A0, reuse, reuseOrCreate);
  }

  /** `forward` with the buffers made by `make` (kernel memory for a cache, plain arrays for a one-off prediction). */
  private propagate(A0: Matrix, reuse: ForwardCache | undefined, make: typeof reuseOrCreate): ForwardCache {
    if (A0.rows !== this.sizes[0]) throw new RangeError(`forward: input is ${shapeString(A0)} but the network expects ${this.sizes[0]} rows (one column per example)`);
    const M = A0.cols;
    const z: Matrix[] = [A0], a: Matrix[] = [A0];
    for (let l = 1; l <= this.L; l++) {
      const d = layer(this.sizes, l, "forward");
      const W = layer(this.W, l, "forward"), b = layer(this.b, l, "forward"), aPrev = layer(a, l - 1, "forward");
      const zl = make(reuse?.z[l], d, M), al = make(reuse?.a[l], d, M);
      if (this.useBias) affineInto(zl, W, aPrev, b); // z^(l) = W^(l) a^(l−1) + b^(l)
      else matmulInto(zl, W, aPrev); //                 z^(l) = W^(l) a^(l−1)
      layer(this.act, l, "forward").fInto(al, zl); //   a^(l) = f(z^(l))
      z.push(zl);
      a.push(al);
    }
    return { z, a };
  }

  /**
   * The network's output a^L for a batch. Its buffers are ordinary arrays: a prediction is used
   * once, so it need not take room in the kernels' memory that a training step's buffers use.
   */
  predict(A0: Matrix): Matrix {
    const { a } = this.propagate(A0, undefined, plainMatrix);
    return layer(a, this.L, "predict");
  }

  /**
   * The δ recurrences, from the output back to layer 1. The loss's gradient carries the batch
   * mean, so it is applied exactly once. `weightDecay` λ adds λ Σ_l Σ W^(l)² to the loss and
   * 2λ W^(l) to ∂L/∂W^(l) (001, eq. 6.56); biases are not decayed.
   */
  backward(cache: ForwardCache, Y: Matrix, options: BackwardOptions = {}): Gradients {
    const L = this.L;
    if (cache.a.length !== L + 1 || cache.z.length !== L + 1) {
      throw new RangeError(`backward: the cache has ${cache.a.length - 1} layers but the network has ${L}; pass what forward returned`);
    }
    const lambda = options.weightDecay ?? 0;
    if (!Number.isFinite(lambda) || lambda < 0) throw new RangeError(`backward: weightDecay must be a finite number ≥ 0, got ${lambda}`);
    const into = options.into;
    const { z, a } = cache;
    const M = layer(a, 0, "backward").cols;
    const delta: Matrix[] = [EMPTY], dW: Matrix[] = [EMPTY], db: Matrix[] = [EMPTY];
    for (let l = 1; l <= L; l++) {
      const d = layer(this.sizes, l, "backward"), dPrev = layer(this.sizes, l - 1, "backward");
      delta.push(reuseOrCreate(into?.delta[l], d, M));
      dW.push(reuseOrCreate(into?.dW[l], d, dPrev));
      db.push(reuseOrCreate(into?.db[l], d, 1));
    }
    const at = <T>(list: readonly T[], l: number): T => layer(list, l, "backward");

    // δ^L = ∂L/∂a^L ⊙ f′(z^L), or the fused (ŷ − y)/M of sigmoid+BCE and softmax+CE.
    const fL = at(this.act, L), aL = at(a, L), deltaL = at(delta, L);
    if (this.loss.fusedDelta?.(aL, Y, fL.name, deltaL) === undefined) {
      fL.mulDf(this.loss.grad(aL, Y, deltaL), at(z, L), aL);
    }
    for (let l = L; l >= 1; l--) {
      const dl = at(delta, l), W = at(this.W, l), dWl = at(dW, l), dbl = at(db, l);
      // δ^(l) = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^(l))
      if (l < L) at(this.act, l).mulDf(matmulInto(dl, at(this.W, l + 1), at(delta, l + 1), TRANS_A), at(z, l), at(a, l));
      // ∂L/∂W^(l) = δ^(l) (a^(l−1))ᵀ (+ 2λ W^(l)),   ∂L/∂b^(l) = Σ_batch δ^(l)
      matmulInto(dWl, dl, at(a, l - 1), TRANS_B);
      if (lambda !== 0) kernels().addScaled(dWl, W, 2 * lambda);
      if (this.useBias) sumRowsInto(dbl, dl);
      else dbl.data.fill(0);
    }
    const loss = this.loss.value(aL, Y) + this.weightDecayPenalty(lambda);
    return { delta, dW, db, loss };
  }

  /** λ Σ_l Σ W^(l)², the L2 penalty (001, eq. 6.56) that `backward` adds to the loss; 0 when λ is 0. */
  weightDecayPenalty(lambda: number): number {
    let penalty = 0;
    if (lambda === 0) return penalty;
    for (let l = 1; l <= this.L; l++) {
      let sq = 0;
      for (const w of layer(this.W, l, "weightDecayPenalty").data) sq += w * w;
      penalty += lambda * sq;
    }
    return penalty;
  }

  /** Every parameter as [W^(1), b^(1), …] in layer order, for optimisers and gradient checks. */
  parameters(): Matrix[] {
    const ps: Matrix[] = [];
    for (let l = 1; l <= this.L; l++) ps.push(layer(this.W, l, "parameters"), layer(this.b, l, "parameters"));
    return ps;
  }

  /** The gradients in the order of `parameters()`: [∂L/∂W^(1), ∂L/∂b^(1), …]. */
  gradientList(grads: Gradients): Matrix[] {
    const gs: Matrix[] = [];
    for (let l = 1; l <= this.L; l++) gs.push(layer(grads.dW, l, "gradientList"), layer(grads.db, l, "gradientList"));
    return gs;
  }

  /** One plain SGD update θ ← θ − η ∂L/∂θ from gradients returned by backward (the `sgd` optimiser's step). */
  sgdStep(grads: Gradients, learningRate: number): void {
    for (let l = 1; l <= this.L; l++) {
      const pairs: [string, Matrix, Matrix][] = [["W", layer(this.W, l, "sgdStep"), layer(grads.dW, l, "sgdStep")], ["b", layer(this.b, l, "sgdStep"), layer(grads.db, l, "sgdStep")]];
      for (const [name, p, g] of pairs) {
        if (!p.sameShape(g)) throw new RangeError(`sgdStep: ∂L/∂${name}^(${l}) is ${shapeString(g)} but ${name}^(${l}) is ${shapeString(p)}`);
      }
    }
    sgd(learningRate).step(this.parameters(), this.gradientList(grads));
  }
}

