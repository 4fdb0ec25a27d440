import { describe, expect, it } from "vitest";
import {
  checkGradient,
  checkVjp,
  classify,
  numericGradient,
  numericVjp,
  relativeError,
} from "../../src/engine/gradcheck";
import { Rng } from "../../src/engine/random";
import { Value } from "../../src/engine/value";

// Expected derivatives below are derived by hand (calculus), never produced by the code under test.

describe("relativeError and classify", () => {
  it("gives 0 for two zeros and for equal values", () => {
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(3.5, 3.5)).toBe(0);
  });
  it("is |a-n| / (|a|+|n|)", () => {
    expect(relativeError(1, 3)).toBeCloseTo(0.5, 15);
    expect(relativeError(-1, 1)).toBe(1);
  });
  it("is Infinity for non-finite inputs", () => {
    expect(relativeError(NaN, 1)).toBe(Infinity);
    expect(relativeError(1, Infinity)).toBe(Infinity);
  });
  it("uses the course's bands", () => {
    expect(classify(1e-9)).toBe("correct");
    expect(classify(5e-7)).toBe("acceptable");
    expect(classify(1e-4)).toBe("suspicious");
    expect(classify(1e-3)).toBe("wrong");
    expect(classify(0.5)).toBe("wrong");
    expect(classify(NaN)).toBe("wrong");
  });
});

describe("numericGradient", () => {
  it("matches hand-derived derivatives of sin, exp and a polynomial", () => {
    // f(x) = sin(x0) + exp(x1) + x2^3 - 2 x0 x2  →  ∇f = [cos x0 - 2 x2, exp x1, 3 x2^2 - 2 x0]
    const f = (x: Float64Array) => Math.sin(x[0]!) + Math.exp(x[1]!) + x[2]! ** 3 - 2 * x[0]! * x[2]!;
    const x = [0.3, -0.7, 1.9];
    const g = numericGradient(f, x);
    const expected = [Math.cos(0.3) - 2 * 1.9, Math.exp(-0.7), 3 * 1.9 ** 2 - 2 * 0.3];
    for (let i = 0; i < 3; i++) expect(relativeError(g[i]!, expected[i]!)).toBeLessThan(1e-8);
  });
  it("does not change the caller's point", () => {
    const x = [1, 2, 3];
    numericGradient((v) => v[0]! * v[1]! * v[2]!, x);
    expect(x).toEqual([1, 2, 3]);
  });
  it("rejects a bad step", () => {
    expect(() => numericGradient((v) => v[0]!, [1], { h: 0 })).toThrow(/step h/);
    expect(() => numericGradient((v) => v[0]!, [1], { h: -1 })).toThrow(/step h/);
  });
});

describe("truncation versus round-off", () => {
  // d/dx sin(x) at x = 1 is cos(1).
  const f = (x: Float64Array) => Math.sin(x[0]!);
  const err = (h: number) => relativeError(numericGradient(f, [1], { h })[0]!, Math.cos(1));
  it("a large step has truncation error of order h^2", () => {
    const big = err(1e-1);
    expect(big).toBeGreaterThan(1e-4); // ≈ h²/6 · |tan 1| / 2 ≈ 1.3e-3
    expect(big).toBeLessThan(1e-2);
    expect(err(1e-5)).toBeLessThan(big * 1e-4);
  });
  it("truncation error falls as h²: ten times smaller step, about a hundred times smaller error", () => {
    const ratio = err(1e-2) / err(1e-3);
    expect(ratio).toBeGreaterThan(50);
    expect(ratio).toBeLessThan(200);
  });
  it("a tiny step is ruined by round-off", () => {
    const tiny = err(1e-13);
    expect(tiny).toBeGreaterThan(1e-6); // round-off ≈ ε/h ≈ 1e-3 relative; truncation would be 1e-27
    expect(tiny).toBeGreaterThan(err(1e-5) * 100);
  });
});

describe("checkGradient", () => {
  // softmax cross-entropy of logits z with target class 1: L = -log softmax(z)_1, ∂L/∂z = p - onehot.
  const softmax = (z: ArrayLike<number>) => {
    const m = Math.max(...Array.from(z));
    const e = Array.from(z, (v) => Math.exp(v - m));
    const s = e.reduce((p, q) => p + q, 0);
    return e.map((v) => v / s);
  };
  const ce = (z: Float64Array) => -Math.log(softmax(z)[1]!);
  const z = [0.2, -1.3, 0.7, 2.1];
  const ceGrad = softmax(z).map((p, i) => p - (i === 1 ? 1 : 0));

  it("passes a correct softmax cross-entropy gradient", () => {
    const r = checkGradient(ce, z, ceGrad);
    expect(r.ok).toBe(true);
    expect(r.band).toBe("correct");
    expect(r.maxRelError).toBeLessThan(1e-7);
    expect(r.kinks).toBe(0);
    expect(r.count).toBe(4);
  });

  it("catches a sign error", () => {
    const r = checkGradient(ce, z, ceGrad.map((g) => -g));
    expect(r.ok).toBe(false);
    expect(r.band).toBe("wrong");
    expect(r.failures).toBe(4);
  });

  it("catches a missing factor", () => {
    // f = x0^2 x1 ; true ∇ = [2 x0 x1, x0^2]; planted: forgot the 2.
    const f = (x: Float64Array) => x[0]! ** 2 * x[1]!;
    const r = checkGradient(f, [1.5, -0.4], [1.5 * -0.4, 1.5 ** 2]);
    expect(r.band).toBe("wrong");
    expect(r.worst[0]!.flatIndex).toBe(0);
    expect(r.worst[0]!.relError).toBeCloseTo(1 / 3, 6); // |a - 2a| / (|a| + |2a|)
  });

  it("catches a forgotten f′ (tanh unit: dL/dw = (1 - tanh²(wx)) x)", () => {
    const x = 0.8;
    const f = (w: Float64Array) => Math.tanh(w[0]! * x);
    const w = 1.1;
    expect(checkGradient(f, [w], [(1 - Math.tanh(w * x) ** 2) * x]).band).toBe("correct");
    expect(checkGradient(f, [w], [x]).band).toBe("wrong");
  });

  it("lists the worst entries with shaped indices and names", () => {
    // f(W) = Σ c_ij W_ij² with known ∇ = 2 c ⊙ W; corrupt entry (1, 2).
    const c = [1, 2, 3, 4, 5, 6];
    const W = [0.5, -0.1, 0.3, 0.9, -0.6, 0.2];
    const f = (v: Float64Array) => v.reduce((s, wij, k) => s + c[k]! * wij * wij, 0);
    const grad = W.map((wij, k) => 2 * c[k]! * wij);
    grad[5] = grad[5]! * 1.5;
    const names = W.map((_, k) => `W[${Math.floor(k / 3)},${k % 3}]`);
    const r = checkGradient(f, W, grad, { shape: [2, 3], worst: 2, names });
    expect(r.worst).toHaveLength(2);
    expect(r.worst[0]!.index).toEqual([1, 2]);
    expect(r.worst[0]!.name).toBe("W[1,2]");
    expect(r.failures).toBe(1);
    expect(r.summary).toContain("(1, 2)");
    expect(r.summary).toContain("FAILED");
    expect(String(r)).toBe(r.summary);
  });

  it("reports non-finite analytic values as failing entries with a note", () => {
    const f = (x: Float64Array) => x[0]! + x[1]!;
    const r = checkGradient(f, [1, 2], [1, NaN]);
    expect(r.ok).toBe(false);
    expect(r.band).toBe("wrong");
    expect(r.worst[0]!.flatIndex).toBe(1);
    expect(r.worst[0]!.note).toMatch(/NaN/);
    expect(r.summary).toMatch(/analytic value is NaN/);
  });

  it("throws on a length mismatch, naming both lengths", () => {
    expect(() => checkGradient((x) => x[0]!, [1, 2, 3], [1, 2])).toThrow(/length 3.*length 2/);
  });

  it("throws when the shape does not fit x", () => {
    expect(() => checkGradient((x) => x[0]!, [1, 2, 3], [1, 0, 0], { shape: [2, 2] })).toThrow(/shape/);
  });

  it("respects the tolerance option", () => {
    const f = (x: Float64Array) => x[0]! * x[0]!;
    // analytic off by 1e-4 relative: "suspicious"; passes a loose tolerance, fails the default.
    const a = 2 * 3 * (1 + 2e-4);
    expect(checkGradient(f, [3], [a]).ok).toBe(false);
    const loose = checkGradient(f, [3], [a], { tolerance: 1e-3 });
    expect(loose.ok).toBe(true);
    expect(loose.band).toBe("suspicious");
  });

  it("does not fail a zero gradient because of round-off", () => {
    // Σ softmax(z) = 1 for every z, so its gradient is exactly zero.
    const f = (v: Float64Array) => softmax(v).reduce((p, q) => p + q, 0);
    const r = checkGradient(f, z, [0, 0, 0, 0]);
    expect(r.ok).toBe(true);
  });
});

describe("kinks", () => {
  const relu = (v: number) => Math.max(0, v);

  it("relu at exactly 0 with a valid subgradient is not a failure, and the kink is reported", () => {
    // f(x) = relu(x0) + x1^2 at x0 = 0; subgradient of relu at 0 may be anything in [0, 1].
    const f = (x: Float64Array) => relu(x[0]!) + x[1]! ** 2;
    for (const sub of [0, 0.5, 1]) {
      const r = checkGradient(f, [0, 0.7], [sub, 1.4]);
      expect(r.ok).toBe(true);
      expect(r.kinks).toBe(1);
      expect(r.kinkEntries[0]!.flatIndex).toBe(0);
      expect(r.kinkEntries[0]!.kink).toBe(true);
      expect(r.summary).toMatch(/kink/);
    }
  });

  it("a kink still fails when the analytic value is not a subgradient", () => {
    const f = (x: Float64Array) => relu(x[0]!);
    const r = checkGradient(f, [0], [-1]);
    expect(r.kinks).toBe(1);
    expect(r.ok).toBe(false);
    expect(r.band).toBe("wrong");
  });

  it("a kink inside the step (not at x) is noticed, and x is judged at a step that does not cross it", () => {
    // |x| at x = 3e-6 < h: the true derivative is 1, the central difference at h = 1e-5 sees 0.3.
    const f = (x: Float64Array) => Math.abs(x[0]!);
    const r = checkGradient(f, [3e-6], [1]);
    expect(r.ok).toBe(true);
    expect(r.kinks).toBe(0);
    expect(r.entries[0]!.numeric).toBe(1);
    expect(r.entries[0]!.note).toMatch(/^the step 0.00001 was too coarse here \(a kink nearby or strong curvature\): numeric from step [\d.e-]+, central difference at h was 0.3/);
    // 0.5 is a subgradient of |x| at 0, not the derivative at 3e-6: not excused.
    expect(checkGradient(f, [3e-6], [0.5]).ok).toBe(false);
  });

  it("a smooth but wrong gradient is not excused as a kink", () => {
    const f = (x: Float64Array) => Math.exp(x[0]!);
    const r = checkGradient(f, [0.5], [Math.exp(0.5) * 1.01]);
    expect(r.kinks).toBe(0);
    expect(r.ok).toBe(false);
  });
});

describe("checkVjp", () => {
  // y = W x with W 2×3 stored row-major and x of length 3. For an upstream u, the VJP with respect to
  // W is u xᵀ (2×3) and with respect to x is Wᵀ u (length 3).
  const W = [1, -2, 0.5, 3, 0.25, -1];
  const xv = [0.4, -1.2, 2.0];
  const u = [0.7, -0.3];
  const matvec = (Wf: ArrayLike<number>, x: ArrayLike<number>) => [
    Wf[0]! * x[0]! + Wf[1]! * x[1]! + Wf[2]! * x[2]!,
    Wf[3]! * x[0]! + Wf[4]! * x[1]! + Wf[5]! * x[2]!,
  ];
  const dW = [u[0]! * xv[0]!, u[0]! * xv[1]!, u[0]! * xv[2]!, u[1]! * xv[0]!, u[1]! * xv[1]!, u[1]! * xv[2]!];

  it("passes the correct gradient with respect to W (outer product u xᵀ)", () => {
    const r = checkVjp((Wf) => matvec(Wf, xv), W, u, dW, { shape: [2, 3] });
    expect(r.ok).toBe(true);
    expect(r.band).toBe("correct");
  });

  it("catches a transposed matrix gradient", () => {
    // The Pitfall: W x instead of Wᵀ u for ∂L/∂x. Use a square W so the shapes still agree.
    const S = [2, -1, 0.5, 1];
    const xs = [0.3, -0.8];
    const mv = (M: ArrayLike<number>, x: ArrayLike<number>) => [M[0]! * x[0]! + M[1]! * x[1]!, M[2]! * x[0]! + M[3]! * x[1]!];
    const right = [S[0]! * u[0]! + S[2]! * u[1]!, S[1]! * u[0]! + S[3]! * u[1]!]; // Sᵀ u
    const wrong = [S[0]! * u[0]! + S[1]! * u[1]!, S[2]! * u[0]! + S[3]! * u[1]!]; // S u
    expect(checkVjp((x) => mv(S, x), xs, u, right).ok).toBe(true);
    const r = checkVjp((x) => mv(S, x), xs, u, wrong);
    expect(r.ok).toBe(false);
    expect(r.band).toBe("wrong");
  });

  it("numericVjp agrees with Wᵀ u", () => {
    const g = numericVjp((x) => matvec(W, x), xv, u);
    const expected = [W[0]! * u[0]! + W[3]! * u[1]!, W[1]! * u[0]! + W[4]! * u[1]!, W[2]! * u[0]! + W[5]! * u[1]!];
    for (let i = 0; i < 3; i++) expect(relativeError(g[i]!, expected[i]!)).toBeLessThan(1e-8);
  });

  it("throws when f's output and upstream lengths differ", () => {
    expect(() => checkVjp((x) => matvec(W, x), xv, [1, 2, 3], [0, 0, 0])).toThrow(/length 2.*length 3/);
  });

  it("checks a softmax Jacobian: J = diag(p) - p pᵀ, so uᵀJ = p ⊙ (u - ⟨u, p⟩)", () => {
    const sm = (z: ArrayLike<number>) => {
      const e = Array.from(z, Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    const zz = [0.1, 1.5, -0.4];
    const uu = [1, -2, 0.5];
    const p = sm(zz);
    const up = uu.reduce((s, ui, i) => s + ui * p[i]!, 0);
    const vjp = p.map((pi, i) => pi * (uu[i]! - up));
    expect(checkVjp(sm, zz, uu, vjp).band).toBe("correct");
    // A classic slip: forgetting the -p pᵀ term.
    expect(checkVjp(sm, zz, uu, p.map((pi, i) => pi * uu[i]!)).band).toBe("wrong");
  });
});

describe("strong curvature is not mistaken for a kink (that would excuse wrong gradients)", () => {
  // 1/x at 1e-3 with h = 1e-5: the central difference is off by (h/x)² = 1e-4 of f′ = −1e6, and the
  // one-sided slopes differ by 2%: a wrong gradient inside that spread must still fail.
  it("1/x near 0: the correct slope passes as 'correct', one 1 % off fails", () => {
    const f = (v: Float64Array) => 1 / v[0]!;
    const good = checkGradient(f, [1e-3], [-1e6]);
    expect(good.ok).toBe(true);
    expect(good.band).toBe("correct");
    expect(good.kinks).toBe(0);
    expect(good.entries[0]!.note).toMatch(/too coarse here/);
    const bad = checkGradient(f, [1e-3], [-1.01e6]);
    expect(bad.ok).toBe(false);
    expect(bad.kinks).toBe(0);
  });
  it("seeded sweep: 1/x, log x, x⁻², √x and sin(1000x) near their steep parts, right and 1 % wrong", () => {
    const fns: [string, (v: number) => number, (v: number) => number, (r: Rng) => number][] = [
      ["1/x", (v) => 1 / v, (v) => -1 / (v * v), (r) => 10 ** r.uniform(-4.9, -2)],
      ["log", Math.log, (v) => 1 / v, (r) => 10 ** r.uniform(-4.9, -2)],
      ["x⁻²", (v) => v ** -2, (v) => -2 * v ** -3, (r) => 10 ** r.uniform(-4.9, -2)],
      ["√x", Math.sqrt, (v) => 0.5 / Math.sqrt(v), (r) => 10 ** r.uniform(-4.9, -2)],
      ["sin 1000x", (v) => Math.sin(1000 * v), (v) => 1000 * Math.cos(1000 * v), (r) => r.uniform(-1, 1)],
    ];
    const r = new Rng(3);
    for (let t = 0; t < 400; t++) {
      const [name, f, df, sample] = fns[t % fns.length]!;
      const x = sample(r);
      const g = (v: Float64Array) => f(v[0]!);
      const good = checkGradient(g, [x], [df(x)]);
      expect(good.ok, `${name} at ${x}: ${good.summary}`).toBe(true);
      expect(good.kinks, `${name} at ${x}`).toBe(0);
      if (Math.abs(df(x)) < 1e-2) continue; // below the floor a 1 % error is not resolvable
      expect(checkGradient(g, [x], [1.01 * df(x)]).ok, `${name} at ${x}, 1 % off`).toBe(false);
    }
  });
});

describe("kink detection does not fire on smooth functions", () => {
  it("x³ + x² at its stationary point 0 (zero gradient, strong curvature)", () => {
    const r = checkGradient((x) => x[0]! ** 3 + x[0]! ** 2, [0], [0]);
    expect(r.kinks).toBe(0);
    expect(r.ok).toBe(true);
  });
  it("a large constant offset with a tiny slope", () => {
    // f = 1e6 + 1e-3 x  → f' = 1e-3; slopes carry round-off of order ε·1e6/h.
    const r = checkGradient((x) => 1e6 + 1e-3 * x[0]!, [0.2], [1e-3]);
    expect(r.kinks).toBe(0);
  });
  it("a strongly curved but smooth function", () => {
    const r = checkGradient((x) => Math.exp(5 * x[0]!), [1], [5 * Math.exp(5)]);
    expect(r.kinks).toBe(0);
    expect(r.band).toBe("correct");
  });
});

describe("the floor for near-zero gradients", () => {
  it("still catches a sign error on a small gradient", () => {
    // f = 1e-5 x² at x = 1: f' = 2e-5.
    const r = checkGradient((x) => 1e-5 * x[0]! ** 2, [1], [-2e-5]);
    expect(r.band).toBe("wrong");
  });
});

describe("evaluation budget and the point f sees", () => {
  it("a smooth check costs 2n + 1 evaluations and perturbs one coordinate at a time", () => {
    const x = [0.5, -1, 2, 0.25];
    let calls = 0;
    const f = (v: Float64Array) => {
      calls += 1;
      const moved = Array.from(v).filter((vi, k) => vi !== x[k]).length;
      expect(moved).toBeLessThanOrEqual(1);
      return v.reduce((s, vi, k) => s + (k + 1) * vi + 0.01 * vi * vi, 0);
    };
    // Gentle curvature: the one-sided slopes differ by 0.02 h, far below tolerance × slope, so the
    // half-step kink probe is never needed.
    const r = checkGradient(f, x, x.map((xi, k) => k + 1 + 0.02 * xi));
    expect(r.ok).toBe(true);
    expect(calls).toBe(2 * x.length + 1);
  });
  it("strong curvature costs at most two more evaluations per entry and is not a kink", () => {
    let calls = 0;
    const x = [0.5, -1, 2, 0.25];
    const f = (v: Float64Array) => {
      calls += 1;
      return v.reduce((s, vi) => s + Math.sin(vi), 0);
    };
    const r = checkGradient(f, x, x.map(Math.cos));
    expect(r.ok).toBe(true);
    expect(r.kinks).toBe(0);
    expect(calls).toBeLessThanOrEqual(4 * x.length + 1);
  });
  it("scales the step with |x| by default and can be told not to", () => {
    const seen: number[] = [];
    const f = (v: Float64Array) => {
      seen.push(v[0]!);
      return v[0]! ** 2;
    };
    numericGradient(f, [1000], { h: 1e-5 });
    expect(Math.abs(seen[0]! - 1000)).toBeCloseTo(1e-2, 8);
    seen.length = 0;
    numericGradient(f, [1000], { h: 1e-5, relativeStep: false });
    expect(Math.abs(seen[0]! - 1000)).toBeCloseTo(1e-5, 8);
  });
});

describe("kinks through the VJP form", () => {
  it("a relu layer's backward u ⊙ [z > 0] passes at z = 0 and reports the kink", () => {
    const relu = (z: Float64Array) => Array.from(z, (v) => Math.max(0, v));
    const z = [1.5, 0, -0.7];
    const u = [0.3, -2, 1.1];
    const r = checkVjp(relu, z, u, [0.3, 0, 0]);
    expect(r.ok).toBe(true);
    expect(r.kinks).toBe(1);
    expect(r.kinkEntries[0]!.flatIndex).toBe(1);
    // The Pitfall "forgot f′": passing u straight through is caught on the negative entry.
    const wrong = checkVjp(relu, z, u, u);
    expect(wrong.ok).toBe(false);
    expect(wrong.band).toBe("wrong");
    expect(wrong.worst[0]!.flatIndex).toBe(2);
  });
});

describe("seeded property sweep of the verdict", () => {
  // Smooth functions with hand-derived derivatives, at random points and scales.
  const fns: [string, (v: number) => number, (v: number) => number][] = [
    ["sin", Math.sin, Math.cos],
    ["exp", Math.exp, Math.exp],
    ["tanh", Math.tanh, (v) => 1 - Math.tanh(v) ** 2],
    ["quartic", (v) => v ** 4 - 3 * v ** 2, (v) => 4 * v ** 3 - 6 * v],
    ["sigmoid", (v) => 1 / (1 + Math.exp(-v)), (v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2],
    ["big sin", (v) => 1e4 * Math.sin(v), (v) => 1e4 * Math.cos(v)],
    ["small square", (v) => 1e-4 * v * v, (v) => 2e-4 * v],
    ["log1p(x²)", (v) => Math.log(1 + v * v), (v) => (2 * v) / (1 + v * v)],
  ];
  const at = (f: (v: number) => number) => (v: Float64Array) => f(v[0]!) + 0.5 * v[1]! ** 2;

  it("correct smooth gradients pass with no kinks; planted errors of 1–2 % or a sign all fail", () => {
    const r = new Rng(1);
    for (let t = 0; t < 1000; t++) {
      const [name, f, df] = fns[r.int(fns.length)]!;
      const x = [r.normal(0, 10 ** r.uniform(-3, 1)), r.normal(0, 1)];
      const good = checkGradient(at(f), x, [df(x[0]!), x[1]!]);
      expect(good.ok, `${name} at ${x[0]}`).toBe(true);
      expect(good.kinks, `${name} at ${x[0]}`).toBe(0);
      const g = df(x[0]!);
      if (Math.abs(g) < 1e-3) continue; // below the floor a 1 % error is not resolvable
      const bad = [0.99 * g, -g, 1.02 * g][r.int(3)]!;
      expect(checkGradient(at(f), x, [bad, x[1]!]).ok, `${name} at ${x[0]} with ${bad}`).toBe(false);
    }
  });

  it("relu + 0.3x near 0 (inside the step): valid one-sided derivatives pass, others fail", () => {
    const r = new Rng(2);
    const f = (v: Float64Array) => Math.max(0, v[0]!) + 0.3 * v[0]!;
    for (let t = 0; t < 500; t++) {
      const x0 = r.uniform(-2e-5, 2e-5);
      const valid = x0 > 0 ? 1.3 : 0.3;
      expect(checkGradient(f, [x0], [valid]).ok, `at ${x0}`).toBe(true);
      const invalid = [1.8, -0.2, 2.3][r.int(3)]!;
      expect(checkGradient(f, [x0], [invalid]).ok, `at ${x0} with ${invalid}`).toBe(false);
    }
  });
});

describe("kinks near x, with curvature: never a false failure; far enough off, x is judged exactly", () => {
  it("seeded sweep over |x| + c x³, s·relu(x) + c sin x and relu(x − 2e-6) + 0.01 c eˣ at x within ±1.2 h of the kink", () => {
    const r = new Rng(7);
    const h = 1e-5;
    for (let t = 0; t < 1500; t++) {
      const x0 = r.uniform(-1.2, 1.2) * h;
      const c = r.uniform(-3, 3);
      const s = r.uniform(0.1, 2);
      const kind = t % 3;
      const kinkAt = kind === 2 ? 2e-6 : 0;
      // Hand-derived derivatives away from the kink.
      const [f, df] =
        kind === 0 ? [(v: Float64Array) => Math.abs(v[0]!) + c * v[0]! ** 3, Math.sign(x0) + 3 * c * x0 * x0] :
        kind === 1 ? [(v: Float64Array) => s * Math.max(0, v[0]!) + c * Math.sin(v[0]!), (x0 > 0 ? s : 0) + c * Math.cos(x0)] :
        [(v: Float64Array) => Math.max(0, v[0]! - 2e-6) + 0.01 * c * Math.exp(v[0]!), (x0 > 2e-6 ? 1 : 0) + 0.01 * c * Math.exp(x0)];
      const good = checkGradient(f, [x0], [df]);
      expect(good.ok, `kind ${kind} at ${x0}: ${good.summary}`).toBe(true);
      // A slope off by more than the jump: caught once the kink is a third of a step away or more
      // (closer in, the entry is reported as a kink and judged by the one-sided slopes).
      const wrong = df + (kind === 1 ? 1.5 * s + 0.5 : 2.5);
      if (Math.abs(x0 - kinkAt) > 0.3 * h) expect(checkGradient(f, [x0], [wrong]).ok, `kind ${kind} at ${x0} with ${wrong}`).toBe(false);
    }
  });
});

describe("f throwing at a perturbed point (the step crosses the edge of its domain)", () => {
  // log x at x = 3e-6: the default step 1e-5 reaches x − h < 0, where a Value-built f throws.
  const logOf = (v: Float64Array) => {
    if (!(v[0]! > 0)) throw new RangeError(`log: argument must be positive, got ${v[0]}`);
    return Math.log(v[0]!) + v[1]! ** 2;
  };
  it("checkGradient reports the entry as failing, naming the coordinate, the side and f's message", () => {
    const r = checkGradient(logOf, [3e-6, 0.5], [1 / 3e-6, 1]);
    expect(r.ok).toBe(false);
    expect(r.failures).toBe(1);
    const e = r.entries[0]!;
    expect(e.note).toMatch(/^f threw at x\[0\] − h = -0\.000007: log: argument must be positive, got -0\.00000700+\d*; the step crosses the edge of f's domain/);
    expect(r.entries[1]!.relError).toBeLessThan(1e-7); // the other coordinate is still checked
    expect(r.summary).toContain("f threw at x[0]");
  });
  it("a smaller step at the same point passes (1/x = 333 333.3…)", () => {
    expect(checkGradient(logOf, [3e-6, 0.5], [1 / 3e-6, 1], { h: 1e-8, relativeStep: false }).ok).toBe(true);
  });
  it("numericGradient throws a RangeError with the same context", () => {
    expect(() => numericGradient(logOf, [3e-6, 0.5])).toThrow(/numericGradient: f threw at x\[0\] − h = -0\.000007: log: .*use a smaller h/);
  });
  it("f throwing at the point itself is reported as such", () => {
    expect(() => checkGradient(logOf, [-1, 0], [0, 0])).toThrow(/checkGradient: f threw at the point itself: log: argument must be positive, got -1/);
  });
  it("with an f built from Values, the engine's own domain error is the one reported", () => {
    const f = (v: Float64Array) => new Value(v[0]!).log().data;
    const r = checkGradient(f, [3e-6], [1 / 3e-6]);
    expect(r.ok).toBe(false);
    expect(r.entries[0]!.note).toMatch(/^f threw at x\[0\] − h = -0\.000007: log: argument must be positive/);
  });
  it("the caller's point is restored even when f throws", () => {
    const x = new Float64Array([3e-6, 0.5]);
    const seen: number[] = [];
    checkGradient((v) => { seen.push(v[0]!); return logOf(v); }, x, [1 / 3e-6, 1]);
    expect(Array.from(x)).toEqual([3e-6, 0.5]);
    expect(seen[seen.length - 1]).toBe(3e-6);
  });
});
