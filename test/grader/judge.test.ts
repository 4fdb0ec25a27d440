import { describe, expect, it } from "vitest";
import { exerciseById } from "../../src/grader/exercises";
import { fdVjp, plainData, readTensor, judgeGradients } from "../../src/grader/judge";
import type { Exercise } from "../../src/grader/contract";
import * as s01 from "../../solutions/01-local-rules";
import * as s05 from "../../solutions/05-delta-recurrence";
import * as s06 from "../../solutions/06-layer-gradients";
import * as s02 from "../../solutions/02-graph-backward";
import * as s03 from "../../solutions/03-toy-chain";
import * as s04 from "../../solutions/04-output-deltas";
import * as s07 from "../../solutions/07-mlp-backward";
import * as s08 from "../../solutions/08-layer-backward";
import * as s11 from "../../solutions/11-stable-softmax";
import * as s12 from "../../solutions/12-init-variance";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import * as planted from "./planted/mistakes";

type Fn = (...args: never[]) => unknown;
const grade = (ex: Exercise, fn: Fn, seed = 3) =>
  ex.cases(seed).map((c) => ex.judge(c, plainData((fn as (...a: unknown[]) => unknown)(...structuredClone(c.args)))));
const total = (vs: { score: number }[]) => vs.reduce((s, v) => s + v.score, 0) / vs.length;

describe("shape and type checks", () => {
  it("names both shapes when a matrix comes back transposed", () => {
    expect(readTensor([[1, 2], [3, 4], [5, 6]], [2, 3], "dW")).toBe("dW: returned a 3×2 matrix where a 2×3 matrix was expected");
  });
  it("says when nothing was returned and when a number is not finite", () => {
    expect(readTensor(undefined, [], "dx")).toMatch(/undefined \(did you forget to return\?\)/);
    expect(readTensor([1, NaN], [2], "db")).toMatch(/entry 1 is NaN/);
  });
  it("accepts a Float64Array and a one-column matrix for a vector", () => {
    expect(readTensor(Float64Array.of(1, 2), [2], "db")).toMatchObject({ values: Float64Array.of(1, 2) });
    expect(readTensor([[1], [2]], [2], "db")).toMatchObject({ values: Float64Array.of(1, 2) });
  });
});

describe("the oracle is central differences of the forward", () => {
  it("matches the hand-derived VJP of z = W a for a 2×2 W", () => {
    // ∂⟨u, W a⟩/∂a = Wᵀ u: W = [[1,2],[3,4]], u = [1,-1] → [1-3, 2-4] = [-2, -2]
    const W = [1, 2, 3, 4];
    const t = fdVjp((ins) => [W[0]! * ins[0]![0]! + W[1]! * ins[0]![1]!, W[2]! * ins[0]![0]! + W[3]! * ins[0]![1]!], [{ shape: [2], values: Float64Array.of(0.5, -0.5) }], 0, [1, -1]);
    expect(t.values[0]).toBeCloseTo(-2, 8);
    expect(t.values[1]).toBeCloseTo(-2, 8);
  });
  it("gives partial credit per returned component and reports the relative error", () => {
    const spec = { expected: { da: { shape: [], values: Float64Array.of(-3) }, db: { shape: [], values: Float64Array.of(2) } } };
    const v = judgeGradients(spec, { da: -3, db: 2.5 }, []);
    expect(v.score).toBe(0.5);
    expect(v.relError).toBeCloseTo(0.5 / 4.5, 12);
    expect(v.feedback).toMatch(/db is wrong/);
  });
});

describe("planted pitfalls lose marks and are named", () => {
  const cases: [string, string, Fn][] = [
    ["delta-recurrence", "forgot-fprime", planted.deltaForgotFprime],
    ["delta-recurrence", "used-a-for-z", planted.deltaUsedA],
    ["delta-recurrence", "sign-error", planted.deltaSignError],
    ["layer-gradients", "transposed-dW", planted.layerTransposedDW],
    ["layer-gradients", "bias-not-summed", planted.layerBiasNotSummed],
    ["layer-gradients", "divided-by-batch-twice", planted.layerDividedTwice],
    ["layer-gradients", "forgot-batch-mean", planted.layerForgotMean],
    ["mul-backward", "forgot-upstream", planted.mulForgotUpstream],
    ["cos-backward", "sign-error", planted.cosSignError],
    ["tanh-backward", "used-a-for-z", planted.tanhUsedInput],
    ["div-backward", "quotient-rule", planted.divWrongPower],
    ["toy-chain", "forgot-fprime", planted.toyForgotFprime],
    ["mlp-backward", "forgot-weight-decay", planted.mlpNoDecay],
    ["mlp-backward", "decay-on-bias", planted.mlpDecayOnBias],
    ["mlp-backward", "off-by-one-layer", planted.mlpDroppedFirstLayer],
    ["toy-chain", "used-a-for-z", planted.toyUsedAForZ],
    ["toy-chain", "off-by-one-layer", planted.toyOffByOne],
    ["delta-sigmoid-squared", "forgot-fprime", planted.sigmoidSquaredForgotFprime],
    ["delta-linear-squared", "divided-by-batch", planted.linearSquaredDividedByM],
    ["linear-layer-backward", "transposed-dW", planted.linearLayerTransposedDW],
    ["softmax-ce-backward", "forgot-batch-mean", planted.softmaxCeNoMean],
    ["sigmoid-layer-backward", "used-a-for-z", planted.sigmoidLayerAppliedTwice],
    // forgetting f′(z), wherever an activation is differentiated
    ["relu-backward", "forgot-fprime", planted.reluForgotFprime],
    ["tanh-backward", "forgot-fprime", planted.tanhForgotFprime],
    ["sigmoid-backward", "forgot-fprime", planted.sigmoidForgotFprime],
    ["exp-backward", "forgot-local-derivative", planted.expForgotLocal],
    ["relu-layer-backward", "forgot-fprime", planted.reluLayerForgotFprime],
    ["tanh-layer-backward", "forgot-fprime", planted.tanhLayerForgotFprime],
    ["mlp-backward", "forgot-fprime", planted.mlpForgotFprime],
    // the outer product the wrong way round
    ["mlp-backward", "transposed-dW", planted.mlpTransposedDW],
    // a bias gradient not summed over the batch
    ["linear-layer-backward", "bias-not-summed", planted.linearLayerBiasNotSummed],
    ["mlp-backward", "bias-not-summed", planted.mlpBiasNotSummed],
    // dividing by the batch size twice
    ["linear-layer-backward", "divided-by-batch-twice", planted.linearLayerDividedTwice],
    ["softmax-ce-backward", "divided-by-batch-twice", planted.softmaxCeDividedTwice],
    ["mlp-backward", "divided-by-batch-twice", planted.mlpDividedTwice],
    // using a where z was needed
    ["sigmoid-backward", "used-a-for-z", planted.sigmoidUsedInput],
    ["delta-sigmoid-squared", "used-a-for-z", planted.deltaSigmoidSquaredUsedA],
    ["mlp-backward", "used-a-for-z", planted.mlpUsedAForZ],
    // an off-by-one layer
    ["mlp-backward", "off-by-one-layer", planted.mlpWrongLayerInput],
    // rule-specific slips
    ["pow-backward", "power-not-lowered", planted.powExponentKept],
    ["mul-backward", "swapped-inputs", planted.mulSwapped],
    ["delta-sigmoid-bce", "extra-fprime", planted.deltaBceExtraFprime],
    ["delta-softmax-ce", "forgot-softmax", planted.deltaSoftmaxRawScores],
    // slips added by the audit of 2026-11-25
    ["delta-softmax-ce", "softmax-wrong-axis", planted.deltaSoftmaxWrongAxis],
    ["softmax-ce-backward", "softmax-wrong-axis", planted.softmaxCeWrongAxis],
    ["mlp-backward", "half-weight-decay", planted.mlpHalfDecay],
    ["mlp-backward", "forgot-batch-mean", planted.mlpForgotMean],
    ["toy-chain", "missing-factor-2", planted.toyNoFactorTwo],
    ["relu-backward", "masked-by-gradient", planted.reluMaskedByGradient],
    ["relu-layer-backward", "masked-by-gradient", planted.reluLayerMaskedByGradient],
    ["linear-layer-backward", "divided-by-batch-twice", planted.linearLayerDbTwiceAndDxWrong],
  ];
  it.each(cases)("%s: %s", (id, diagnosis, fn) => {
    const ex = exerciseById(id);
    const vs = grade(ex, fn);
    expect(total(vs)).toBeLessThan(1);
    const named = vs.filter((v) => v.diagnosis === diagnosis);
    expect(named.length).toBeGreaterThan(0);
    for (const v of named) {
      expect(v.score).toBeLessThan(1);
      // the feedback says what to look at, never the answer: no numbers of the right answer in it
      expect(v.feedback).not.toMatch(/\d\.\d{3}/);
    }
  });
  it("every exercise judged by gradients diagnoses a sign error: the solution with every number negated", () => {
    const solutionsByFile: Record<string, Record<string, unknown>> = { "01-local-rules.ts": s01, "02-graph-backward.ts": s02, "03-toy-chain.ts": s03, "04-output-deltas.ts": s04, "05-delta-recurrence.ts": s05, "06-layer-gradients.ts": s06, "07-mlp-backward.ts": s07, "08-layer-backward.ts": s08, "11-stable-softmax.ts": s11, "12-init-variance.ts": s12 };
    const checked: string[] = [];
    for (const ex of ALL_EXERCISES) {
      if (ex.id === "topological-order") continue; // returns an ordering, not numbers
      if (ex.id === "digits-capstone") continue; // returns a trained network, judged by its accuracy
      if (ex.file === "13-training-loop.ts") continue; // steps, orders and training runs, judged by replay (test/grader/training-loop.test.ts)
      if (ex.driver) continue; // a class or a checker, judged on what its driver reports (test/grader/new-exercises.test.ts)
      const fn = solutionsByFile[ex.file]![ex.exportName] as (...a: unknown[]) => unknown;
      const vs = grade(ex, ((...a: unknown[]) => planted.negated(fn(...a))) as Fn);
      expect(total(vs), ex.id).toBeLessThan(1);
      const named = vs.filter((v) => v.diagnosis === "sign-error");
      expect(named.length, ex.id).toBeGreaterThan(0);
      for (const v of named) expect(v.feedback, ex.id).toContain("opposite sign");
      checked.push(ex.id);
    }
    expect(checked).toHaveLength(ALL_EXERCISES.filter((e) => !e.driver && e.file !== "13-training-loop.ts").length - 2);
  });
  it("two slips in one answer: each wrong gradient is matched on its own, so both are named", () => {
    const vs = grade(exerciseById("layer-gradients"), planted.layerTransposedAndUnsummed).filter((v) => v.score < 1);
    const batch = vs.filter((v) => v.feedback.includes("summed (averaged) over the batch"));
    expect(batch.length).toBeGreaterThan(0);
    for (const v of batch) {
      expect(v.feedback).toContain("the outer product is the wrong way round");
      expect(v.diagnosis).toBe("transposed-dW");
    }
    // and one slip next to an unrelated error still names the slip, with partial credit for dW
    const lin = grade(exerciseById("linear-layer-backward"), planted.linearLayerDbTwiceAndDxWrong);
    for (const v of lin.filter((x) => x.diagnosis === "divided-by-batch-twice")) {
      expect(v.score).toBeCloseTo(1 / 3, 12);
      expect(v.feedback).toMatch(/applies it twice.*dX is wrong.*db is wrong/);
    }
  });
  it("the transposed dW feedback names the outer product, not the answer", () => {
    const v = grade(exerciseById("layer-gradients"), planted.layerTransposedDW).find((x) => x.diagnosis === "transposed-dW")!;
    expect(v.feedback).toMatch(/wrong way round/);
    expect(v.feedback).not.toMatch(/\d\.\d{3}/);
  });
});

describe("valid conventions keep full marks", () => {
  const full = (id: string, fn: Fn) => {
    for (const seed of [1, 5, 9]) for (const v of grade(exerciseById(id), fn, seed)) expect(v, v.feedback).toMatchObject({ score: 1 });
  };
  it("relu′(0) = 1 and relu′(0) = 0 in the local rule, on a visible case exactly at the kink", () => {
    const kink = exerciseById("relu-backward").cases(1).filter((c) => c.args[0] === 0);
    expect(kink).toHaveLength(1);
    full("relu-backward", planted.reluGradAtZeroIsOne);
    full("relu-backward", planted.reluGradAtZeroIsZero);
    // and the kink is not a free pass: g/2 (the central difference there) is neither convention
    expect(exerciseById("relu-backward").judge(kink[0]!, 0.75).score).toBe(0);
  });
  it("relu′(0) either way in the relu layer, on a visible case with z = 0", () => {
    expect(exerciseById("relu-layer-backward").cases(1).some((c) => (c.args[1] as { z: number[][] }).z.some((r) => r.includes(0)))).toBe(true);
    full("relu-layer-backward", planted.reluLayerAtZeroIsOne);
    full("relu-layer-backward", planted.reluLayerAtZeroIsZero);
  });
  it("an extra harmless clone of the inputs, typed arrays and column vectors in the answer", () => {
    full("linear-layer-backward", planted.linearLayerWithClone);
    full("mlp-backward", planted.mlpWithClone);
  });
  it("db as a one-column matrix and dW as Float64Array rows", () => full("layer-gradients", planted.layerColumnBias));
  it("δ returned from an extra defensive clone of the inputs", () => full("delta-recurrence", planted.deltaWithClone));
  it("and the worked solutions, for reference", () => {
    full("mul-backward", s01.mulBackward);
    full("delta-recurrence", s05.deltaStep);
    full("layer-gradients", s06.layerGradients);
  });
});

describe("graph exercises", () => {
  it("the visible grad-table oracle matches hand-derived values for L = (x·y + x)·tanh(x)", () => {
    const ex = exerciseById("grad-table");
    const c = ex.cases(1)[0]!;
    const x = 0.5, y = -3, t = Math.tanh(x);
    // ∂L/∂y = x·t; ∂L/∂x = (y + 1)·t + (x·y + x)·(1 − t²)
    const right = { L: 1, t: x * y + x, x: (y + 1) * t + (x * y + x) * (1 - t * t), b: t, y: x * t, a: t };
    expect(ex.judge(c, right).score).toBe(1);
    expect(ex.judge(c, { ...right, x: (y + 1) * t }).score).toBeCloseTo(5 / 6, 12);
  });
  it("a grad table that overwrites shared nodes instead of summing loses marks", () => {
    const ex = exerciseById("grad-table");
    const overwrite = (nodes: planted.Node[], out: string) => planted.gradTableOverwrite(nodes, out);
    const vs = grade(ex, overwrite as Fn, 1);
    expect(total(vs)).toBeLessThan(1);
    expect(vs[0]).toMatchObject({ diagnosis: "shared-node-overwritten" });
    expect(vs[0]!.score).toBeLessThan(1);
  });
  it("the reverse order is named, and any valid order scores full marks", () => {
    const ex = exerciseById("topological-order");
    const c = ex.cases(1)[0]!;
    expect(ex.judge(c, ["x", "y", "a", "b", "t", "L"]).score).toBe(1);
    expect(ex.judge(c, ["y", "x", "t", "a", "b", "L"]).score).toBe(1);
    expect(ex.judge(c, ["L", "t", "b", "a", "y", "x"])).toMatchObject({ score: 0, diagnosis: "reversed-order" });
    expect(ex.judge(c, ["x", "y"]).feedback).toMatch(/every node id exactly once/);
  });
});

describe("002 worked numbers", () => {
  it("practice problem 4: δ^(2) = [0.8, 0, 0] (relu′(0) = 0) and [0.8, 0, 1.2] (relu′(0) = 1) both score", () => {
    const ex = exerciseById("delta-recurrence");
    const c = ex.cases(1).find((k) => k.name.includes("problem 4"))!;
    expect(ex.judge(c, [[0.8], [0], [0]]).score).toBe(1);
    expect(ex.judge(c, [[0.8], [0], [1.2]]).score).toBe(1);
    expect(ex.judge(c, [[0.8], [1], [1.2]]).score).toBe(0);
  });
  it("worked example 2: δ = σ(1) − 0 for sigmoid + BCE", () => {
    const ex = exerciseById("delta-sigmoid-bce");
    const c = ex.cases(1)[0]!;
    expect(ex.judge(c, [[1 / (1 + Math.exp(-1))]]).score).toBe(1);
  });
});
