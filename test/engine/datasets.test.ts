import { describe, expect, it } from "vitest";
import { circles, moons, regression1d, spirals, trainTestSplit, xor, type ToyDataset } from "../../src/engine/datasets";

const counts = (y: number[]) => y.reduce<Record<number, number>>((c, v) => ({ ...c, [v]: (c[v] ?? 0) + 1 }), {});
const allFinite = (d: ToyDataset) => d.X.every((r) => r.every(Number.isFinite)) && d.y.every(Number.isFinite);

describe.each([
  ["moons", (n: number, seed: number) => moons(n, { seed }), 2, [0, 1]],
  ["circles", (n: number, seed: number) => circles(n, { seed }), 2, [0, 1]],
  ["spirals", (n: number, seed: number) => spirals(n, { seed }), 2, [0, 1, 2]],
  ["xor", (n: number, seed: number) => xor(n, { seed }), 2, [0, 1]],
] as const)("%s", (_name, make, d, labels) => {
  it("has n rows of d features and labels from the expected set", () => {
    const data = make(90, 1);
    expect(data.X).toHaveLength(90);
    expect(data.y).toHaveLength(90);
    for (const row of data.X) expect(row).toHaveLength(d);
    expect(new Set(data.y)).toEqual(new Set(labels));
    expect(allFinite(data)).toBe(true);
  });
  it("is deterministic for equal seeds and differs for different seeds", () => {
    expect(make(40, 7)).toEqual(make(40, 7));
    expect(make(40, 7).X).not.toEqual(make(40, 8).X);
  });
  it("balances the classes (sizes differ by at most one)", () => {
    for (const n of [60, 61, 62, 63]) {
      const c = Object.values(counts(make(n, 3).y));
      expect(c).toHaveLength(labels.length);
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    }
  });
  it("shuffles: the first half is not a single class", () => {
    expect(new Set(make(100, 5).y.slice(0, 50)).size).toBeGreaterThan(1);
  });
});

describe("moons geometry", () => {
  it("noise 0 puts class 0 on the upper unit half circle and class 1 on the lower one centred at (1, 0.5)", () => {
    const { X, y } = moons(101, { noise: 0, seed: 2 });
    X.forEach(([a, b], i) => {
      if (y[i] === 0) {
        expect(Math.hypot(a!, b!)).toBeCloseTo(1, 12);
        expect(b!).toBeGreaterThanOrEqual(-1e-12);
      } else {
        expect(Math.hypot(a! - 1, b! - 0.5)).toBeCloseTo(1, 12);
        expect(b!).toBeLessThanOrEqual(0.5 + 1e-12);
      }
    });
  });
  it("noise moves points off the circles by about the noise level", () => {
    const { X, y } = moons(2000, { noise: 0.1, seed: 2 });
    const dev = X.map(([a, b], i) => (y[i] === 0 ? Math.hypot(a!, b!) - 1 : Math.hypot(a! - 1, b! - 0.5) - 1));
    const rms = Math.sqrt(dev.reduce((s, v) => s + v * v, 0) / dev.length);
    // Radial part of 2-D isotropic noise with σ = 0.1 has rms ≈ 0.1.
    expect(rms).toBeGreaterThan(0.07);
    expect(rms).toBeLessThan(0.13);
  });
});

describe("circles, spirals, xor, regression1d specifics", () => {
  it("circles without noise have radii 1 and factor", () => {
    const { X, y } = circles(50, { noise: 0, factor: 0.3 });
    X.forEach(([a, b], i) => expect(Math.hypot(a!, b!)).toBeCloseTo(y[i] === 0 ? 1 : 0.3, 12));
    expect(() => circles(10, { factor: 1 })).toThrow(/factor/);
  });
  it("spirals honours the number of classes and stays within the unit disc without noise", () => {
    const { X, y } = spirals(100, { classes: 5, noise: 0 });
    expect(new Set(y)).toEqual(new Set([0, 1, 2, 3, 4]));
    for (const [a, b] of X) expect(Math.hypot(a!, b!)).toBeLessThanOrEqual(1 + 1e-12);
    expect(() => spirals(10, { classes: 1 })).toThrow(/classes/);
  });
  it("xor labels are the sign rule when there is no noise", () => {
    const { X, y } = xor(200, { noise: 0, seed: 4 });
    X.forEach(([a, b], i) => {
      expect(Math.abs(a!)).toBeLessThanOrEqual(1);
      expect(y[i]).toBe(a! * b! < 0 ? 1 : 0);
    });
  });
  it("regression1d gives sorted inputs in the domain and y = fn(x) without noise", () => {
    const fn = (x: number) => x * x - 1;
    const { X, y } = regression1d(50, { noise: 0, fn, domain: [-2, 3], seed: 9 });
    for (let i = 0; i < 50; i++) {
      expect(X[i]).toHaveLength(1);
      const x = X[i]![0]!;
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThan(3);
      if (i > 0) expect(x).toBeGreaterThanOrEqual(X[i - 1]![0]!);
      expect(y[i]).toBe(fn(x));
    }
  });
  it("regression1d noise has about the requested standard deviation around sin", () => {
    const { X, y } = regression1d(4000, { noise: 0.2, seed: 1 });
    const r = y.map((v, i) => v - Math.sin(X[i]![0]!));
    const mean = r.reduce((s, v) => s + v, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (r.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.02); // 4σ/√n ≈ 0.013
    expect(sd).toBeGreaterThan(0.18);
    expect(sd).toBeLessThan(0.22);
  });
  it("bad arguments throw with the generator's name", () => {
    expect(() => moons(0)).toThrow(/moons: n/);
    expect(() => xor(2.5)).toThrow(/xor: n/);
    expect(() => moons(10, { noise: -1 })).toThrow(/moons: noise/);
    expect(() => regression1d(10, { domain: [1, 1] })).toThrow(/domain/);
  });
});

describe("trainTestSplit", () => {
  const data = moons(50, { seed: 3 });
  it("partitions the rows with the requested test size", () => {
    const { train, test } = trainTestSplit(data, 0.2, 11);
    expect(test.X).toHaveLength(10);
    expect(train.X).toHaveLength(40);
    expect(test.y).toHaveLength(10);
    const key = (r: number[], lab: number) => `${r.join(",")}|${lab}`;
    const all = data.X.map((r, i) => key(r, data.y[i]!)).sort();
    const back = [...train.X.map((r, i) => key(r, train.y[i]!)), ...test.X.map((r, i) => key(r, test.y[i]!))].sort();
    expect(back).toEqual(all);
  });
  it("is deterministic for a seed and differs across seeds", () => {
    expect(trainTestSplit(data, 0.3, 1)).toEqual(trainTestSplit(data, 0.3, 1));
    expect(trainTestSplit(data, 0.3, 1).test.X).not.toEqual(trainTestSplit(data, 0.3, 2).test.X);
  });
  it("copies rows", () => {
    const { train } = trainTestSplit(data, 0.5, 1);
    train.X[0]![0] = 1e9;
    expect(data.X.some((r) => r[0] === 1e9)).toBe(false);
  });
  it("rejects fractions that leave an empty half or a mismatched data set", () => {
    expect(() => trainTestSplit(data, 0, 1)).toThrow(/testFraction/);
    expect(() => trainTestSplit(data, 1, 1)).toThrow(/testFraction/);
    expect(() => trainTestSplit(data, 0.001, 1)).toThrow(/empty half/);
    expect(() => trainTestSplit({ X: [[1], [2]], y: [0] }, 0.5, 1)).toThrow(/2 rows.*1 entries/);
  });
});
