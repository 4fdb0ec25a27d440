/**
 * Planted capstone runs, one per usual cause of a network that does not learn, written as a student
 * would write the loop (independently of solutions/14): exercise 07's backward pass (the worked
 * solution) inside minibatch SGD, with one slip switched on.
 */
import { mlpBackward } from "../../../solutions/07-mlp-backward";

export type CapstoneSlip = "none" | "huge-rate" | "tiny-rate" | "summed-over-batch" | "labels-not-one-hot";
type Data = { X: number[][]; labels: number[] };
type Net = { W: number[][][]; b: number[][]; hidden: "relu"; losses: number[] };

/** A seeded uniform generator (xorshift32), so two runs of the same input agree. */
function uniform(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function scores(net: Net, X: number[][], cols: number[]): number[][] {
  let a = X.map((r) => cols.map((j) => r[j]!));
  net.W.forEach((W, l) => {
    const z = W.map((row, i) => cols.map((_, m) => row.reduce((s, w, k) => s + w * a[k]![m]!, net.b[l]![i]!)));
    a = l === net.W.length - 1 ? z : z.map((r) => r.map((v) => Math.max(0, v)));
  });
  return a;
}

/** Targets for the columns `cols`: one-hot, or (the slip) the label's value in every row. */
function targets(labels: number[], cols: number[], slip: CapstoneSlip): number[][] {
  return Array.from({ length: 10 }, (_, c) => cols.map((j) => (slip === "labels-not-one-hot" ? labels[j]! : labels[j] === c ? 1 : 0)));
}

/**
 * Trains 784-32-10 with minibatches of 10 with the slip; returns what trainDigits returns. Five epochs
 * without a slip; a slip shows in two, which keeps the test short.
 */
export function plantedTrainDigits(data: Data, seed: number, slip: CapstoneSlip, epochs = slip === "none" ? 5 : 2): Net {
  const rand = uniform(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const sizes = [784, 32, 10];
  const fresh = (): Net => ({
    W: [0, 1].map((l) => Array.from({ length: sizes[l + 1]! }, () => Array.from({ length: sizes[l]! }, () => gauss() * Math.sqrt((l === 1 ? 0.1 : 2) / sizes[l]!)))),
    b: [new Array<number>(32).fill(0), new Array<number>(10).fill(0)],
    hidden: "relu",
    losses: [],
  });
  const net = fresh();
  const rate = slip === "huge-rate" ? 50 : slip === "tiny-rate" ? 1e-7 : 0.1;
  const N = data.labels.length;
  const probe = Array.from({ length: 300 }, (_, j) => j);
  const cost = () => {
    const a = scores(net, data.X, probe), y = targets(data.labels, probe, slip);
    let s = 0;
    a.forEach((r, i) => r.forEach((v, m) => (s += 0.5 * (v - y[i]![m]!) ** 2)));
    return s / probe.length;
  };
  net.losses = [cost()];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Array.from({ length: N }, (_, j) => j).sort(() => rand() - 0.5);
    for (let s = 0; s < N; s += 10) {
      const cols = order.slice(s, s + 10);
      // The batch slip: one backward pass per example and the gradients added up, so the step is
      // the sum over the batch instead of the mean (10 times too big).
      const parts = slip === "summed-over-batch" ? cols.map((j) => [j]) : [cols];
      const grads = parts.map((part) => mlpBackward({ W: net.W, b: net.b }, data.X.map((r) => part.map((j) => r[j]!)), targets(data.labels, part, slip), "relu", 1e-4));
      net.W.forEach((W, l) => W.forEach((row, i) => row.forEach((_, k) => (row[k]! -= rate * grads.reduce((t, g) => t + g.dW[l]![i]![k]!, 0)))));
      net.b.forEach((b, l) => b.forEach((_, i) => (b[i]! -= rate * grads.reduce((t, g) => t + g.db[l]![i]!, 0))));
    }
    net.losses.push(cost());
  }
  return structuredClone(net); // what the sandbox hands back: plain data, NaN and ∞ kept
}
