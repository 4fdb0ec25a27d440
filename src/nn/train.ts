/**
 * The training loop: shuffled minibatches from the seeded Rng, one forward/backward/update per
 * batch, and a report per epoch (loss, train and held-out accuracy) for progress bars and plots.
 */
import { Rng } from "../engine/random";
import type { ToyDataset } from "../engine/datasets";
import { kernelMatrix, Matrix, selectColumnsInto, shapeString } from "./matrix";
import type { MatrixMLP, ForwardCache, Gradients } from "./mlp";
import type { Optimizer } from "./optim";

/** A data set in the course's layout: X is d × n (examples are columns), Y is k × n. */
export interface ColumnData {
  X: Matrix;
  Y: Matrix;
  /** Class labels, when the task is classification (for accuracy). */
  labels?: number[];
}

/** Converts a row-per-example data set to columns, one-hot encoding labels into `classes` rows. */
export function toColumns(data: ToyDataset, classes: number): ColumnData {
  if (data.X.length !== data.y.length) throw new RangeError(`toColumns: ${data.X.length} examples but ${data.y.length} labels`);
  const bad = data.y.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= classes);
  if (bad >= 0) throw new RangeError(`toColumns: label ${data.y[bad]} of example ${bad} is not a class in 0..${classes - 1}`);
  const X = Matrix.fromColumns(data.X);
  const Y = Matrix.fromFunction(classes, data.y.length, (i, j) => (data.y[j] === i ? 1 : 0));
  return { X, Y, labels: [...data.y] };
}

/** One epoch's figures, handed to the callback. */
export interface EpochReport {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's minibatches (as optimised, weight-decay penalty included). */
  loss: number;
  /** Accuracy on the whole training set after the epoch (classification data only). */
  trainAccuracy?: number;
  /** Loss on the held-out split after the epoch, penalty included like `loss`, so the curves compare. */
  testLoss?: number;
  /** Accuracy on the held-out split after the epoch (classification data only). */
  testAccuracy?: number;
}

/** Training settings. */
export interface TrainOptions {
  optimizer: Optimizer;
  epochs: number;
  batchSize?: number;
  weightDecay?: number;
  seed?: number;
  test?: ColumnData;
  onEpoch?: (report: EpochReport) => void;
}

/** Fraction of columns whose argmax prediction equals the label. */
export function accuracy(net: MatrixMLP, data: ColumnData): number {
  if (data.labels === undefined) throw new Error("accuracy: the data set has no class labels");
  if (data.labels.length !== data.X.cols) throw new RangeError(`accuracy: ${data.labels.length} labels for X ${shapeString(data.X)} (one per column)`);
  const pred = net.predict(data.X).argmaxCols();
  return pred.filter((p, j) => p === data.labels![j]).length / pred.length;
}

/**
 * The loss of `net` on a whole data set (one forward pass), plus λ Σ W² when a weight decay is
 * given: the held-out figure that tells over-fitting from under-fitting.
 */
export function lossOn(net: MatrixMLP, data: ColumnData, weightDecay = 0): number {
  return net.loss.value(net.predict(data.X), data.Y) + net.weightDecayPenalty(weightDecay);
}

/**
 * Trains `net` in place and returns every epoch's report. Each epoch visits the examples in a
 * fresh order from the seeded Rng, so the same seed gives the same network. Minibatch, cache and
 * gradient buffers are reused from step to step; only a smaller last batch gets its own.
 */
export function train(net: MatrixMLP, data: ColumnData, options: TrainOptions): EpochReport[] {
  const n = data.X.cols;
  if (data.Y.cols !== n) throw new RangeError(`train: X ${shapeString(data.X)} and Y ${shapeString(data.Y)} have different numbers of examples (columns)`);
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new RangeError(`train: epochs must be a non-negative integer, got ${options.epochs}`);
  const requested = options.batchSize ?? 32;
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`train: batchSize must be a positive integer, got ${requested}`);
  const B = Math.min(requested, n);
  const weightDecay = options.weightDecay ?? 0;
  const rng = new Rng(options.seed ?? 0).fork("minibatches");
  const params = net.parameters();
  // Buffers keyed by batch size: the full batch and, when n is not a multiple of B, the last one.
  const pool = new Map<number, { X: Matrix; Y: Matrix; cache?: ForwardCache; grads?: Gradients }>();
  const reports: EpochReport[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = rng.permutation(n);
    let total = 0;
    for (let s = 0; s < n; s += B) {
      const m = Math.min(B, n - s);
      let buf = pool.get(m);
      if (buf === undefined) {
        buf = { X: kernelMatrix(data.X.rows, m), Y: kernelMatrix(data.Y.rows, m) };
        pool.set(m, buf);
      }
      selectColumnsInto(buf.X, data.X, order, s, m);
      selectColumnsInto(buf.Y, data.Y, order, s, m);
      buf.cache = net.forward(buf.X, buf.cache);
      buf.grads = net.backward(buf.cache, buf.Y, { weightDecay, into: buf.grads });
      total += buf.grads.loss * m;
      options.optimizer.step(params, net.gradientList(buf.grads));
    }
    const report: EpochReport = { epoch, loss: n === 0 ? NaN : total / n };
    if (data.labels) report.trainAccuracy = accuracy(net, data);
    if (options.test !== undefined) {
      report.testLoss = lossOn(net, options.test, weightDecay);
      if (options.test.labels) report.testAccuracy = accuracy(net, options.test);
    }
    reports.push(report);
    options.onEpoch?.(report);
  }
  return reports;
}
