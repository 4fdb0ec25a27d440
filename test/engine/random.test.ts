import { describe, expect, it } from "vitest";
import { Rng, rng } from "../../src/engine/random";

// Statistical checks use bounds of several standard errors for a fixed seed, so they are
// deterministic (no flakiness) yet would fail for a biased or broken generator.

const draws = (r: Rng, n: number, f: (r: Rng) => number) => Array.from({ length: n }, () => f(r));
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1);
};
const correlation = (xs: number[], ys: number[]) => {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

/**
 * An independent reference for the documented algorithm (sfc32 seeded by four splitmix32 words,
 * twelve outputs discarded), written with BigInt arithmetic modulo 2³² rather than the |0 tricks of
 * the implementation, from the published definitions of both generators.
 */
function referenceUint32Stream(seed: number, count: number): number[] {
  const M = 1n << 32n;
  const mask = M - 1n;
  let s = BigInt.asUintN(32, BigInt(seed));
  const mix = (): bigint => {
    s = (s + 0x9e3779b9n) & mask;
    let z = s;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & mask;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & mask;
    return z ^ (z >> 16n);
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const step = (): bigint => {
    const t = (a + b + d) & mask;
    d = (d + 1n) & mask;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & mask;
    c = ((c << 21n) | (c >> 11n)) & mask;
    c = (c + t) & mask;
    return t;
  };
  for (let i = 0; i < 12; i++) step();
  return Array.from({ length: count }, () => Number(step()));
}

describe("Rng: the documented algorithm", () => {
  it("nextUint32 matches an independent sfc32/splitmix32 reference", () => {
    for (const seed of [0, 1, 42, -7, 123456789]) {
      const r = new Rng(seed);
      expect(Array.from({ length: 20 }, () => r.nextUint32())).toEqual(referenceUint32Stream(seed, 20));
    }
  });
});

describe("Rng: reproducibility", () => {
  it("the same seed gives the same stream", () => {
    const a = new Rng(2024);
    const b = rng(2024);
    expect(draws(a, 100, (r) => r.next())).toEqual(draws(b, 100, (r) => r.next()));
    expect(draws(a, 50, (r) => r.normal())).toEqual(draws(b, 50, (r) => r.normal()));
  });
  it("nearby seeds give unrelated streams", () => {
    const xs = draws(new Rng(1), 20000, (r) => r.next());
    const ys = draws(new Rng(2), 20000, (r) => r.next());
    expect(xs).not.toEqual(ys);
    expect(Math.abs(correlation(xs, ys))).toBeLessThan(0.035); // 5/√n
  });
  it("remembers its seed", () => {
    expect(new Rng(99).seed).toBe(99);
  });
});

describe("Rng.fork", () => {
  it("is a pure function of seed and label", () => {
    const parent = new Rng(5);
    const before = draws(parent.fork("noise"), 10, (r) => r.next());
    draws(parent, 1000, (r) => r.next()); // drawing from the parent must not move its forks
    expect(draws(parent.fork("noise"), 10, (r) => r.next())).toEqual(before);
  });
  it("different labels and the parent give independent streams", () => {
    const parent = new Rng(5);
    const n = 20000;
    const a = draws(parent.fork("a"), n, (r) => r.next());
    const b = draws(parent.fork("b"), n, (r) => r.next());
    const p = draws(new Rng(5), n, (r) => r.next());
    expect(a).not.toEqual(b);
    const bound = 5 / Math.sqrt(n);
    expect(Math.abs(correlation(a, b))).toBeLessThan(bound);
    expect(Math.abs(correlation(a, p))).toBeLessThan(bound);
  });
  it("forks of different seeds with one label differ", () => {
    expect(draws(new Rng(1).fork("x"), 5, (r) => r.next())).not.toEqual(draws(new Rng(2).fork("x"), 5, (r) => r.next()));
  });
});

describe("Rng: distributions", () => {
  const n = 100000;
  it("next() lies in [0, 1) with mean 1/2 and variance 1/12", () => {
    const xs = draws(new Rng(11), n, (r) => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    // Var of the sample variance of U(0,1) is (1/80 − 1/144)/n.
    expect(Math.abs(variance(xs) - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
  });
  it("next() fills ten equal bins evenly (χ² with 9 degrees of freedom)", () => {
    const bins = new Array<number>(10).fill(0);
    const r = new Rng(12);
    for (let i = 0; i < n; i++) bins[Math.floor(r.next() * 10)]! += 1;
    const expected = n / 10;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.9); // 99.9th percentile of χ²(9)
  });
  it("uniform(lo, hi) stays in [lo, hi) with mean (lo + hi)/2", () => {
    const xs = draws(new Rng(13), n, (r) => r.uniform(-3, 5));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(5);
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(5 * Math.sqrt(64 / 12 / n));
  });
  it("normal(mean, std) has that mean and standard deviation, and normal tails", () => {
    const xs = draws(new Rng(14), n, (r) => r.normal(2, 3));
    expect(Math.abs(mean(xs) - 2)).toBeLessThan(5 * (3 / Math.sqrt(n)));
    const sd = Math.sqrt(variance(xs));
    expect(Math.abs(sd - 3)).toBeLessThan(5 * (3 / Math.sqrt(2 * n)));
    // P(|Z| > 2) = 0.0455 for a standard normal.
    const tail = xs.filter((v) => Math.abs(v - 2) > 6).length / n;
    expect(Math.abs(tail - 0.0455)).toBeLessThan(5 * Math.sqrt((0.0455 * 0.9545) / n));
  });
  it("normals(k) returns k draws", () => {
    const xs = new Rng(15).normals(7, 0, 1);
    expect(xs).toHaveLength(7);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});

describe("Rng: integers and permutations", () => {
  it("int(n) stays in 0..n-1 and hits every value", () => {
    const r = new Rng(21);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k)).toBe(true);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(7);
      seen.add(k);
    }
    expect(seen.size).toBe(7);
    expect(new Rng(1).int(1)).toBe(0);
  });
  it("shuffle is an in-place permutation", () => {
    const xs = Array.from({ length: 50 }, (_, i) => `item${i}`);
    const original = [...xs];
    const out = new Rng(22).shuffle(xs);
    expect(out).toBe(xs);
    expect([...out].sort()).toEqual([...original].sort());
    expect(out).not.toEqual(original);
  });
  it("shuffle puts each element in each position about equally often", () => {
    // 3 elements, 60000 shuffles: each of the 9 (element, position) cells expects 20000.
    const r = new Rng(23);
    const cells = new Array<number>(9).fill(0);
    for (let t = 0; t < 60000; t++) {
      r.shuffle([0, 1, 2]).forEach((e, pos) => (cells[e * 3 + pos]! += 1));
    }
    for (const c of cells) expect(Math.abs(c - 20000)).toBeLessThan(5 * Math.sqrt(60000 * (1 / 3) * (2 / 3)));
  });
  it("permutation(n) contains 0..n-1 exactly once", () => {
    const p = new Rng(24).permutation(100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Rng(24).permutation(0)).toEqual([]);
  });
});

describe("Rng: bad arguments", () => {
  it("rejects a non-finite seed", () => {
    expect(() => new Rng(NaN)).toThrow(/seed/);
    expect(() => new Rng(Infinity)).toThrow(/seed/);
  });
  it("rejects int(n) for n that is not a positive integer", () => {
    const r = new Rng(1);
    expect(() => r.int(0)).toThrow(/positive integer/);
    expect(() => r.int(-3)).toThrow(/positive integer/);
    expect(() => r.int(2.5)).toThrow(/positive integer/);
    expect(() => r.int(NaN)).toThrow(/positive integer/);
  });
});
