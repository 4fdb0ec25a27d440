/**
 * One seeded pseudo-random generator for the whole course, so that every notebook, test, data set
 * and grade is reproducible from a single integer seed.
 *
 * The core is sfc32 (a small, fast, well-tested 128-bit-state generator) seeded through splitmix32,
 * so that nearby seeds (1, 2, 3, …) still give unrelated streams.
 */

/** splitmix32: spreads one 32-bit seed into well-mixed 32-bit words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hash a string to 32 bits (FNV-1a), used to derive named sub-streams. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded generator. Every draw in Backprop Lab goes through one of these, never `Math.random`,
 * so results can be replayed exactly (the grader's hidden cases depend on it).
 */
export class Rng {
  /** The seed this generator was made from, kept so reports can say how to reproduce a run. */
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /** Any finite number; its integer part (mod 2³²) picks the stream. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    const state = { s: Math.floor(seed) | 0 };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state);
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm up away from the seeding pattern
  }

  /** The next raw 32-bit output of sfc32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform draw in [0, 1) with 53 random bits, the full precision of a float64. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform draw in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** A normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Shuffles `xs` in place (Fisher–Yates) and returns it, for minibatch order. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = tmp;
    }
    return xs;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** An array of `n` normal draws, handy for weight matrices and random upstream gradients. */
  normals(n: number, mean = 0, std = 1): number[] {
    return Array.from({ length: n }, () => this.normal(mean, std));
  }

  /**
   * An independent generator derived from this one's seed and a label. Forks with different labels
   * do not disturb each other, so adding a draw in one place never shifts the numbers elsewhere.
   */
  fork(label: string): Rng {
    return new Rng((Math.imul(this.seed | 0, 0x9e3779b1) ^ hashString(label)) | 0);
  }
}

/** Shorthand for `new Rng(seed)`, reading like the notebooks' `const r = rng(42)`. */
export function rng(seed: number): Rng {
  return new Rng(seed);
}
