/**
 * Worked solution for exercise 13: minibatch SGD with momentum around exercise 07's backward pass,
 * a seeded shuffle, and the two sanity checks (initial loss ≈ ln C; 20 examples overfit).
 */
import { mlpBackward } from "./07-mlp-backward";

type Act = "relu" | "tanh" | "sigmoid";
interface Net { W: number[][][]; b: number[][] }
interface Options { hidden: Act; rate: number; momentum: number; batchSize: number; epochs: number; lambda: number }

/** Given by the exercise: the seeded generator (mulberry32), uniform numbers in [0, 1). */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** v ← μv − ηg, then θ ← θ + v, on fresh arrays. */
export function momentumStep(params: Net, velocity: Net, grads: { dW: number[][][]; db: number[][] }, rate: number, momentum: number): { params: Net; velocity: Net } {
  const vW = velocity.W.map((V, l) => V.map((row, i) => row.map((v, k) => momentum * v - rate * grads.dW[l]![i]![k]!)));
  const vb = velocity.b.map((V, l) => V.map((v, i) => momentum * v - rate * grads.db[l]![i]!));
  return {
    params: { W: params.W.map((W, l) => W.map((row, i) => row.map((w, k) => w + vW[l]![i]![k]!))), b: params.b.map((b, l) => b.map((x, i) => x + vb[l]![i]!)) },
    velocity: { W: vW, b: vb },
  };
}

/** One generator; each epoch shuffles the running order in place (Fisher–Yates from the end), then cuts it into batches. */
export function minibatchOrder(n: number, batchSize: number, epochs: number, seed: number): number[][] {
  const rand = makeRng(seed);
  const order = Array.from({ length: n }, (_, j) => j);
  const batches: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    for (let s = 0; s < n; s += batchSize) batches.push(order.slice(s, s + batchSize));
  }
  return batches;
}

const f = (act: Act, z: number): number => (act === "relu" ? Math.max(0, z) : act === "tanh" ? Math.tanh(z) : 1 / (1 + Math.exp(-z)));

/** The output scores a^L (linear output) for the columns of X. */
function forward(net: Net, X: number[][], hidden: Act): number[][] {
  let a = X;
  net.W.forEach((W, l) => {
    const z = W.map((row, i) => a[0]!.map((_, m) => row.reduce((s, w, k) => s + w * a[k]![m]!, net.b[l]![i]!)));
    a = l === net.W.length - 1 ? z : z.map((r) => r.map((v) => f(hidden, v)));
  });
  return a;
}

/** Column-wise softmax, shifted by each column's largest score so exp never overflows. */
function softmax(Z: number[][]): number[][] {
  const P = Z.map((r) => r.slice());
  for (let m = 0; m < Z[0]!.length; m++) {
    const top = Math.max(...Z.map((r) => r[m]!));
    let sum = 0;
    for (const r of P) sum += r[m] = Math.exp(r[m]! - top);
    for (const r of P) r[m]! /= sum;
  }
  return P;
}

/** Mean cross-entropy of softmax(Z) against the labels, computed as log-sum-exp − z_y. */
function meanCrossEntropy(Z: number[][], labels: number[]): number {
  let total = 0;
  labels.forEach((y, m) => {
    const col = Z.map((r) => r[m]!);
    const top = Math.max(...col);
    total += top + Math.log(col.reduce((s, z) => s + Math.exp(z - top), 0)) - col[y]!;
  });
  return total / labels.length;
}

const decay = (net: Net, lambda: number): number => 0.5 * lambda * net.W.reduce((s, W) => s + W.reduce((t, row) => t + row.reduce((u, w) => u + w * w, 0), 0), 0);
const columns = (X: number[][], cols: number[]): number[][] => X.map((row) => cols.map((j) => row[j]!));

/**
 * One minibatch: its cost J before the update, and ∂J/∂θ. mlpBackward differentiates
 * ½‖a^L − T‖², whose output error is a^L − T; the softmax cross-entropy's is softmax(a^L) − Y, so
 * the target T = a^L − (softmax(a^L) − Y) makes it return the softmax gradient.
 */
function batchGradient(net: Net, X: number[][], labels: number[], hidden: Act, lambda: number): { loss: number; grads: { dW: number[][][]; db: number[][] } } {
  const Z = forward(net, X, hidden);
  const P = softmax(Z);
  const T = Z.map((r, c) => r.map((z, m) => z - (P[c]![m]! - (labels[m] === c ? 1 : 0))));
  return { loss: meanCrossEntropy(Z, labels) + decay(net, lambda), grads: mlpBackward(net, X, T, hidden, lambda) };
}

export function train(net: Net, data: { X: number[][]; labels: number[] }, options: Options, seed: number): { W: number[][][]; b: number[][]; losses: number[] } {
  const { hidden, rate, momentum, batchSize, epochs, lambda } = options;
  let params: Net = { W: net.W.map((W) => W.map((r) => r.slice())), b: net.b.map((b) => b.slice()) };
  let velocity: Net = { W: net.W.map((W) => W.map((r) => r.map(() => 0))), b: net.b.map((b) => b.map(() => 0)) };
  const losses: number[] = [];
  for (const cols of minibatchOrder(data.labels.length, batchSize, epochs, seed)) {
    const { loss, grads } = batchGradient(params, columns(data.X, cols), cols.map((j) => data.labels[j]!), hidden, lambda);
    losses.push(loss);
    ({ params, velocity } = momentumStep(params, velocity, grads, rate, momentum));
  }
  return { W: params.W, b: params.b, losses };
}

/** A network with small weights (σ = 0.01, drawn from the seed) and zero biases. */
function smallNetwork(sizes: number[], seed: number): Net {
  const rand = makeRng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return {
    W: sizes.slice(1).map((d, l) => Array.from({ length: d }, () => Array.from({ length: sizes[l]! }, () => 0.01 * normal()))),
    b: sizes.slice(1).map((d) => new Array<number>(d).fill(0)),
  };
}

export function initialLossCheck(sizes: number[], hidden: Act, data: { X: number[][]; labels: number[] }, seed: number): { W: number[][][]; b: number[][]; loss: number; lnC: number } {
  const net = smallNetwork(sizes, seed);
  return { ...net, loss: meanCrossEntropy(forward(net, data.X, hidden), data.labels), lnC: Math.log(sizes[sizes.length - 1]!) };
}

export function overfitSmall(sizes: number[], hidden: Act, data: { X: number[][]; labels: number[] }, seed: number): { W: number[][][]; b: number[][]; losses: number[]; accuracy: number } {
  // larger first weights than the sanity check's, so the hidden units start out different
  const start = smallNetwork(sizes, seed);
  start.W[0] = start.W[0]!.map((row) => row.map((w) => 50 * w));
  const accuracyOf = (net: Net): number => {
    const Z = forward(net, data.X, hidden);
    return data.labels.filter((y, m) => Z.every((r) => r[m]! <= Z[y]![m]!)).length / data.labels.length;
  };
  // rounds of 100 full-batch epochs until every example is right (each round restarts the velocity)
  let net: Net = start;
  const losses: number[] = [];
  for (let round = 0; round < 20 && (round === 0 || accuracyOf(net) < 1); round++) {
    const r = train(net, data, { hidden, rate: 0.2, momentum: 0.9, batchSize: data.labels.length, epochs: 100, lambda: 0 }, seed + round);
    losses.push(...r.losses);
    net = { W: r.W, b: r.b };
  }
  return { ...net, losses, accuracy: accuracyOf(net) };
}
