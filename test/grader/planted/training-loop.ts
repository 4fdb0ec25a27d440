/**
 * Exercise 13 written with one classic slip each, as a student would write it: a training loop
 * (and its parts) parameterised by the slip, around the worked exercise 07 (the loop exercise
 * builds on the student's own backward pass; a correct one is assumed here).
 */
import { mlpBackward } from "../../../solutions/07-mlp-backward";
import { mulberry32 } from "../../../src/grader/exercises/13-training-loop";
import { minibatchOrder as rightOrder, momentumStep as rightStep, train as rightTrain } from "../../../solutions/13-training-loop";

type Act = "relu" | "tanh" | "sigmoid";
interface Net { W: number[][][]; b: number[][] }
interface Grads { dW: number[][][]; db: number[][] }
interface Options { hidden: Act; rate: number; momentum: number; batchSize: number; epochs: number; lambda: number }
interface Data { X: number[][]; labels: number[] }

// The slips draw from the grader's own copy of the generator the stub hands students.
const makeRng = mulberry32;
const mapNet = (n: Net, f: (v: number, l: number, i: number, k: number) => number, fb: (v: number, l: number, i: number) => number): Net => ({
  W: n.W.map((W, l) => W.map((r, i) => r.map((v, k) => f(v, l, i, k)))),
  b: n.b.map((b, l) => b.map((v, i) => fb(v, l, i))),
});

// ---- momentumStep --------------------------------------------------------------------------------
export type StepSlip = "plain-sgd" | "other-sign" | "pytorch" | "old-velocity";
export const plantedStep = (slip: StepSlip) => (params: Net, velocity: Net, grads: Grads, rate: number, mu: number): { params: Net; velocity: Net } => {
  const newV = (v: number, g: number): number => (slip === "plain-sgd" ? -rate * g : slip === "other-sign" ? mu * v + rate * g : slip === "pytorch" ? mu * v + g : mu * v - rate * g);
  const v2 = mapNet(velocity, (v, l, i, k) => newV(v, grads.dW[l]![i]![k]!), (v, l, i) => newV(v, grads.db[l]![i]!));
  const move = (t: number, vOld: number, vNew: number): number => (slip === "other-sign" ? t - vNew : slip === "pytorch" ? t - rate * vNew : slip === "old-velocity" ? t + vOld : t + vNew);
  return { params: mapNet(params, (t, l, i, k) => move(t, velocity.W[l]![i]![k]!, v2.W[l]![i]![k]!), (t, l, i) => move(t, velocity.b[l]![i]!, v2.b[l]![i]!)), velocity: v2 };
};

// ---- minibatchOrder ------------------------------------------------------------------------------
export type OrderSlip = "no-shuffle" | "reseeded-every-epoch" | "restart-from-identity" | "drop-last";
export const plantedOrder = (slip: OrderSlip) => (n: number, batchSize: number, epochs: number, seed: number): number[][] => {
  let rand = makeRng(seed);
  let order = Array.from({ length: n }, (_, j) => j);
  const batches: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    if (slip === "reseeded-every-epoch") rand = makeRng(seed); // a fresh generator inside the epoch loop
    if (slip === "restart-from-identity" || slip === "reseeded-every-epoch") order = Array.from({ length: n }, (_, j) => j);
    if (slip !== "no-shuffle") {
      for (let i = n - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        [order[i], order[k]] = [order[k]!, order[i]!];
      }
    }
    const whole = slip === "drop-last" ? n - (n % batchSize) : n;
    for (let s = 0; s < whole; s += batchSize) batches.push(order.slice(s, s + batchSize));
  }
  return batches;
};

// ---- train ---------------------------------------------------------------------------------------
const f = (act: Act, z: number): number => (act === "relu" ? Math.max(0, z) : act === "tanh" ? Math.tanh(z) : 1 / (1 + Math.exp(-z)));
function forward(net: Net, X: number[][], hidden: Act): number[][] {
  let a = X;
  net.W.forEach((W, l) => {
    const z = W.map((row, i) => a[0]!.map((_, m) => row.reduce((s, w, k) => s + w * a[k]![m]!, net.b[l]![i]!)));
    a = l === net.W.length - 1 ? z : z.map((r) => r.map((v) => f(hidden, v)));
  });
  return a;
}
function lossAndProbs(Z: number[][], labels: number[]): { loss: number; P: number[][] } {
  const P = Z.map((r) => r.slice());
  let total = 0;
  labels.forEach((y, m) => {
    const top = Math.max(...Z.map((r) => r[m]!));
    const sum = Z.reduce((s, r) => s + Math.exp(r[m]! - top), 0);
    P.forEach((r, c) => (r[m] = Math.exp(Z[c]![m]! - top) / sum));
    total += top + Math.log(sum) - Z[y]![m]!;
  });
  return { loss: total / labels.length, P };
}
const decay = (net: Net, lambda: number): number => 0.5 * lambda * net.W.flat(2).reduce((s, w) => s + w * w, 0);

export type LoopSlip = "plain-sgd" | "momentum-ascent" | "gradient-summed" | "loss-after-update" | "squared-error-gradient" | "same-order-every-epoch" | "drop-last";
export const plantedTrain = (slip: LoopSlip) => (net: Net, data: Data, o: Options, seed: number): { W: number[][][]; b: number[][]; losses: number[] } => {
  let params: Net = mapNet(net, (v) => v, (v) => v);
  let velocity: Net = mapNet(net, () => 0, () => 0);
  const order = slip === "same-order-every-epoch" ? plantedOrder("reseeded-every-epoch") : slip === "drop-last" ? plantedOrder("drop-last") : rightOrder;
  const cost = (p: Net, X: number[][], y: number[]): { loss: number; Z: number[][]; P: number[][] } => {
    const Z = forward(p, X, o.hidden);
    const { loss, P } = lossAndProbs(Z, y);
    return { loss: loss + decay(p, o.lambda), Z, P };
  };
  const losses: number[] = [];
  for (const cols of order(data.labels.length, o.batchSize, o.epochs, seed)) {
    const X = data.X.map((r) => cols.map((j) => r[j]!));
    const y = cols.map((j) => data.labels[j]!);
    const { loss, Z, P } = cost(params, X, y);
    const onehot = Z.map((r, c) => r.map((_, m) => (y[m] === c ? 1 : 0)));
    const T = slip === "squared-error-gradient" ? onehot : Z.map((r, c) => r.map((z, m) => z - (P[c]![m]! - onehot[c]![m]!)));
    let grads = mlpBackward(params, X, T, o.hidden, o.lambda);
    if (slip === "gradient-summed") {
      // the data term summed over the batch: M times the mean's gradient (the decay term once)
      const M = cols.length;
      grads = { dW: grads.dW.map((W, l) => W.map((r, i) => r.map((g, k) => M * (g - o.lambda * params.W[l]![i]![k]!) + o.lambda * params.W[l]![i]![k]!))), db: grads.db.map((b) => b.map((g) => M * g)) };
    }
    if (slip === "plain-sgd") velocity = mapNet(net, () => 0, () => 0); // reset every step
    // the ascent: v ← μv + ηg, then θ ← θ + v
    ({ params, velocity } = rightStep(params, velocity, grads, slip === "momentum-ascent" ? -o.rate : o.rate, o.momentum));
    losses.push(slip === "loss-after-update" ? cost(params, X, y).loss : loss);
  }
  return { W: params.W, b: params.b, losses };
};

// ---- the sanity checks ---------------------------------------------------------------------------
function network(sizes: number[], seed: number, std: number): Net {
  const rand = makeRng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return { W: sizes.slice(1).map((d, l) => Array.from({ length: d }, () => Array.from({ length: sizes[l]! }, () => std * normal()))), b: sizes.slice(1).map((d) => new Array<number>(d).fill(0)) };
}
export type InitialSlip = "weights-too-large" | "loss-summed" | "log2";
export const plantedInitial = (slip: InitialSlip) => (sizes: number[], hidden: Act, data: Data, seed: number): { W: number[][][]; b: number[][]; loss: number; lnC: number } => {
  const net = network(sizes, seed, slip === "weights-too-large" ? 1 : 0.01);
  const { loss } = lossAndProbs(forward(net, data.X, hidden), data.labels);
  const C = sizes[sizes.length - 1]!;
  return { ...net, loss: slip === "loss-summed" ? loss * data.labels.length : loss, lnC: slip === "log2" ? Math.log2(C) : Math.log(C) };
};
export type OverfitSlip = "too-few-epochs" | "momentum-ascent";
export const plantedOverfit = (slip: OverfitSlip) => (sizes: number[], hidden: Act, data: Data, seed: number): { W: number[][][]; b: number[][]; losses: number[]; accuracy: number } => {
  const start = network(sizes, seed, 0.01);
  start.W[0] = start.W[0]!.map((row) => row.map((w) => 50 * w));
  const run = slip === "momentum-ascent" ? plantedTrain("momentum-ascent") : rightTrain;
  const { W, b, losses } = run(start, data, { hidden, rate: 0.2, momentum: 0.9, batchSize: data.labels.length, epochs: slip === "too-few-epochs" ? 3 : 100, lambda: 0 }, seed);
  const Z = forward({ W, b }, data.X, hidden);
  const right = data.labels.filter((y, m) => Z.every((r) => r[m]! <= Z[y]![m]!)).length;
  return { W, b, losses, accuracy: right / data.labels.length };
};
