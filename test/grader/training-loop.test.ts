/**
 * Exercise 13 (your own training loop): the trusted pieces agree with independent computations
 * (the library's momentum optimiser, central differences of the loss, a shuffle that uses every
 * example once per epoch); every planted slip loses marks at the course seed and two others and is
 * named only as its own pitfall; the worked solution scores full marks at many seeds and in the real
 * sandbox, linked to exercise 07; the stub scores zero.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/engine/random";
import { Matrix } from "../../src/nn/matrix";
import { momentum } from "../../src/nn/optim";
import type { CaseVerdict, Exercise } from "../../src/grader/contract";
import { exerciseById } from "../../src/grader/exercises";
import { HELD_OUT_TARGET, referenceOrder, referenceStep, referenceTrain, spiralProblem } from "../../src/grader/exercises/13-training-loop";
import { COURSE_SEED, gradeSubmission } from "../../src/grader/grade";
import { verdictOf } from "../../src/grader/judge";
import { loadSubmission } from "../../src/grader/submission";
import * as s13 from "../../solutions/13-training-loop";
import * as e13 from "../../exercises/13-training-loop";
import * as p from "./planted/training-loop";

type Fn = (...args: never[]) => unknown;
const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const verdicts = (ex: Exercise, fn: Fn, seed: number): (CaseVerdict & { name: string })[] =>
  ex.cases(seed).map((c) => {
    let out: unknown;
    try {
      out = json((fn as (...a: unknown[]) => unknown)(...structuredClone(c.args)));
    } catch (e) {
      return { name: c.name, score: 0, feedback: `threw ${(e as Error).message}` };
    }
    return { name: c.name, ...verdictOf(ex, c, out) };
  });
const REPO = path.join(__dirname, "..", "..");

describe("the trusted pieces agree with independent computations", () => {
  it("the momentum step is the library's momentum(η, μ) optimiser, step after step", () => {
    const rng = new Rng(5);
    const r = () => Array.from({ length: 3 }, () => Array.from({ length: 2 }, () => rng.normal(0, 1)));
    let params = { W: [r()], b: [[0.5, -1, 2]] };
    let velocity = { W: [r().map((row) => row.map(() => 0))], b: [[0, 0, 0]] };
    const lib = [Matrix.from(params.W[0]!), Matrix.column(params.b[0]!)];
    const opt = momentum(0.1, 0.8);
    for (let t = 0; t < 4; t++) {
      const g = { dW: [r()], db: [[rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)]] };
      ({ params, velocity } = referenceStep(params, velocity, g, 0.1, 0.8));
      opt.step(lib, [Matrix.from(g.dW[0]!), Matrix.column(g.db[0]!)]);
      expect(params.W[0]!.flat()).toEqual(lib[0]!.toFlatArray());
      expect(params.b[0]).toEqual(lib[1]!.toFlatArray());
    }
  });
  it("the order uses every example once per epoch, in batches of batchSize with a smaller last one, and differs between epochs", () => {
    const batches = referenceOrder(10, 4, 3, 13);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    for (let e = 0; e < 3; e++) expect(batches.slice(3 * e, 3 * e + 3).flat().sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(batches.slice(0, 3)).not.toEqual(batches.slice(3, 6));
  });
  it("the trusted loop's first step moves the parameters by −η times the central-difference gradient of J", () => {
    const ex = exerciseById("training-loop");
    const c = ex.cases(1).find((k) => k.name.startsWith("visible 2"))!;
    const [net, data, o, seed] = c.args as unknown as Parameters<typeof referenceTrain>;
    const cols = referenceOrder(data.labels.length, o.batchSize, 1, seed)[0]!;
    const batch = { X: data.X.map((r) => cols.map((j) => r[j]!)), labels: cols.map((j) => data.labels[j]!) };
    // J on the batch, from the loop's own loss report: one step with rate 0 reports J at the given parameters
    const J = (n: typeof net): number => referenceTrain(n, batch, { ...o, rate: 0, batchSize: cols.length, epochs: 1 }, seed).losses[0]!;
    const one = referenceTrain(net, data, { ...o, epochs: 1 }, seed, "right", 1);
    const h = 1e-6;
    for (const [l, i, k] of [[0, 0, 0], [0, 1, 1], [net.W.length - 1, 0, 1]] as const) {
      const at = (d: number) => J({ W: net.W.map((W, ll) => W.map((r, ii) => r.map((v, kk) => (ll === l && ii === i && kk === k ? v + d : v)))), b: net.b });
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect((net.W[l]![i]![k]! - one.W[l]![i]![k]!) / o.rate).toBeCloseTo(numeric, 6);
    }
  });
  it("the spiral problem is learnable: the trusted loop clears the held-out target with a margin", () => {
    const ex = exerciseById("training-loop");
    const c = ex.cases(COURSE_SEED).find((k) => k.name.startsWith("visible 1"))!;
    const [net, data, o, seed] = c.args as unknown as Parameters<typeof referenceTrain>;
    const r = referenceTrain(net, data, o, seed);
    const test = spiralProblem(seed).test;
    const out = verdicts(ex, s13.train as Fn, COURSE_SEED)[0]!;
    expect(out.score).toBe(1);
    const acc = Number(/held-out accuracy ([0-9.]+) %/.exec(out.feedback)![1]) / 100;
    expect(acc).toBeGreaterThan(HELD_OUT_TARGET + 0.1);
    expect(r.losses[r.losses.length - 1]!).toBeLessThan(r.losses[0]!);
    expect(test.labels.length).toBe(150);
  });
});

/** [exercise, what, planted function, the pitfall it must be named as] */
const SLIPS: [string, string, Fn, string][] = [
  ["momentum-step", "the velocity not carried (plain SGD)", p.plantedStep("plain-sgd"), "velocity-not-carried"],
  ["momentum-step", "the other sign convention", p.plantedStep("other-sign"), "velocity-sign-convention"],
  ["momentum-step", "PyTorch's convention (the rate outside the velocity)", p.plantedStep("pytorch"), "rate-on-velocity"],
  ["momentum-step", "θ moved by the old velocity", p.plantedStep("old-velocity"), "moved-with-old-velocity"],
  ["minibatch-order", "no shuffle", p.plantedOrder("no-shuffle"), "not-shuffled"],
  ["minibatch-order", "the generator re-created every epoch", p.plantedOrder("reseeded-every-epoch"), "same-order-every-epoch"],
  ["minibatch-order", "0..n−1 shuffled afresh every epoch", p.plantedOrder("restart-from-identity"), "shuffle-restarted"],
  ["minibatch-order", "the last partial batch dropped", p.plantedOrder("drop-last"), "last-batch-dropped"],
  ["training-loop", "the velocity reset every step (plain SGD)", p.plantedTrain("plain-sgd"), "velocity-not-carried"],
  ["training-loop", "the velocity's sign reversed (ascent)", p.plantedTrain("momentum-ascent"), "velocity-sign-convention"],
  ["training-loop", "the gradient summed over the batch", p.plantedTrain("gradient-summed"), "gradient-not-averaged"],
  ["training-loop", "the loss recorded after the update", p.plantedTrain("loss-after-update"), "loss-after-update"],
  ["training-loop", "one-hot targets handed to mlpBackward", p.plantedTrain("squared-error-gradient"), "squared-error-gradient"],
  ["training-loop", "the shuffle reseeded every epoch", p.plantedTrain("same-order-every-epoch"), "same-order-every-epoch"],
  ["training-loop", "the last partial batch dropped", p.plantedTrain("drop-last"), "last-batch-dropped"],
  ["initial-loss-check", "weights of standard deviation 1", p.plantedInitial("weights-too-large"), "weights-too-large"],
  ["initial-loss-check", "the loss summed over the examples", p.plantedInitial("loss-summed"), "loss-summed"],
  ["overfit-small", "three epochs only", p.plantedOverfit("too-few-epochs"), "not-overfit"],
  ["overfit-small", "a loop that climbs the loss", p.plantedOverfit("momentum-ascent"), "loss-not-falling"],
];

describe("every planted slip loses marks and is named only as its own pitfall", () => {
  it.each(SLIPS)("%s: %s", (id, _what, fn, named) => {
    const ex = exerciseById(id);
    let namedSomewhere = false;
    for (const seed of [COURSE_SEED, 1, 2]) {
      const vs = verdicts(ex, fn, seed);
      expect(vs.filter((v) => !v.name.startsWith("visible")).some((v) => v.score < 1), `seed ${seed}: a hidden case loses marks`).toBe(true);
      for (const v of vs) {
        if (v.diagnosis !== undefined) expect(`${v.name}: ${v.diagnosis}`).toBe(`${v.name}: ${named}`);
        if (v.score < 1 && v.diagnosis === named) namedSomewhere = true;
      }
    }
    expect(namedSomewhere).toBe(true);
  }, 120_000);
  it("log₂ for ln C loses marks and says so", () => {
    const vs = verdicts(exerciseById("initial-loss-check"), p.plantedInitial("log2"), COURSE_SEED);
    for (const v of vs) expect(v.feedback).toContain("use the natural logarithm");
  });
});

describe("the worked solution", () => {
  it.each(["momentum-step", "minibatch-order", "training-loop", "initial-loss-check", "overfit-small"])("%s scores full marks at 10 seeds", (id) => {
    const ex = exerciseById(id);
    for (const seed of [COURSE_SEED, ...Array.from({ length: 9 }, (_, i) => 11 * i + 3)])
      for (const v of verdicts(ex, (s13 as Record<string, Fn>)[ex.exportName]!, seed)) expect(v, `seed ${seed} ${v.name}: ${v.feedback}`).toMatchObject({ score: 1 });
  }, 300_000);
  it("the stub scores zero with 'not implemented'", () => {
    for (const id of ["momentum-step", "minibatch-order", "training-loop", "initial-loss-check", "overfit-small"]) {
      const ex = exerciseById(id);
      for (const v of verdicts(ex, (e13 as Record<string, Fn>)[ex.exportName]!, 1)) expect(v.feedback).toContain(`not implemented: ${id}`);
    }
  });
  it("a notebook holding exercise 07 and exercise 13 with its import line: the import names the notebook's own mlpBackward", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-ex13-nb-"));
    try {
      const cell = (text: string) => ({ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: text.split(/(?<=\n)/) });
      const s07 = readFileSync(path.join(REPO, "solutions", "07-mlp-backward.ts"), "utf8");
      const s13 = readFileSync(path.join(REPO, "solutions", "13-training-loop.ts"), "utf8");
      const ids = ["mlp-backward", "momentum-step", "minibatch-order", "initial-loss-check"].map(exerciseById);
      const gradeNb = async (cells: string[]) => {
        writeFileSync(path.join(dir, "answers.ipynb"), JSON.stringify({ cells: cells.map(cell), metadata: {}, nbformat: 4, nbformat_minor: 5 }));
        const sub = await loadSubmission(path.join(dir, "answers.ipynb"), "nb");
        try {
          return await gradeSubmission(sub, ids);
        } finally {
          sub.dispose();
        }
      };
      const both = await gradeNb([s07, s13]);
      for (const e of both.exercises) expect(`${e.id} ${e.score}/${e.max}`).toBe(`${e.id} ${e.max}/${e.max}`);
      // an alias works too; without exercise 07 in the notebook the import is left for the compiler to report
      const aliased = await gradeNb([s07, s13.replace("import { mlpBackward } from", "import { mlpBackward as backward } from").replace(/mlpBackward\(/g, "backward(")]);
      for (const e of aliased.exercises) expect(`${e.id} ${e.score}`).toBe(`${e.id} ${e.max}`);
      const alone = await gradeNb([s13]);
      expect(alone.exercises.find((e) => e.id === "momentum-step")!.cases[0]!.feedback).toContain("07-mlp-backward");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
  it("graded in the sandbox, importing exercise 07 from the same folder: full marks; the stub: zero", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-ex13-"));
    try {
      const ids = ["momentum-step", "minibatch-order", "training-loop", "initial-loss-check", "overfit-small"].map(exerciseById);
      writeFileSync(path.join(dir, "07-mlp-backward.ts"), readFileSync(path.join(REPO, "solutions", "07-mlp-backward.ts"), "utf8"));
      for (const [from, full] of [["solutions", true], ["exercises", false]] as const) {
        writeFileSync(path.join(dir, "13-training-loop.ts"), readFileSync(path.join(REPO, from, "13-training-loop.ts"), "utf8"));
        const sub = await loadSubmission(dir, "ex13");
        try {
          const r = await gradeSubmission(sub, ids);
          for (const e of r.exercises) expect(`${e.id} ${e.score}/${e.max}`).toBe(`${e.id} ${full ? e.max : 0}/${e.max}`);
        } finally {
          sub.dispose();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
