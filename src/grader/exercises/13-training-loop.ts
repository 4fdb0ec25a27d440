/**
 * Exercise 13 (exercises/13-training-loop.ts): the student's own training loop around their
 * `mlpBackward` from exercise 07, in five gradable parts: the momentum update, the seeded minibatch
 * order, the loop itself, and CS231n's two sanity checks (the initial softmax loss with small
 * weights is close to ln C; the loop overfits 20 examples).
 *
 * The loop is graded by trajectory replay: the grader runs its own loop (its own forward and
 * softmax backward, its own shuffle, the same initial network and seed) and compares the student's
 * loss history step by step, so a loop that is right earns full marks and one that goes astray
 * earns the steps before it did. On a seeded three-armed spiral it also checks that the loss fell
 * and that the returned network classifies held-out points the student never saw. A wrong loop is
 * diagnosed by replaying it with each classic slip and naming the slip only when exactly one
 * replay matches the student's losses.
 */
import { Rng } from "../../engine/random";
import { spirals } from "../../engine/datasets";
import { Matrix } from "../../nn/matrix";
import type { CaseVerdict, Exercise, GradeCase } from "../contract";
import { isRecord } from "../judge";
import { ACTIVATIONS, accuracyOf, forwardLayers, type Act } from "./activations";
import { weightShapes } from "./rows";

type Rows = number[][];
// type aliases, not interfaces, so a network, a data set and the options are Json as they stand (case arguments)
/** A network in exercise 07's layout: W[l−1] is W^l (d_l × d_(l−1), rows), b[l−1] is b^l. */
export type Net = { W: Rows[]; b: number[][] };
/** The loop's hyper-parameters, as the student receives them. */
export type LoopOptions = { hidden: Act; rate: number; momentum: number; batchSize: number; epochs: number; lambda: number };
type Data = { X: Rows; labels: number[] };

// ---- the exercise's generator and shuffle --------------------------------------------------------
/** mulberry32, the generator the stub gives the student: uniform numbers in [0, 1) from a seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Swap two entries of an array in place. */
function swap(xs: number[], i: number, k: number): void {
  [xs[i], xs[k]] = [xs[k]!, xs[i]!];
}

type OrderSlip = "right" | "no-shuffle" | "same-every-epoch" | "restart-from-identity" | "drop-last" | "forward-fisher-yates";
/** The contract's order (or one with a slip): one generator; each epoch shuffles the running order in place, Fisher–Yates from the last index down; batches cut in order, the last one may be smaller. */
export function referenceOrder(n: number, batchSize: number, epochs: number, seed: number, slip: OrderSlip = "right"): number[][] {
  let rand = mulberry32(seed);
  let order = Array.from({ length: n }, (_, j) => j);
  const batches: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    if (slip === "same-every-epoch") {
      rand = mulberry32(seed);
      order = Array.from({ length: n }, (_, j) => j);
    }
    if (slip === "restart-from-identity") order = Array.from({ length: n }, (_, j) => j);
    if (slip === "forward-fisher-yates") {
      for (let i = 0; i < n - 1; i++) {
        const k = i + Math.floor(rand() * (n - i));
        swap(order, i, k);
      }
    } else if (slip !== "no-shuffle") {
      for (let i = n - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        swap(order, i, k);
      }
    }
    for (let s = 0; s < n; s += batchSize) if (slip !== "drop-last" || s + batchSize <= n) batches.push(order.slice(s, s + batchSize));
  }
  return batches;
}

// ---- the momentum step ---------------------------------------------------------------------------
type StepSlip = "right" | "plain-sgd" | "other-sign-convention" | "rate-on-velocity" | "old-velocity";
/** v ← μv − ηg, θ ← θ + v (the contract), or one of the slips, on one parameter θ with its velocity v and gradient g. */
function stepValue(t: number, v: number, g: number, rate: number, mu: number, slip: StepSlip): { theta: number; v: number } {
  const nv =
    slip === "plain-sgd" ? -rate * g
    : slip === "other-sign-convention" ? mu * v + rate * g
    : slip === "rate-on-velocity" ? mu * v + g
    : mu * v - rate * g;
  const nt =
    slip === "other-sign-convention" ? t - nv
    : slip === "rate-on-velocity" ? t - rate * nv
    : slip === "old-velocity" ? t + v
    : t + nv;
  return { theta: nt, v: nv };
}

/** Flatten a network (every W row by row, then every b) and back. */
const flat = (n: Net): number[] => [...n.W.flatMap((W) => W.flat()), ...n.b.flat()];
function unflat(shape: Net, xs: number[]): Net {
  let k = 0;
  const next = (): number => xs[k++]!;
  return { W: shape.W.map((W) => W.map((r) => r.map(next))), b: shape.b.map((b) => b.map(next)) };
}

/** The trusted momentum step (or a slip) on whole networks. */
export function referenceStep(params: Net, velocity: Net, grads: { dW: Rows[]; db: number[][] }, rate: number, mu: number, slip: StepSlip = "right"): { params: Net; velocity: Net } {
  const v = flat(velocity), g = flat({ W: grads.dW, b: grads.db });
  const r = flat(params).map((t, i) => stepValue(t, v[i]!, g[i]!, rate, mu, slip));
  return { params: unflat(params, r.map((p) => p.theta)), velocity: unflat(params, r.map((p) => p.v)) };
}

// ---- the trusted loop ----------------------------------------------------------------------------
/** Mean softmax cross-entropy of the scores Z (C × M) against the labels, by log-sum-exp, and softmax(Z). */
function softmaxLoss(Z: Matrix, labels: number[]): { loss: number; P: Matrix } {
  const P = Matrix.zeros(Z.rows, Z.cols);
  let total = 0;
  for (let m = 0; m < Z.cols; m++) {
    let top = -Infinity;
    for (let c = 0; c < Z.rows; c++) top = Math.max(top, Z.get(c, m));
    let sum = 0;
    for (let c = 0; c < Z.rows; c++) sum += Math.exp(Z.get(c, m) - top);
    for (let c = 0; c < Z.rows; c++) P.set(c, m, Math.exp(Z.get(c, m) - top) / sum);
    total += top + Math.log(sum) - Z.get(labels[m]!, m);
  }
  return { loss: total / Z.cols, P };
}

const toMatrices = (n: Net): { W: Matrix[]; b: Matrix[] } => ({ W: n.W.map((w) => Matrix.from(w)), b: n.b.map((b) => Matrix.column(b)) });
const decayOf = (W: Matrix[], lambda: number): number => 0.5 * lambda * W.reduce((s, w) => s + w.data.reduce((t, v) => t + v * v, 0), 0);

type LoopSlip = "right" | "plain-sgd" | "momentum-ascent" | "gradient-summed" | "loss-after-update" | "squared-error-gradient" | "order-same-every-epoch" | "order-no-shuffle" | "order-drop-last";
/**
 * The cost J = mean softmax cross-entropy + (λ/2)Σ‖W‖² on one minibatch, and its gradient, by the
 * softmax delta (P − Y)/M and the δ recurrence (written here, independently of exercise 07's judge).
 */
function batchCost(net: Net, X: Matrix, labels: number[], o: LoopOptions, slip: LoopSlip): { loss: number; grads: { dW: Rows[]; db: number[][] } } {
  const m = toMatrices(net);
  const { zs, as } = forwardLayers(m, X, o.hidden);
  const L = m.W.length;
  const scores = as[L]!;
  const { loss, P } = softmaxLoss(scores, labels);
  const M = X.cols;
  const scale = slip === "gradient-summed" ? 1 : 1 / M;
  let delta = (slip === "squared-error-gradient" ? scores : P).map((v, c, j) => (v - (labels[j] === c ? 1 : 0)) * scale);
  const dW: Rows[] = [], db: number[][] = [];
  for (let l = L - 1; l >= 0; l--) {
    dW[l] = delta.matmul(as[l]!.T()).add(m.W[l]!.scale(o.lambda)).toArray();
    db[l] = delta.sumRows().toFlatArray();
    if (l > 0) delta = m.W[l]!.T().matmul(delta).mul(zs[l - 1]!.map((v) => ACTIVATIONS[o.hidden].df(v)));
  }
  return { loss: loss + decayOf(m.W, o.lambda), grads: { dW, db } };
}

/** The trusted loop (or one with a slip): per-step losses before each update, and the final network. */
export function referenceTrain(net: Net, data: Data, o: LoopOptions, seed: number, slip: LoopSlip = "right", maxSteps = Infinity): { W: Rows[]; b: number[][]; losses: number[] } {
  const orderSlip: OrderSlip = slip === "order-same-every-epoch" ? "same-every-epoch" : slip === "order-no-shuffle" ? "no-shuffle" : slip === "order-drop-last" ? "drop-last" : "right";
  const stepSlip: StepSlip = slip === "plain-sgd" ? "plain-sgd" : "right";
  const X = Matrix.from(data.X);
  let params: Net = net;
  let velocity: Net = unflat(net, flat(net).map(() => 0));
  const losses: number[] = [];
  for (const cols of referenceOrder(data.labels.length, o.batchSize, o.epochs, seed, orderSlip).slice(0, maxSteps)) {
    const Xb = X.selectColumns(cols);
    const yb = cols.map((j) => data.labels[j]!);
    const { loss, grads } = batchCost(params, Xb, yb, o, slip);
    // the velocity's sign the wrong way round climbs the loss: v ← μv + ηg, θ ← θ + v
    ({ params, velocity } = slip === "momentum-ascent" ? referenceStep(params, velocity, grads, -o.rate, o.momentum) : referenceStep(params, velocity, grads, o.rate, o.momentum, stepSlip));
    losses.push(slip === "loss-after-update" ? batchCost(params, Xb, yb, o, "right").loss : loss);
  }
  return { W: params.W, b: params.b, losses };
}

// ---- the problems ------------------------------------------------------------------------------
/** Points in the spiral problems: the student trains on the first half, the grader keeps the second. */
const SPIRAL_POINTS = 150;
/** Held-out accuracy the spiral cases ask for; the trusted loop reaches about 0.9 on them (measured in test/grader/training-loop.test.ts). */
export const HELD_OUT_TARGET = 0.75;
/** The hyper-parameters of the spiral cases. */
const SPIRAL_OPTIONS: Omit<LoopOptions, "hidden"> = { rate: 0.1, momentum: 0.9, batchSize: 10, epochs: 60, lambda: 1e-4 };
const SPIRAL_HIDDEN = 32;

/** The seeded three-armed spiral (CS231n's): columns are points; the train half and the held-out half. */
export function spiralProblem(seed: number): { train: Data; test: Data } {
  const d = spirals(2 * SPIRAL_POINTS, { seed, classes: 3, noise: 0.15 });
  const part = (from: number): Data => {
    const pts = d.X.slice(from, from + SPIRAL_POINTS);
    return { X: [pts.map((p) => p[0]!), pts.map((p) => p[1]!)], labels: d.y.slice(from, from + SPIRAL_POINTS) };
  };
  return { train: part(0), test: part(SPIRAL_POINTS) };
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
/** A network with He-scaled weights for the hidden layers and small output weights; biases 0. */
function initialNet(rng: Rng, sizes: number[]): Net {
  return {
    W: weightShapes(sizes).map(([d, fanIn], l) => {
      const std = l === sizes.length - 2 ? 0.1 / Math.sqrt(fanIn) : Math.sqrt(2 / fanIn);
      return Array.from({ length: d }, () => Array.from({ length: fanIn }, () => round(rng.normal(0, std))));
    }),
    b: sizes.slice(1).map((d) => Array.from({ length: d }, () => 0)),
  };
}
/** Random labelled points: X is d × n (columns are examples), every class present. */
function randomData(rng: Rng, d: number, n: number, C: number): Data {
  const labels = Array.from({ length: n }, (_, j) => (j < C ? j : rng.int(C)));
  return { X: Array.from({ length: d }, () => Array.from({ length: n }, () => round(rng.normal(0, 1)))), labels };
}
const ACTS: Act[] = ["relu", "tanh", "sigmoid"];

function spiralCase(name: string, visible: boolean, seed: number, hidden: Act): GradeCase {
  const { train } = spiralProblem(seed);
  const net = initialNet(new Rng(seed).fork("training-loop/init"), [2, SPIRAL_HIDDEN, 3]);
  return { name, visible, args: [net, train, { hidden, ...SPIRAL_OPTIONS }, seed] };
}
/** A short replay on random data: options from the seed, the last batch partial or not. */
function shortLoopCase(name: string, visible: boolean, rng: Rng, pick: { hidden: Act; momentum: number; lambda: number; partial: boolean; deep?: boolean }): GradeCase {
  const d0 = 2 + rng.int(4), C = 2 + rng.int(3), batchSize = 3 + rng.int(5);
  const n = batchSize * (2 + rng.int(3)) + (pick.partial ? 1 + rng.int(batchSize - 1) : 0);
  const sizes = !(pick.deep ?? rng.next() < 0.5) ? [d0, 4 + rng.int(6), C] : [d0, 4 + rng.int(4), 3 + rng.int(4), C];
  const options: LoopOptions = { hidden: pick.hidden, rate: round(rng.uniform(0.05, 0.3)), momentum: pick.momentum, batchSize, epochs: 2 + rng.int(3), lambda: pick.lambda };
  return { name, visible, args: [initialNet(rng, sizes), randomData(rng, d0, n, C), options, 1 + rng.int(1_000_000)] };
}

// ---- judging helpers -----------------------------------------------------------------------------
const isNumbers = (v: unknown, n?: number): v is number[] => Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === "number");
const isRows = (v: unknown, r: number, c: number): v is Rows => Array.isArray(v) && v.length === r && v.every((row) => isNumbers(row, c));
/** The returned { W, b } if it has the layout of `like`, or what is wrong with it. */
function readNet(o: { W?: unknown; b?: unknown }, like: Net, what: string): Net | string {
  const { W, b } = o;
  if (!Array.isArray(W) || W.length !== like.W.length) return `${what}W: return ${like.W.length} weight matrices (W[l−1] is W^l)`;
  if (!Array.isArray(b) || b.length !== like.b.length) return `${what}b: return ${like.b.length} bias vectors`;
  const net: Net = { W: [], b: [] };
  for (const [l, w] of like.W.entries()) {
    const [r, c] = [w.length, w[0]!.length];
    const gotW: unknown = W[l], gotB: unknown = b[l];
    if (!isRows(gotW, r, c)) return `${what}W[${l}]: return a ${r}×${c} matrix as an array of rows (d_${l + 1} × d_${l})`;
    if (!isNumbers(gotB, r)) return `${what}b[${l}]: return ${r} numbers, a plain array`;
    net.W.push(gotW);
    net.b.push(gotB);
  }
  return net;
}
const closeTo = (a: number[], b: number[], abs: number, rel: number): boolean => a.length === b.length && a.every((x, i) => { const y = b[i]!; return Math.abs(x - y) <= abs + rel * Math.abs(y); });
const sizesOf = (sizes: number[]): Net => ({ W: weightShapes(sizes).map(([d, n]) => Array.from({ length: d }, () => new Array<number>(n).fill(0))), b: sizes.slice(1).map((d) => new Array<number>(d).fill(0)) });
/** The network's output scores on the data (C × examples). */
const scoresOf = (net: Net, data: Data, act: Act): Matrix => forwardLayers(toMatrices(net), Matrix.from(data.X), act).as[net.W.length]!;
const accuracy = (net: Net, data: Data, act: Act): number => accuracyOf(scoresOf(net, data, act), data.labels);
const meanLoss = (net: Net, data: Data, act: Act): number => softmaxLoss(scoresOf(net, data, act), data.labels).loss;
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
/** Which of several slip models the evidence matches; a name only when exactly one does. */
function single<T extends { id: string }>(models: T[], matches: (m: T) => boolean): T | undefined {
  const hit = models.filter(matches);
  return hit.length === 1 ? hit[0] : undefined;
}

// ---- momentum-step -------------------------------------------------------------------------------
const STEP_SLIPS: { slip: StepSlip; id: string; feedback: string }[] = [
  { slip: "plain-sgd", id: "velocity-not-carried", feedback: "the new velocity ignores the old one: that is plain SGD; the contract's velocity keeps μ times the previous velocity" },
  { slip: "other-sign-convention", id: "velocity-sign-convention", feedback: "your velocity has the opposite sign to the contract's: here v ← μv − ηg and θ ← θ + v (the conventions table, row \"momentum\"), so the velocity you are given points downhill" },
  { slip: "rate-on-velocity", id: "rate-on-velocity", feedback: "you used the convention v ← μv + g, θ ← θ − ηv (PyTorch's); this exercise puts the rate inside the velocity: v ← μv − ηg, θ ← θ + v (conventions table, row \"momentum\")" },
  { slip: "old-velocity", id: "moved-with-old-velocity", feedback: "θ moved by the velocity of the previous step: update the velocity first, then move θ by the new one" },
];

function judgeStep(c: GradeCase, out: unknown): CaseVerdict {
  const [params, velocity, grads, rate, mu] = c.args as [Net, Net, { dW: Rows[]; db: number[][] }, number, number];
  if (!isRecord(out)) return { score: 0, feedback: "return an object { params, velocity }, each { W, b }" };
  const part = (k: "params" | "velocity"): Net | string => {
    const x = out[k];
    return x !== null && typeof x === "object" ? readNet(x, params, `${k}.`) : `${k}: return { W, b } in exercise 07's layout`;
  };
  const [p, v] = [part("params"), part("velocity")];
  if (typeof p === "string" || typeof v === "string") return { score: 0, feedback: [p, v].filter((x) => typeof x === "string").join("; ") };
  const [gotP, gotV] = [flat(p), flat(v)];
  const want = referenceStep(params, velocity, grads, rate, mu);
  const ok = (got: number[], w: Net): boolean => closeTo(got, flat(w), 1e-12, 1e-10);
  const pOk = ok(gotP, want.params), vOk = ok(gotV, want.velocity);
  const score = (Number(pOk) + Number(vOk)) / 2;
  if (score === 1) return { score, feedback: "correct" };
  const slip = single(STEP_SLIPS.map((s) => ({ ...s, r: referenceStep(params, velocity, grads, rate, mu, s.slip) })), (s) => ok(gotP, s.r.params) && ok(gotV, s.r.velocity) && !(ok(flat(s.r.params), want.params) && ok(flat(s.r.velocity), want.velocity)));
  const notes = [...(pOk ? [] : ["params is wrong"]), ...(vOk ? [] : ["velocity is wrong"])];
  return { score, feedback: [...(slip ? [slip.feedback] : []), ...notes].join("; "), ...(slip ? { diagnosis: slip.id } : {}) };
}

function stepCase(name: string, visible: boolean, rng: Rng, mu: number, layers: number): GradeCase {
  const sizes = [1 + rng.int(4), ...Array.from({ length: layers }, () => 1 + rng.int(4))];
  const rand = (): Net => {
    const n = sizesOf(sizes);
    return unflat(n, flat(n).map(() => round(rng.normal(0, 1))));
  };
  const g = rand();
  return { name, visible, args: [rand(), rand(), { dW: g.W, db: g.b }, round(rng.uniform(0.01, 0.5)), mu] };
}

// ---- minibatch-order -----------------------------------------------------------------------------
const ORDER_SLIPS: { slip: OrderSlip; id: string; feedback: string }[] = [
  { slip: "no-shuffle", id: "not-shuffled", feedback: "the batches follow 0, 1, 2, …: every epoch must shuffle the order first" },
  { slip: "same-every-epoch", id: "same-order-every-epoch", feedback: "every epoch has the same order: make ONE generator from the seed before the first epoch and keep drawing from it, shuffling the running order again each epoch" },
  { slip: "restart-from-identity", id: "shuffle-restarted", feedback: "each epoch shuffles 0, 1, …, n−1 afresh; the contract shuffles the previous epoch's order in place" },
  { slip: "drop-last", id: "last-batch-dropped", feedback: "the last, smaller batch of each epoch is missing: when batchSize does not divide n, the contract keeps it (every example is used once per epoch)" },
  { slip: "forward-fisher-yates", id: "shuffle-direction", feedback: "the shuffle runs from the first index up; the contract's Fisher–Yates runs i from n−1 down to 1 with k = floor(rand()·(i+1))" },
];

function judgeOrder(c: GradeCase, out: unknown): CaseVerdict {
  const [n, B, epochs, seed] = c.args as [number, number, number, number];
  const want = referenceOrder(n, B, epochs, seed);
  if (!Array.isArray(out) || !out.every((b): b is number[] => isNumbers(b) && b.every(Number.isInteger))) return { score: 0, feedback: "return an array of batches, each an array of column indices" };
  const got = out;
  const sameBatch = (x: number[] | undefined, y: number[]): boolean => x !== undefined && x.length === y.length && x.every((v, j) => v === y[j]);
  const same = (a: number[][], b: number[][]): boolean => a.length === b.length && b.every((y, i) => sameBatch(a[i], y));
  if (same(got, want)) return { score: 1, feedback: "correct" };
  const perEpoch = Math.ceil(n / B);
  const right = want.filter((w, i) => sameBatch(got[i], w)).length;
  const score = Math.min(right, want.length - 1) / want.length;
  const slip = single(ORDER_SLIPS, (s) => {
    const m = referenceOrder(n, B, epochs, seed, s.slip);
    return !same(m, want) && same(got, m);
  });
  const shape = got.length !== want.length ? `; there should be ${want.length} batches (${epochs} epoch${epochs === 1 ? "" : "s"} of ${perEpoch})` : "";
  return { score, feedback: `${slip ? slip.feedback + "; " : ""}${right} of ${want.length} batches are right${shape}`, ...(slip ? { diagnosis: slip.id } : {}) };
}

function orderCase(name: string, visible: boolean, rng: Rng, kind: "divides" | "partial" | "one-batch", epochs: number): GradeCase {
  const B = 2 + rng.int(6);
  const n = kind === "one-batch" ? 1 + rng.int(B) : kind === "divides" ? B * (2 + rng.int(4)) : B * (1 + rng.int(4)) + 1 + rng.int(B - 1);
  return { name, visible, args: [n, B, epochs, 1 + rng.int(1_000_000)] };
}

// ---- training-loop -------------------------------------------------------------------------------
const LOOP_SLIPS: { slip: LoopSlip; id: string; feedback: string }[] = [
  { slip: "plain-sgd", id: "velocity-not-carried", feedback: "your losses follow plain SGD: the velocity must carry over from one step to the next (start it at zero once, before the first step)" },
  { slip: "momentum-ascent", id: "velocity-sign-convention", feedback: "your loop climbs the loss: the velocity's sign is the wrong way round for θ ← θ + v (the conventions table, row \"momentum\")" },
  { slip: "gradient-summed", id: "gradient-not-averaged", feedback: "your steps are M times too large: the gradient was summed over the batch instead of averaged (or the rate multiplied by the batch size)" },
  { slip: "loss-after-update", id: "loss-after-update", feedback: "each loss is the minibatch's loss AFTER the update; the contract records it before (the loss the gradient was computed from)" },
  { slip: "squared-error-gradient", id: "squared-error-gradient", feedback: "your steps follow the squared error's gradient (one-hot targets handed straight to mlpBackward), not the softmax cross-entropy's: choose the target you give mlpBackward so its output error is the softmax's" },
  { slip: "order-same-every-epoch", id: "same-order-every-epoch", feedback: "every epoch visits the batches in the same order: see minibatchOrder's contract (one generator, the order reshuffled every epoch)" },
  { slip: "order-no-shuffle", id: "not-shuffled", feedback: "the batches follow the data's order: train must take its batches from minibatchOrder(n, batchSize, epochs, seed)" },
  { slip: "order-drop-last", id: "last-batch-dropped", feedback: "the last, smaller batch of each epoch is missing: the contract keeps it" },
];
/** Steps replayed per slip model to name a slip. */
const DIAGNOSIS_STEPS = 30;
/** How far the student's loss at step t may be from the trusted one: float rounding (different summation orders), let grow with the steps. */
const lossTolerance = (t: number, want: number): number => (1e-10 + 1e-9 * Math.abs(want)) * (1 + t);

function judgeLoop(c: GradeCase, out: unknown): CaseVerdict {
  const [net, data, o, seed] = c.args as [Net, Data, LoopOptions, number];
  if (!isRecord(out)) return { score: 0, feedback: "return an object { W, b, losses }" };
  const got = readNet(out, net, "");
  const want = referenceTrain(net, data, o, seed);
  const T = want.losses.length;
  if (typeof got === "string") return { score: 0, feedback: got };
  if (!isNumbers(out.losses)) return { score: 0, feedback: `losses: return one number per step (${T} steps: ${o.epochs} epochs of ${Math.ceil(data.labels.length / o.batchSize)} batches)` };
  const losses = out.losses;
  const agreeUntil = (ls: number[], ref: number[]): number => {
    let k = 0;
    while (k < ref.length && k < ls.length && Math.abs(ls[k]! - ref[k]!) <= lossTolerance(k, ref[k]!)) k++;
    return k;
  };
  const k = agreeUntil(losses, want.losses);
  const paramsOk = closeTo(flat(got), flat(want), 1e-8, 1e-6);
  const replayed = k === T && losses.length === T && paramsOk;
  const spiral = spiralProblem(seed);
  const behaviour = data.labels.length === SPIRAL_POINTS && JSON.stringify(spiral.train) === JSON.stringify(data);
  const notes: string[] = [];
  let score = replayed ? 1 : Math.min(k, T - 1) / T;
  if (!replayed) {
    notes.push(k === T && losses.length === T ? "every loss matches the trusted replay but the returned W and b do not: return the parameters after the last step" : `the losses match the trusted replay for the first ${k} of ${T} steps${losses.length !== T ? ` (you returned ${losses.length} losses)` : ""}`);
  }
  if (behaviour) {
    const q = Math.max(1, Math.floor(losses.length / 10));
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    const falling = losses.length >= 2 && mean(losses.slice(-q)) < 0.5 * mean(losses.slice(0, q));
    const finite = flat(got).every(Number.isFinite);
    const acc = finite ? accuracy(got, spiral.test, o.hidden) : 0;
    const reached = acc >= HELD_OUT_TARGET;
    score = 0.5 * score + 0.25 * Number(falling) + 0.25 * Number(reached);
    if (!falling) notes.push("the loss did not fall to half its starting level");
    notes.push(`held-out accuracy ${pct(acc)} on ${spiral.test.labels.length} points you never saw (needs ${pct(HELD_OUT_TARGET)})`);
  }
  if (score === 1) return { score, feedback: notes.join("; ") || "correct" };
  const slip = replayed
    ? undefined
    : single(LOOP_SLIPS.filter((s) => !(s.slip === "order-drop-last" && data.labels.length % o.batchSize === 0) && !((s.slip === "plain-sgd" || s.slip === "momentum-ascent") && o.momentum === 0)), (s) => {
        // the first steps tell the slips apart; replaying them all would cost a whole run per slip
        const full = referenceOrder(data.labels.length, o.batchSize, o.epochs, seed, s.slip === "order-drop-last" ? "drop-last" : "right").length;
        const m = referenceTrain(net, data, o, seed, s.slip, DIAGNOSIS_STEPS).losses;
        return losses.length === full && agreeUntil(losses, m) === m.length && agreeUntil(m, want.losses) < m.length;
      });
  return { score, feedback: [...(slip ? [slip.feedback] : []), ...notes].join("; "), ...(slip ? { diagnosis: slip.id } : {}) };
}

// ---- initial-loss-check --------------------------------------------------------------------------
/** How close to ln C the initial loss must be (relative): small weights give scores near 0, so softmax is near uniform. */
export const INITIAL_LOSS_TOLERANCE = 0.02;

function judgeInitial(c: GradeCase, o: unknown): CaseVerdict {
  const [sizes, act, data] = c.args as [number[], Act, Data];
  if (!isRecord(o)) return { score: 0, feedback: "return an object { W, b, loss, lnC }" };
  const net = readNet(o, sizesOf(sizes), "");
  if (typeof net === "string") return { score: 0, feedback: net };
  if (typeof o.loss !== "number" || typeof o.lnC !== "number") return { score: 0, feedback: "loss and lnC: return two numbers" };
  const C = sizes[sizes.length - 1]!;
  const lnC = Math.log(C);
  const truth = flat(net).every(Number.isFinite) ? meanLoss(net, data, act) : NaN;
  const lnOk = Math.abs(o.lnC - lnC) <= 1e-12 * lnC;
  const lossOk = Math.abs(o.loss - truth) <= 1e-9 * Math.abs(truth) + 1e-12;
  const near = Math.abs(truth - lnC) <= INITIAL_LOSS_TOLERANCE * lnC;
  const score = (Number(lnOk) + Number(lossOk) + Number(near)) / 3;
  if (score === 1) return { score, feedback: `initial loss ${truth.toFixed(4)}, ln ${C} = ${lnC.toFixed(4)}` };
  const notes: string[] = [];
  let diagnosis: string | undefined;
  if (!lnOk) {
    const logs = [Math.log2(C), Math.log10(C), C];
    const given = o.lnC;
    notes.push(logs.some((v) => Math.abs(given - v) < 1e-9) ? `lnC is ${o.lnC}: use the natural logarithm of the number of classes, ln ${C}` : `lnC: the natural logarithm of the number of classes (${C})`);
  }
  if (!lossOk) {
    const N = data.labels.length;
    if (Math.abs(o.loss - N * truth) <= 1e-9 * N * Math.abs(truth)) {
      diagnosis = "loss-summed";
      notes.push(`your loss is ${N} times the mean: average the cross-entropy over the ${N} examples, do not sum it`);
    } else notes.push(`loss is not the mean softmax cross-entropy of the network you returned on these examples (that is ${truth.toFixed(6)})`);
  }
  if (!near && Number.isFinite(truth)) {
    if (diagnosis === undefined) diagnosis = "weights-too-large";
    notes.push(`the initial loss ${truth.toFixed(3)} is not within ${100 * INITIAL_LOSS_TOLERANCE} % of ln ${C} = ${lnC.toFixed(3)}: the weights are too large, so the first scores are far from equal (draw them with a small standard deviation, e.g. 0.01, and biases 0)`);
  }
  return { score, feedback: notes.join("; "), ...(diagnosis ? { diagnosis } : {}) };
}

function initialCase(name: string, visible: boolean, rng: Rng, act: Act, C: number): GradeCase {
  const d0 = 2 + rng.int(8);
  const sizes = rng.next() < 0.5 ? [d0, 5 + rng.int(40), C] : [d0, 5 + rng.int(20), 5 + rng.int(20), C];
  return { name, visible, args: [sizes, act, randomData(rng, d0, 20 + rng.int(80), C), 1 + rng.int(1_000_000)] };
}

// ---- overfit-small -------------------------------------------------------------------------------
const OVERFIT_EXAMPLES = 20;
function judgeOverfit(c: GradeCase, o: unknown): CaseVerdict {
  const [sizes, act, data] = c.args as [number[], Act, Data];
  if (!isRecord(o)) return { score: 0, feedback: "return an object { W, b, losses, accuracy }" };
  const net = readNet(o, sizesOf(sizes), "");
  if (typeof net === "string") return { score: 0, feedback: net };
  if (!isNumbers(o.losses) || o.losses.length < 2) return { score: 0, feedback: "losses: return the loss of every step (at least two)" };
  if (typeof o.accuracy !== "number") return { score: 0, feedback: "accuracy: return a number between 0 and 1" };
  const acc = flat(net).every(Number.isFinite) ? accuracy(net, data, act) : 0;
  const ls = o.losses;
  const [first, last] = [ls[0]!, ls[ls.length - 1]!];
  const fell = last < first;
  const all = acc === 1;
  const honest = Math.abs(o.accuracy - acc) < 1e-12;
  const score = (Number(all) * 2 + Number(fell) + Number(honest)) / 4;
  const summary = `training accuracy ${pct(acc)} on the ${data.labels.length} examples, loss ${first.toPrecision(3)} → ${last.toPrecision(3)}`;
  if (score === 1) return { score, feedback: summary };
  const notes = [summary];
  let diagnosis: string | undefined;
  if (!fell) {
    diagnosis = "loss-not-falling";
    notes.push("the loss did not fall: on 20 examples a correct loop drives it towards 0 (check the update's sign, and that the updates reach the parameters you use)");
  } else if (!all) {
    diagnosis = "not-overfit";
    notes.push("the loss fell but not every example is right yet: train longer or with a larger rate (and no weight decay); a network that cannot overfit 20 examples hides a bug");
  }
  if (!honest) notes.push(`accuracy: you returned ${o.accuracy}; it is the fraction of the columns whose largest score is their label (${acc} for the network you returned)`);
  return { score, feedback: notes.join("; "), ...(diagnosis ? { diagnosis } : {}) };
}
function overfitCase(name: string, visible: boolean, rng: Rng, act: Act, C: number): GradeCase {
  const d0 = 3 + rng.int(4);
  return { name, visible, args: [[d0, 32, C], act, randomData(rng, d0, OVERFIT_EXAMPLES, C), 1 + rng.int(1_000_000)] };
}

// ---- the exercises -------------------------------------------------------------------------------
const FILE = "13-training-loop.ts";
const fork = (seed: number, id: string): Rng => new Rng(seed).fork(id);

/** Exercise 13's five parts, in the order the file poses them. */
export const TRAINING_LOOP_EXERCISES: Exercise[] = [
  {
    id: "momentum-step",
    title: "Training loop: one step of SGD with momentum",
    file: FILE,
    exportName: "momentumStep",
    points: 1,
    description: "momentumStep(params, velocity, grads, rate, momentum) returns { params, velocity } after one step of SGD with momentum in the velocity form v ← μv − ηg, θ ← θ + v, for every W^l and b^l, without changing its inputs.",
    cases(seed) {
      const v = fork(0, "momentum-step/visible");
      const r = fork(seed, "momentum-step");
      return [
        stepCase("visible 1: one layer, momentum 0.9", true, v, 0.9, 1),
        stepCase("visible 2: two layers, momentum 0.5", true, v, 0.5, 2),
        stepCase("hidden 1", false, r, 0, 1 + r.int(2)),
        stepCase("hidden 2", false, r, round(r.uniform(0.5, 0.99)), 2),
        stepCase("hidden 3", false, r, 0.9, 1),
        stepCase("hidden 4", false, r, round(r.uniform(0.1, 0.5)), 3),
      ];
    },
    judge: judgeStep,
  },
  {
    id: "minibatch-order",
    title: "Training loop: a seeded minibatch order",
    file: FILE,
    exportName: "minibatchOrder",
    points: 1,
    description: "minibatchOrder(n, batchSize, epochs, seed) returns the batches of every epoch in order: one generator from the seed, the running order 0..n−1 shuffled in place each epoch (Fisher–Yates from the last index down), cut into batches of batchSize, the last one smaller when batchSize does not divide n.",
    cases(seed) {
      const v = fork(0, "minibatch-order/visible");
      const r = fork(seed, "minibatch-order");
      return [
        { name: "visible 1: n = 10, batches of 4, 2 epochs, seed 13", visible: true, args: [10, 4, 2, 13] },
        orderCase("visible 2: batchSize divides n", true, v, "divides", 3),
        orderCase("hidden 1", false, r, "divides", 1),
        orderCase("hidden 2", false, r, "partial", 2 + r.int(3)),
        orderCase("hidden 3", false, r, "one-batch", 2 + r.int(2)),
        { name: "hidden 4", visible: false, args: [5 + r.int(20), 3, 3, 1 + r.int(1_000_000)] },
      ];
    },
    judge: judgeOrder,
  },
  {
    id: "training-loop",
    title: "Training loop: minibatch SGD with momentum around your mlpBackward",
    file: FILE,
    exportName: "train",
    points: 2,
    description: `train(net, data, options, seed) runs minibatch SGD with momentum on the mean softmax cross-entropy (+ (λ/2)Σ‖W‖²), taking its batches from minibatchOrder and its gradients from your mlpBackward, and returns the final { W, b } and the loss of every minibatch before its update. The grader replays your run step by step and, on a seeded spiral, wants a falling loss and ${pct(HELD_OUT_TARGET)} accuracy on held-out points.`,
    caseTimeoutMs: 10_000,
    cases(seed) {
      const v = fork(0, "training-loop/visible");
      const r = fork(seed, "training-loop");
      const first = ACTS[r.int(3)]!;
      return [
        spiralCase("visible 1: a spiral of 150 points, seed 13", true, 13, "relu"),
        shortLoopCase("visible 2: a short run on random data", true, v, { hidden: "tanh", momentum: 0.9, lambda: 0.01, partial: true }),
        spiralCase("hidden 1", false, 100 + r.int(1_000_000), r.next() < 0.5 ? "relu" : "tanh"),
        shortLoopCase("hidden 2", false, r, { hidden: first, momentum: round(r.uniform(0.5, 0.95)), lambda: round(r.uniform(0.001, 0.05)), partial: true, deep: true }),
        shortLoopCase("hidden 3", false, r, { hidden: ACTS[(ACTS.indexOf(first) + 1) % 3]!, momentum: 0, lambda: 0, partial: false }),
        shortLoopCase("hidden 4", false, r, { hidden: ACTS[(ACTS.indexOf(first) + 2) % 3]!, momentum: 0.9, lambda: 0, partial: r.next() < 0.5 }),
      ];
    },
    judge: judgeLoop,
  },
  {
    id: "initial-loss-check",
    title: "Training loop: sanity check 1, the initial loss is about ln C",
    file: FILE,
    exportName: "initialLossCheck",
    points: 1,
    description: `initialLossCheck(sizes, hidden, data, seed) makes a network with small random weights (from the seed) and zero biases, and returns it with its mean softmax cross-entropy on data and ln C; the loss must be within ${100 * INITIAL_LOSS_TOLERANCE} % of ln C.`,
    cases(seed) {
      const v = fork(0, "initial-loss-check/visible");
      const r = fork(seed, "initial-loss-check");
      return [
        initialCase("visible 1: 3 classes", true, v, "relu", 3),
        initialCase("hidden 1", false, r, "tanh", 2),
        initialCase("hidden 2", false, r, "relu", 3 + r.int(8)),
        initialCase("hidden 3", false, r, "sigmoid", 2 + r.int(9)),
        initialCase("hidden 4", false, r, ACTS[r.int(3)]!, 2 + r.int(9)),
      ];
    },
    judge: judgeInitial,
  },
  {
    id: "overfit-small",
    title: "Training loop: sanity check 2, overfit 20 examples",
    file: FILE,
    exportName: "overfitSmall",
    points: 1,
    description: "overfitSmall(sizes, hidden, data, seed) trains a fresh network with your train on 20 examples until every one is classified right, and returns { W, b, losses, accuracy }; the grader checks the accuracy of the returned network itself.",
    caseTimeoutMs: 10_000,
    cases(seed) {
      const v = fork(0, "overfit-small/visible");
      const r = fork(seed, "overfit-small");
      return [
        overfitCase("visible 1: 20 random points", true, v, "relu", 3),
        overfitCase("hidden 1", false, r, "relu", 2),
        overfitCase("hidden 2", false, r, "tanh", 3 + r.int(2)),
        overfitCase("hidden 3", false, r, r.next() < 0.5 ? "relu" : "tanh", 2 + r.int(3)),
        overfitCase("hidden 4", false, r, r.next() < 0.5 ? "relu" : "tanh", 2 + r.int(3)),
      ];
    },
    judge: judgeOverfit,
  },
];
