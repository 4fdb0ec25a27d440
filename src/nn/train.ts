/**
 * The training loop: shuffled minibatches from the seeded Rng, one forward/backward/update per
 * batch, and a report per epoch (loss, train and held-out accuracy) for progress bars and plots.
 */
import { Rng } from "../engine/random";
import type { ToyDataset } from "../engine/datasets";
import { Matrix } from "./matrix";
import type { DenseNetwork } from "./mlp";
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
  const X = Matrix.fromColumns(data.X);
  const Y = Matrix.fromFunction(classes, data.y.length, (i, j) => (data.y[j] === i ? 1 : 0));
  return { X, Y, labels: [...data.y] };
}

/** One epoch's figures, handed to the callback. */
export interface EpochReport {
  epoch: number;
  loss: number;
  trainAccuracy?: number;
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
export function accuracy(net: DenseNetwork, data: ColumnData): number {
  if (data.labels === undefined) throw new Error("accuracy: the data set has no class labels");
  const pred = net.predict(data.X).argmaxCols();
  return pred.filter((p, j) => p === data.labels![j]).length / pred.length;
}

/** Trains `net` in place and returns every epoch's report. */
export function train(net: DenseNetwork, data: ColumnData, options: TrainOptions): EpochReport[] {
  const n = data.X.cols, B = Math.min(options.batchSize ?? 32, n);
  const rng = new Rng(options.seed ?? 0).fork("minibatches");
  const reports: EpochReport[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = rng.permutation(n);
    let total = 0;
    for (let s = 0; s < n; s += B) {
      const idx = order.slice(s, s + B);
      const cache = net.forward(data.X.selectColumns(idx));
      const g = net.backward(cache, data.Y.selectColumns(idx), { weightDecay: options.weightDecay ?? 0 });
      total += g.loss * idx.length;
      const grads: Matrix[] = [];
      for (let l = 1; l <= net.L; l++) grads.push(g.dW[l] as Matrix, g.db[l] as Matrix);
      options.optimizer.step(net.parameters(), grads);
    }
    const report: EpochReport = { epoch, loss: total / n };
    if (data.labels) report.trainAccuracy = accuracy(net, data);
    if (options.test?.labels) report.testAccuracy = accuracy(net, options.test);
    reports.push(report);
    options.onEpoch?.(report);
  }
  return reports;
}
