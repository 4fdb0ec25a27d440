/**
 * A multi-layer perceptron built from scalar `Value`s, in micrograd's style: every weight is a
 * node of the graph, so `loss.backward()` fills every parameter's grad and the whole network can
 * be drawn, stepped through and checked weight by weight. Slow next to the matrix `MatrixMLP`
 * (one node per multiply) but nothing is hidden; the two give the same gradients.
 *
 * Notation as in the course: neuron i of layer l computes z = Σⱼ W^(l)ᵢⱼ aⱼ + bᵢ and a = f(z);
 * layer l's weights, row by row, are the d_out × d_in matrix W^(l).
 */
import { Rng } from "../engine/random";
import { sum, Value, zeroParameterGrads, type Scalar } from "../engine/value";
import { glorotInit, heInit } from "./init";
import type { Matrix } from "./matrix";

/** The activations a scalar layer can apply ("linear" is the identity, for output layers). */
export type ScalarActivation = "relu" | "tanh" | "sigmoid" | "linear";

/**
 * How weights are drawn: "uniform" is micrograd's U(−1, 1); "he" is N(0, 2/d_in) and "glorot"
 * N(0, 2/(d_in + d_out)), drawn as `MatrixMLP` draws them. Biases start at 0.
 */
export type ScalarInit = "uniform" | "he" | "glorot";

const ACTIVATIONS: readonly ScalarActivation[] = ["relu", "tanh", "sigmoid", "linear"];

function checkActivation(where: string, a: unknown): ScalarActivation {
  if (!ACTIVATIONS.includes(a as ScalarActivation)) {
    throw new RangeError(`${where}: unknown activation ${JSON.stringify(a)}; use one of ${ACTIVATIONS.map((s) => `"${s}"`).join(", ")}`);
  }
  return a as ScalarActivation;
}

function checkSize(where: string, what: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`${where}: ${what} must be a positive integer, got ${String(n)}`);
  }
  return n;
}

function activate(z: Value, f: ScalarActivation): Value {
  switch (f) {
    case "relu":
      return z.relu();
    case "tanh":
      return z.tanh();
    case "sigmoid":
      return z.sigmoid();
    case "linear":
      return z;
  }
}

/** One neuron's weights as micrograd draws them, U(−1, 1). */
function drawRow(nIn: number, rng: Rng): number[] {
  return Array.from({ length: nIn }, () => rng.uniform(-1, 1));
}

/** A d_out × d_in weight matrix drawn by the chosen scheme from rng. */
function drawWeights(dOut: number, dIn: number, init: ScalarInit, rng: Rng): number[][] {
  if (init === "uniform") return Array.from({ length: dOut }, () => drawRow(dIn, rng));
  if (init !== "he" && init !== "glorot") throw new RangeError(`scalar MLP: unknown init ${JSON.stringify(init)}; use "uniform", "he" or "glorot"`);
  const W: Matrix = init === "he" ? heInit(dOut, dIn, rng) : glorotInit(dOut, dIn, rng);
  return W.toArray();
}

/** Options of a single neuron. */
export interface NeuronOptions {
  /** Default "relu". */
  activation?: ScalarActivation;
  /** Starting weights (length nIn); drawn U(−1, 1) from `rng` when absent. */
  weights?: readonly number[];
  /** Starting bias. Default 0. */
  bias?: number;
  /** Generator for the weights. Default `new Rng(0)`. */
  rng?: Rng;
}

/** One unit a = f(Σ wᵢxᵢ + b): the smallest piece a student can differentiate by hand. */
export class Neuron {
  /** The weights wᵢ, leaves of every graph this neuron builds: their grads are ∂L/∂wᵢ. */
  readonly w: Value[];
  /** The bias b, a leaf like the weights. */
  readonly b: Value;
  /** f in f(Σ wᵢxᵢ + b). */
  readonly activation: ScalarActivation;

  /** nIn inputs; weights given, or drawn U(−1, 1) from `rng` (seed 0 by default, so reproducible). */
  constructor(nIn: number, options: NeuronOptions = {}) {
    checkSize("Neuron", "nIn", nIn);
    this.activation = checkActivation("Neuron", options.activation ?? "relu");
    const w = options.weights ?? drawRow(nIn, options.rng ?? new Rng(0));
    if (w.length !== nIn) throw new RangeError(`Neuron: ${nIn} inputs but ${w.length} weights given`);
    this.w = w.map((wi, j) => new Value(wi, `w[${j}]`));
    this.b = new Value(options.bias ?? 0, "b");
  }

  /** z = Σ wᵢxᵢ + b as one sum node, then the activation. */
  forward(x: readonly Scalar[]): Value {
    if (x.length !== this.w.length) {
      throw new RangeError(`Neuron.forward: the neuron has ${this.w.length} weights but the input has ${x.length} entries`);
    }
    const terms = new Array<Value>(x.length + 1);
    for (let i = 0; i < x.length; i++) terms[i] = (this.w[i] as Value).mul(x[i] as Scalar);
    terms[x.length] = this.b;
    return activate(sum(terms), this.activation);
  }

  /** The weights then the bias. */
  parameters(): Value[] {
    return [...this.w, this.b];
  }

  /** Clears the grads of this neuron's parameters. */
  zeroParameterGrads(): void {
    zeroParameterGrads(this.parameters());
  }
}

/** Options of a layer. */
export interface LayerOptions {
  /** Default "relu". */
  activation?: ScalarActivation;
  /** Weight scheme. Default "uniform" (micrograd's). */
  init?: ScalarInit;
  /** Generator for the weights. Default `new Rng(0)`. */
  rng?: Rng;
  /** The layer number l, used in parameter labels W{l}[i,j] and b{l}[i]. Default 1. */
  index?: number;
}

/** nOut neurons reading the same nIn inputs: row i of W^(l) is neuron i's weights. */
export class Layer {
  /** Neuron i holds row i of W^(l) and b^(l)ᵢ. */
  readonly neurons: Neuron[];
  /** The activation every neuron of the layer applies. */
  readonly activation: ScalarActivation;

  /** A d_out × d_in layer, weights drawn by `init` from `rng` (seed 0 by default). */
  constructor(nIn: number, nOut: number, options: LayerOptions = {}) {
    checkSize("Layer", "nIn", nIn);
    checkSize("Layer", "nOut", nOut);
    this.activation = checkActivation("Layer", options.activation ?? "relu");
    const W = drawWeights(nOut, nIn, options.init ?? "uniform", options.rng ?? new Rng(0));
    const l = options.index ?? 1;
    this.neurons = W.map((row, i) => {
      const n = new Neuron(nIn, { activation: this.activation, weights: row });
      n.w.forEach((w, j) => (w.label = `W${l}[${i},${j}]`));
      n.b.label = `b${l}[${i}]`;
      return n;
    });
  }

  /** [d_out, d_in], the shape of W^(l) in the course's notation (and of MatrixMLP's W[l]). */
  get shape(): [number, number] {
    return [this.neurons.length, (this.neurons[0] as Neuron).w.length];
  }

  /** a = f(W x + b), one Value per neuron. */
  forward(x: readonly Scalar[]): Value[] {
    return this.neurons.map((n) => n.forward(x));
  }

  /** Every neuron's weights and bias, neuron by neuron. */
  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  /** Clears the grads of this layer's parameters. */
  zeroParameterGrads(): void {
    zeroParameterGrads(this.parameters());
  }
}

/** Options of a `ScalarMLP`. */
export interface ScalarMLPOptions {
  /** Activation of every hidden layer. Default "relu". */
  hidden?: ScalarActivation;
  /** Activation of the output layer. Default "linear". */
  output?: ScalarActivation;
  /** One activation per layer (length = sizes.length − 1), overriding hidden/output. */
  activations?: readonly ScalarActivation[];
  /** Weight scheme. Default "uniform" (micrograd's U(−1, 1)). */
  init?: ScalarInit;
  /** Seed of the weights. Default 0. */
  seed?: number;
}

/**
 * A scalar MLP with sizes [d₀, d₁, …, d_L]: layer l maps d_(l−1) inputs to d_l outputs. The
 * layers draw their weights in order from `Rng(seed).fork("init")`, as `MatrixMLP` does, so
 * with the same seed and scheme ("he" or "glorot") the two start from the same weights.
 */
export class ScalarMLP {
  /** [d₀, d₁, …, d_L]: the input size, then each layer's output size. */
  readonly sizes: number[];
  /** Layer l of the course is layers[l − 1]. */
  readonly layers: Layer[];

  /** sizes [d₀, …, d_L]; relu hidden and linear output by default, weights from `seed`. */
  constructor(sizes: readonly number[], options: ScalarMLPOptions = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new RangeError(`ScalarMLP: sizes must list at least the input and output sizes, got ${JSON.stringify(sizes)}`);
    }
    sizes.forEach((d, i) => checkSize("ScalarMLP", `sizes[${i}]`, d));
    const L = sizes.length - 1;
    const acts = options.activations ?? Array.from({ length: L }, (_, i) => (i === L - 1 ? options.output ?? "linear" : options.hidden ?? "relu"));
    if (acts.length !== L) throw new RangeError(`ScalarMLP: ${L} layers but ${acts.length} activations given`);
    const rng = new Rng(options.seed ?? 0).fork("init");
    const init = options.init ?? "uniform";
    this.sizes = [...sizes];
    this.layers = acts.map(
      (a, i) => new Layer(sizes[i] as number, sizes[i + 1] as number, { activation: checkActivation("ScalarMLP", a), init, rng, index: i + 1 }),
    );
  }

  /** The network's outputs for one example x (length d₀), one Value per output unit. */
  forward(x: readonly Scalar[]): Value[] {
    if (x.length !== this.sizes[0]) {
      throw new RangeError(`ScalarMLP.forward: the network takes ${this.sizes[0]} inputs but x has ${x.length} entries`);
    }
    let a: readonly Scalar[] = x;
    for (const layer of this.layers) a = layer.forward(a);
    return a as Value[];
  }

  /** All weights and biases, layer by layer, neuron by neuron (weights before bias). */
  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Clears the grads of every parameter, before the next backward. */
  zeroParameterGrads(): void {
    zeroParameterGrads(this.parameters());
  }

  /** e.g. "MLP 2-16-16-1 (relu, relu, linear), 337 parameters". */
  toString(): string {
    const n = this.sizes.slice(1).reduce((s, d, i) => s + d * ((this.sizes[i] as number) + 1), 0);
    return `MLP ${this.sizes.join("-")} (${this.layers.map((l) => l.activation).join(", ")}), ${n} parameters`;
  }
}

