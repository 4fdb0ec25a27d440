/**
 * Worked solution for exercise 14: exercise 07's backward pass inside a minibatch SGD loop, with a
 * small seeded generator so that every run of the same input gives the same network.
 */
import { mlpBackward } from "./07-mlp-backward";

type Act = "relu" | "tanh" | "sigmoid";

/** mulberry32: a tiny seeded generator of uniform numbers in [0, 1). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
const normal = (rand: () => number): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** The network's output a^L for the columns `cols` of X (linear output layer, as in exercise 07). */
function forward(W: number[][][], b: number[][], X: number[][], cols: number[], hidden: Act): number[][] {
  let a = X.map((row) => cols.map((j) => row[j]!));
  W.forEach((Wl, l) => {
    const z = Wl.map((wRow, i) => cols.map((_, m) => wRow.reduce((s, w, k) => s + w * a[k]![m]!, b[l]![i]!)));
    a = l === W.length - 1 ? z : z.map((r) => r.map((v) => (hidden === "relu" ? Math.max(0, v) : hidden === "tanh" ? Math.tanh(v) : 1 / (1 + Math.exp(-v)))));
  });
  return a;
}

/** Mean of ½‖a − y‖² over the columns `cols`, y one-hot from the labels. */
function cost(W: number[][][], b: number[][], X: number[][], labels: number[], cols: number[], hidden: Act): number {
  const a = forward(W, b, X, cols, hidden);
  let total = 0;
  cols.forEach((j, m) => a.forEach((row, i) => (total += 0.5 * (row[m]! - (labels[j] === i ? 1 : 0)) ** 2)));
  return total / cols.length;
}

export function trainDigits(
  data: { X: number[][]; labels: number[] },
  seed: number,
): { W: number[][][]; b: number[][]; hidden: Act; losses: number[] } {
  const { X, labels } = data;
  const N = labels.length;
  const sizes = [X.length, 32, 10];
  const hidden: Act = "relu";
  const [rate, batch, epochs, lambda] = [0.1, 10, 5, 1e-4];
  const rand = generator(seed);
  // A fresh network on every call: He's variance 2/d_in for the ReLU layer, a small one (0.1/d_in)
  // for the linear output so the first scores sit near 0 and the squared error starts small; biases 0.
  const W = sizes.slice(1).map((dOut, l) => {
    const variance = (l === sizes.length - 2 ? 0.1 : 2) / sizes[l]!;
    return Array.from({ length: dOut }, () => Array.from({ length: sizes[l]! }, () => normal(rand) * Math.sqrt(variance)));
  });
  const b = sizes.slice(1).map((dOut) => new Array<number>(dOut).fill(0));
  const probe = Array.from({ length: Math.min(N, 300) }, (_, j) => j);
  const losses = [cost(W, b, X, labels, probe, hidden)];
  const order = Array.from({ length: N }, (_, j) => j);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = N - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    for (let s = 0; s < N; s += batch) {
      const cols = order.slice(s, s + batch);
      const Xb = X.map((row) => cols.map((j) => row[j]!));
      const Yb = Array.from({ length: 10 }, (_, c) => cols.map((j) => (labels[j] === c ? 1 : 0))); // one-hot columns
      const { dW, db } = mlpBackward({ W, b }, Xb, Yb, hidden, lambda);
      W.forEach((Wl, l) => Wl.forEach((row, i) => row.forEach((_, k) => (row[k]! -= rate * dW[l]![i]![k]!))));
      b.forEach((bl, l) => bl.forEach((_, i) => (bl[i]! -= rate * db[l]![i]!)));
    }
    losses.push(cost(W, b, X, labels, probe, hidden));
  }
  return { W, b, hidden, losses };
}
