/**
 * Small two-dimensional data sets made in code from a seed, so notebooks, tests and the grader
 * never download anything and every figure can be reproduced from one integer.
 *
 * Layout: one row per example (`X` is n × d), as people write tables. The matrix helpers in `nn/`
 * transpose to the course's columns-are-examples layout. Rows are shuffled, so any prefix of a
 * data set holds a mix of classes.
 *
 * Every generator draws from forks of one `Rng(seed)`: "position" for where points lie, "noise"
 * for the jitter, "order" for the shuffle. Changing the noise level therefore moves each point
 * by a scaled copy of the same jitter instead of producing an unrelated data set.
 */
import { Rng } from "./random";

/** A data set as rows of features with one target per row (a class index or a real value). */
export interface ToyDataset {
  /** n × d features, one row per example. */
  X: number[][];
  /** n targets: class labels 0..k−1 for classification, real values for regression. */
  y: number[];
}

/** Options every generator shares, so switching data sets in a notebook needs no other change. */
export interface DatasetOptions {
  /** Standard deviation of Gaussian noise added to each coordinate (regression: to y). */
  noise?: number;
  /** Seed of the generator. Default 0. */
  seed?: number;
}

/**
 * What every generator starts with: n and the noise checked (errors name the generator), the
 * noise level with its default, and the generator's Rng from the seed (default 0).
 */
function start(fn: string, n: number, atLeast: number, options: DatasetOptions, defaultNoise: number): { noise: number; rng: Rng } {
  if (!Number.isInteger(n) || n < atLeast) throw new RangeError(`${fn}: n must be an integer ≥ ${atLeast}, got ${n}`);
  const noise = options.noise ?? defaultNoise;
  if (!Number.isFinite(noise) || noise < 0) throw new RangeError(`${fn}: noise must be a finite number ≥ 0, got ${noise}`);
  return { noise, rng: new Rng(options.seed ?? 0) };
}

/** n evenly spaced values from a to b inclusive (a single value is a). */
function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** Adds noise, shuffles rows and targets together, and packs the result. */
function finish(X: number[][], y: number[], noise: number, rng: Rng): ToyDataset {
  const jitter = rng.fork("noise");
  const noisy = X.map((row) => row.map((v) => (noise > 0 ? v + jitter.normal(0, noise) : v)));
  const order = rng.fork("order").permutation(y.length);
  return { X: order.map((i) => noisy[i] as number[]), y: order.map((i) => y[i] as number) };
}

/**
 * Two interleaving half circles (as scikit-learn's make_moons): the classic set a linear model
 * cannot separate but a one-hidden-layer network can. Class 0 lies on the upper unit half circle
 * centred at (0, 0); class 1 on the lower one centred at (1, 0.5). Class sizes are ⌊n/2⌋ and ⌈n/2⌉.
 */
export function moons(n: number, options: DatasetOptions = {}): ToyDataset {
  const { noise, rng } = start("moons", n, 2, options, 0.1);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, Math.PI, nOuter)) {
    X.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, Math.PI, nInner)) {
    X.push([1 - Math.cos(t), 0.5 - Math.sin(t)]);
    y.push(1);
  }
  return finish(X, y, noise, rng);
}

/** m points on a circle of radius r, angles evenly spaced over the whole turn without repeating the end. */
function ring(m: number, r: number): number[][] {
  return Array.from({ length: m }, (_, i) => {
    const t = (2 * Math.PI * i) / m;
    return [r * Math.cos(t), r * Math.sin(t)];
  });
}

/** Options of `circles`. */
export interface CirclesOptions extends DatasetOptions {
  /** Radius of the inner circle relative to the outer (unit) one, in (0, 1). Default 0.5. */
  factor?: number;
}

/**
 * Two concentric circles: class 0 on the unit circle, class 1 on a circle of radius `factor`.
 * It needs a non-linear feature (the radius), which a hidden layer has to discover.
 */
export function circles(n: number, options: CirclesOptions = {}): ToyDataset {
  const { noise, rng } = start("circles", n, 2, options, 0.05);
  const factor = options.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new RangeError(`circles: factor must lie in (0, 1), got ${factor}`);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const X = [...ring(nOuter, 1), ...ring(nInner, factor)];
  const y = X.map((_, i) => (i < nOuter ? 0 : 1));
  return finish(X, y, noise, rng);
}

/** Options of `spirals`. */
export interface SpiralsOptions extends DatasetOptions {
  /** Number of arms, one class each (≥ 2). Default 3. */
  classes?: number;
}

/**
 * Interleaved spiral arms, one per class: the multi-class set for softmax. Arm k starts at the
 * origin and winds out to radius 1 through angles 4k … 4k + 4 radians; the noise jitters the
 * angle (scaled by the radius in the data, so the centre stays tidy). Classes differ in size by at
 * most one.
 */
export function spirals(n: number, options: SpiralsOptions = {}): ToyDataset {
  const classes = options.classes ?? 3;
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`spirals: classes must be an integer ≥ 2, got ${classes}`);
  const { noise, rng } = start("spirals", n, classes, options, 0.2);
  const jitter = rng.fork("noise");
  const X: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < classes; k++) {
    const m = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    const radii = linspace(0, 1, m);
    const angles = linspace(4 * k, 4 * (k + 1), m);
    for (let i = 0; i < m; i++) {
      const r = radii[i] as number;
      const t = (angles[i] as number) + (noise > 0 ? jitter.normal(0, noise) : 0);
      X.push([r * Math.sin(t), r * Math.cos(t)]);
      y.push(k);
    }
  }
  // The noise went into the angle already; finish only shuffles.
  return finish(X, y, 0, rng);
}

/**
 * The XOR problem in the plane: label 1 where exactly one coordinate is positive. The oldest
 * example of a function a single neuron cannot represent. Points are drawn uniformly inside the
 * four unit quadrants in turn, so the classes are as balanced as n allows.
 */
export function xor(n: number, options: DatasetOptions = {}): ToyDataset {
  const { noise, rng } = start("xor", n, 1, options, 0.1);
  const where = rng.fork("position");
  const X: number[][] = [];
  const y: number[] = [];
  const signs: [number, number][] = [
    [1, 1], // quadrants alternate between the classes, so sizes differ by at most one
    [1, -1],
    [-1, -1],
    [-1, 1],
  ];
  for (let i = 0; i < n; i++) {
    const [s0, s1] = signs[i % 4] as [number, number];
    // (0, 1] keeps every noiseless point strictly inside its quadrant.
    X.push([s0 * (1 - where.next()), s1 * (1 - where.next())]);
    y.push(s0 * s1 < 0 ? 1 : 0);
  }
  return finish(X, y, noise, rng);
}

/** Options of `regression1d`. */
export interface Regression1dOptions extends DatasetOptions {
  /** The target function. Default `Math.sin`. */
  fn?: (x: number) => number;
  /** Interval the inputs are drawn from. Default [−π, π]. */
  domain?: [number, number];
}

/**
 * A noisy one-dimensional curve for regression and curve-fitting plots. Inputs are uniform in
 * `domain` and sorted ascending (so a line through predictions reads left to right; shuffle
 * with `trainTestSplit` or `Rng.permutation` for training); targets are fn(x) plus noise.
 */
export function regression1d(n: number, options: Regression1dOptions = {}): ToyDataset {
  const { noise, rng } = start("regression1d", n, 1, options, 0.1);
  const fn = options.fn ?? Math.sin;
  const [lo, hi] = options.domain ?? [-Math.PI, Math.PI];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new RangeError(`regression1d: domain must be finite with lo < hi, got [${lo}, ${hi}]`);
  }
  const where = rng.fork("position");
  const jitter = rng.fork("noise");
  const xs = Array.from({ length: n }, () => where.uniform(lo, hi)).sort((a, b) => a - b);
  const y = xs.map((x) => {
    const v = fn(x);
    if (!Number.isFinite(v)) throw new RangeError(`regression1d: fn(${x}) = ${v} is not finite`);
    return noise > 0 ? v + jitter.normal(0, noise) : v;
  });
  return { X: xs.map((x) => [x]), y };
}

/** The two halves of a split, kept apart so evaluation never sees training examples. */
export interface TrainTestSplit {
  /** The rows to fit on. */
  train: ToyDataset;
  /** The held-out rows, round(n · testFraction) of them. */
  test: ToyDataset;
}

/**
 * Splits rows at random into a training and a test set, the test set holding round(n · testFraction)
 * rows. Both halves must be non-empty, because an empty test set silently reports nothing.
 * Rows are copied, so training code may modify them freely.
 */
export function trainTestSplit(data: ToyDataset, testFraction: number, seed = 0): TrainTestSplit {
  const n = data.X.length;
  if (data.y.length !== n) {
    throw new RangeError(`trainTestSplit: X has ${n} rows but y has ${data.y.length} entries`);
  }
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`trainTestSplit: testFraction must lie in (0, 1), got ${testFraction}`);
  }
  const nTest = Math.round(n * testFraction);
  if (nTest === 0 || nTest === n) {
    throw new RangeError(`trainTestSplit: ${n} rows with testFraction ${testFraction} leave an empty half (test ${nTest}, train ${n - nTest})`);
  }
  const order = new Rng(seed).fork("split").permutation(n);
  const take = (idx: number[]): ToyDataset => ({
    X: idx.map((i) => [...(data.X[i] as number[])]),
    y: idx.map((i) => data.y[i] as number),
  });
  return { test: take(order.slice(0, nTest)), train: take(order.slice(nTest)) };
}
