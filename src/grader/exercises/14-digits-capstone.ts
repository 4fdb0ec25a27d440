/**
 * Exercise 14 (exercises/14-digits-capstone.ts), the capstone: the student's own training loop, with
 * their backward pass from exercise 07, trains a network on real digits. The student gets a fixed
 * seeded subset of 1 000 training digits (the sandbox cannot read the data, so the pixels travel as
 * the call's input) and returns the trained parameters; the held-out digits never leave the grader,
 * which runs the trusted forward on them and compares the accuracy with a threshold a correct
 * implementation clears with a wide margin (it reaches about 85 %). A run that fails is diagnosed
 * from what it returned: parameters that are not finite, a loss that rose or hardly moved, a network
 * that says the same for every image, or one that learned but not the labels.
 */
import { Rng } from "../../engine/random";
import { digits, DIGIT_CLASSES, DIGIT_PIXELS, type DigitsSplit } from "../../nn/digits";
import { Matrix } from "../../nn/matrix";
import type { CaseVerdict, Exercise, GradeCase } from "../contract";
import { ACTIVATIONS, accuracyOf, forwardLayers, type Act } from "./activations";

/** Training digits handed to the student per case, and held-out digits the grader keeps. */
const TRAIN = 1000;
const HELD_OUT = 1000;
/** Held-out accuracy that earns the points; a correct loop with exercise 07's loss reaches ≈ 85 %. */
export const CAPSTONE_THRESHOLD = 0.6;
/** The returned W and b may hold at most this many numbers (the sandbox caps a reply's size). */
const MAX_PARAMETERS = 150_000;
const VISIBLE_SEED = 14;

/** The split of one case: what the student trains on and what the grader keeps. */
const splits = new Map<number, { train: DigitsSplit; test: DigitsSplit }>();
function splitFor(seed: number): { train: DigitsSplit; test: DigitsSplit } {
  let s = splits.get(seed);
  if (s === undefined) {
    const d = digits({ seed, train: TRAIN, test: HELD_OUT });
    s = { train: d.train, test: d.test };
    if (splits.size > 8) splits.clear();
    splits.set(seed, s);
  }
  return s;
}

function caseFor(name: string, visible: boolean, seed: number): GradeCase {
  const { train } = splitFor(seed);
  return { name, visible, args: [{ X: train.X.toArray(), labels: [...train.labels] }, seed] };
}

interface Network {
  W: Matrix[];
  b: Matrix[];
  hidden: Act;
  losses: number[];
}

const isMatrix = (v: unknown): v is number[][] => Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length && r.every((x) => typeof x === "number"));
const shape = (m: number[][]) => `${m.length}×${m[0]!.length}`;

/** The returned network with every shape checked (values may still be non-finite), or what is wrong. */
function readNetwork(out: unknown): Network | string {
  if (out === null || typeof out !== "object" || Array.isArray(out)) return "returned no { W, b, hidden, losses } object";
  const o = out as Record<string, unknown>;
  if (!Array.isArray(o.W) || o.W.length === 0) return "W: returned no list of weight matrices (W[0] is W^1, 784 columns)";
  if (!Array.isArray(o.b) || o.b.length !== o.W.length) return `b: returned ${Array.isArray(o.b) ? o.b.length : "no"} bias vectors for ${o.W.length} weight matrices`;
  if (typeof o.hidden !== "string" || !(o.hidden in ACTIVATIONS)) return `hidden: returned ${JSON.stringify(o.hidden)}; name the hidden activation, "relu", "tanh" or "sigmoid"`;
  if (!Array.isArray(o.losses) || o.losses.length < 2 || !o.losses.every((x) => typeof x === "number")) return "losses: return the cost before training and after each epoch (at least two numbers)";
  let count = 0;
  const W: Matrix[] = [], b: Matrix[] = [];
  for (let l = 0; l < o.W.length; l++) {
    const w = o.W[l], bias = o.b[l];
    if (!isMatrix(w)) return `W[${l}]: returned something that is not a matrix (an array of rows of numbers)`;
    const want = l === 0 ? DIGIT_PIXELS : (o.W[l - 1] as number[][]).length;
    if (w[0]!.length !== want) return `W[${l}]: returned a ${shape(w)} matrix, but its input has ${want} values (${l === 0 ? "the 784 pixels" : `the ${want} units of layer ${l}`}), so it needs ${want} columns`;
    if (l === o.W.length - 1 && w.length !== DIGIT_CLASSES) return `W[${l}]: the last layer is ${shape(w)}; it needs 10 rows, one score per digit`;
    if (!Array.isArray(bias) || bias.length !== w.length || !bias.every((x) => typeof x === "number")) return `b[${l}]: needs ${w.length} numbers, one per row of W[${l}]`;
    count += w.length * w[0]!.length + w.length;
    W.push(Matrix.from(w));
    b.push(Matrix.column(bias as number[]));
  }
  if (count > MAX_PARAMETERS) return `the network has ${count} parameters; keep it under ${MAX_PARAMETERS} (784-64-10 has 50 890)`;
  return { W, b, hidden: o.hidden as Act, losses: o.losses as number[] };
}

/** The trusted forward: the output scores a^L (10 × n) for the images in X's columns. */
function scores(net: Network, X: Matrix): Matrix {
  const { as } = forwardLayers(net, X, net.hidden);
  return as[as.length - 1]!;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The verdict, and for a run below the threshold the most likely causes given what it returned. */
function judgeCapstone(c: GradeCase, output: unknown): CaseVerdict {
  const net = readNetwork(output);
  if (typeof net === "string") return { score: 0, feedback: net };
  const { train, test } = splitFor(c.args[1] as number);
  const tooBig =
    "the steps were far too large: a learning rate far too high, gradients summed over the batch instead of averaged (each step M times too big), or targets that are not one-hot 0/1 columns";
  const finite = net.W.every((m) => m.data.every(Number.isFinite)) && net.b.every((m) => m.data.every(Number.isFinite));
  if (!finite) return { score: 0, feedback: `training diverged: the returned parameters are not all finite numbers; ${tooBig}`, diagnosis: "diverged" };
  const first = net.losses[0]!, last = net.losses[net.losses.length - 1]!;
  const heldOut = accuracyOf(scores(net, test.X), test.labels);
  const needs = `(needs ${pct(CAPSTONE_THRESHOLD)})`;
  if (heldOut >= CAPSTONE_THRESHOLD) return { score: 1, feedback: `held-out accuracy ${pct(heldOut)} on ${test.labels.length} digits the network never saw ${needs}` };
  const onTrain = scores(net, train.X);
  const trainAcc = accuracyOf(onTrain, train.labels);
  const losses = `loss ${first.toPrecision(3)} → ${last.toPrecision(3)}`;
  const summary = `held-out accuracy ${pct(heldOut)} ${needs}, training accuracy ${pct(trainAcc)}, ${losses}`;
  if (!Number.isFinite(first) || !Number.isFinite(last) || last > first) return { score: 0, feedback: `${summary}: the loss did not fall; ${tooBig}`, diagnosis: "diverged" };
  // The spread of each output across the training images: nearly zero means a constant answer.
  let spread = 0;
  for (let i = 0; i < onTrain.rows; i++) {
    const row = Array.from({ length: onTrain.cols }, (_, j) => onTrain.get(i, j));
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    spread = Math.max(spread, Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length));
  }
  if (last > 0.98 * first) {
    return { score: 0, feedback: `${summary}: the loss hardly moved, so the learning rate is far too small, or the updates never reach the W and b you return`, diagnosis: "stalled" };
  }
  // One-hot targets average 0.1 per score; a network that only learned that average (or whose
  // scores do not depend on the image at all) lost its ReLUs to steps that were too large.
  const meanScore = onTrain.sum() / onTrain.size;
  const averageOnly = trainAcc < 0.3 && Math.abs(meanScore - 1 / DIGIT_CLASSES) <= 0.25;
  if (spread < 1e-3 || averageOnly) {
    return { score: 0, feedback: `${summary}: the network gives about the same scores for every image (the average target), so its ReLUs died; ${tooBig}`, diagnosis: "collapsed" };
  }
  if (trainAcc < 0.3 || Math.abs(meanScore - 1 / DIGIT_CLASSES) > 0.25) {
    return {
      score: 0,
      feedback: `${summary}: the loss fell but the scores do not pick out the labels (their mean is ${meanScore.toFixed(2)}; one-hot targets average 0.1): each target column must be one-hot, a 1 in row labels[m] of column m and 0 in the other nine rows`,
      diagnosis: "wrong-targets",
    };
  }
  return { score: 0, feedback: `${summary}: it learns, but not enough; train for more epochs or tune the learning rate and batch size`, diagnosis: "below-threshold" };
}

const DESCRIPTION =
  "Train a network on real handwritten digits with your own training loop, calling your `mlpBackward` from exercise 07 on every minibatch. " +
  `You get ${TRAIN} training digits (X: 784 × ${TRAIN}, the columns are images; labels: the digit of each column) and a seed; ` +
  "return the trained { W, b } in exercise 07's layout, the hidden activation's name and the cost before training and after each epoch. " +
  `The grader runs your network on ${HELD_OUT} digits it keeps to itself; ${pct(CAPSTONE_THRESHOLD)} held-out accuracy earns the points.`;

/** The capstone's contract; each case trains once (visible cases twice), within a minute. */
export const CAPSTONE_EXERCISES: Exercise[] = [
  {
    id: "digits-capstone",
    title: "Capstone: train on real digits with your own backward pass",
    file: "14-digits-capstone.ts",
    exportName: "trainDigits",
    points: 4,
    description: DESCRIPTION,
    caseTimeoutMs: 60_000,
    differentRunsHint: "build a fresh network inside trainDigits on every call, drawing every random number from the seed you are given (never Math.random), and keep no network or optimiser state between calls",
    cases(seed: number): GradeCase[] {
      const hiddenSeed = 1000 + new Rng(seed).fork("digits-capstone").int(1_000_000);
      return [caseFor(`visible 1: ${TRAIN} digits, seed ${VISIBLE_SEED}`, true, VISIBLE_SEED), caseFor("hidden 1", false, hiddenSeed)];
    },
    judge: judgeCapstone,
  },
];
