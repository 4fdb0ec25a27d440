/**
 * The digits loader against the package's own files (read here with JSON.parse, independently of the
 * loader's fast scanner): sizes, stratification, determinism per seed, value range, disjoint splits.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digitClassCounts, digitCount, digits, digitsDataDir, DIGIT_PIXELS, type DigitsSplit } from "../../src/nn/digits";

/** Class d's images as the package stores them, parsed by JSON.parse. */
const raw = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(digitsDataDir(), `${d}.json`), "utf8")) as { data: number[] }).data);
const rawCounts = raw.map((a) => a.length / DIGIT_PIXELS);
const N = rawCounts.reduce((s, n) => s + n, 0);

const counts = (s: DigitsSplit) => s.labels.reduce((c, d) => (c[d]!++, c), new Array<number>(10).fill(0));

describe("digits()", () => {
  const d = digits({ seed: 3, train: 6000, validation: 1500, test: 2000 });

  it("knows how many images of each class the package has", () => {
    expect(digitClassCounts()).toEqual(rawCounts);
    expect(digitCount()).toBe(N);
    expect(N).toBe(10_000);
  });

  it("returns splits of the requested sizes in the columns layout, one-hot Y matching the labels", () => {
    for (const [s, n] of [[d.train, 6000], [d.validation, 1500], [d.test, 2000]] as const) {
      expect(s.X.shape).toEqual([784, n]);
      expect(s.Y.shape).toEqual([10, n]);
      expect(s.labels).toHaveLength(n);
      expect(s.source).toHaveLength(n);
      const oneHot = Array.from({ length: n }, (_, j) => Array.from({ length: 10 }, (_, k) => s.Y.get(k, j)));
      expect(oneHot).toEqual(s.labels.map((c) => Array.from({ length: 10 }, (_, k) => (k === c ? 1 : 0))));
    }
    expect(digits().train.X.cols).toBe(8000); // defaults: 8 000 / 0 / 2 000
    expect(digits().validation.X.cols).toBe(0);
    expect(digits().test.X.cols).toBe(2000);
  });

  it("copies every column bit for bit from the package's files, and its label from the file it came from", () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const s of [d.train, d.validation, d.test]) {
      const n = s.X.cols;
      for (let j = 0; j < n; j++) {
        const cls = Math.floor(s.source[j]! / 10_000), i = s.source[j]! % 10_000;
        if (s.labels[j] !== cls) mismatches.push(`label of column ${j}`);
        for (let r = 0; r < 784; r++, compared++) if (!Object.is(s.X.data[r * n + j], raw[cls]![i * 784 + r])) mismatches.push(`pixel ${r} of column ${j}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBe(9500 * 784);
  });

  it("holds grey values in [0, 1], with both ends present", () => {
    let lo = Infinity, hi = -Infinity;
    for (const v of d.train.X.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
  });

  it("makes disjoint splits of distinct images", () => {
    const ids = [d.train, d.validation, d.test].flatMap((s) => s.source);
    expect(new Set(ids).size).toBe(ids.length);
    const all = digits({ seed: 3, train: N - 1000, validation: 0, test: 1000 });
    expect(new Set([...all.train.source, ...all.test.source]).size).toBe(N); // every image exactly once
  });

  it("stratifies: each split's class counts are within 2 of its share of the whole set", () => {
    for (const seed of [0, 1, 2]) {
      const s = digits({ seed, train: 3000, validation: 500, test: 777 });
      for (const split of [s.train, s.validation, s.test]) {
        const n = split.labels.length;
        counts(split).forEach((c, k) => expect(Math.abs(c - (n * rawCounts[k]!) / N), `seed ${seed} class ${k}`).toBeLessThanOrEqual(2));
      }
    }
  });

  it("is deterministic per seed, different across seeds, and shuffled within a split", () => {
    const a = digits({ seed: 5, train: 500, test: 200 }), b = digits({ seed: 5, train: 500, test: 200 });
    expect(a.train.source).toEqual(b.train.source);
    expect(a.test.source).toEqual(b.test.source);
    expect(Array.from(a.train.X.data)).toEqual(Array.from(b.train.X.data));
    const c = digits({ seed: 6, train: 500, test: 200 });
    expect(c.test.source).not.toEqual(a.test.source);
    expect(new Set(a.train.labels.slice(0, 20)).size).toBeGreaterThan(5);
    expect(a.train.labels).not.toEqual([...a.train.labels].sort((x, y) => x - y));
  });

  it("keeps a seed's test split whatever the training and validation sizes", () => {
    const small = digits({ seed: 9, train: 100, test: 300 });
    const large = digits({ seed: 9, train: 7000, validation: 1000, test: 300 });
    expect(new Set(small.test.source)).toEqual(new Set(large.test.source));
  });

  it("names the problem for impossible sizes", () => {
    expect(() => digits({ train: 9000, test: 2000 })).toThrow(/train 9000 \+ validation 0 \+ test 2000 = 11000 images, but the package has 10000/);
    expect(() => digits({ train: -1 })).toThrow(/train must be a non-negative integer, got -1/);
    expect(() => digits({ test: 1.5 })).toThrow(/test must be a non-negative integer, got 1.5/);
  });
});
