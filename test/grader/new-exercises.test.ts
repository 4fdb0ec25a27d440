/**
 * The exercises 09–13: every option of each contract is drawn across 1 000 seeds and the worked
 * solution scores full marks on all of them; each planted pitfall loses marks and is named; the
 * oracles agree with independent computations (direct formulas where they are safe, simulation).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { gradeSubmission } from "../../src/grader/grade";
import { loadSubmission } from "../../src/grader/submission";
import { Rng } from "../../src/engine/random";
import type { CaseVerdict, Exercise } from "../../src/grader/contract";
import { exerciseById } from "../../src/grader/exercises";
import { stableInitStd } from "../../src/grader/exercises/12-init-variance";
import { STABLE_SOFTMAX_KINDS, stableSoftmaxCase } from "../../src/grader/exercises/11-stable-softmax";
import * as s11 from "../../solutions/11-stable-softmax";
import * as s12 from "../../solutions/12-init-variance";
import { simulateEngine } from "../../src/grader/exercises/09-build-an-engine";
import { callExport } from "../../src/grader/sandbox/drivers";
import { evaluate, readProgram, run, type Program } from "../../src/grader/sandbox/drivers/program";
import { checkGradient } from "../../src/engine/gradcheck";
import { CHECKER_KINDS, checkerCase, referenceCheck } from "../../src/grader/exercises/10-gradient-checker";
import * as e09 from "../../exercises/09-build-an-engine";
import * as e10 from "../../exercises/10-gradient-checker";
import * as s10 from "../../solutions/10-gradient-checker";
import * as s09 from "../../solutions/09-build-an-engine";
import * as p from "./planted/new-exercises";

type Fn = (...args: never[]) => unknown;
/** What the runtime does: the answer crosses as JSON (NaN and ±Infinity survive as numbers). */
const json = (x: unknown): unknown =>
  JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? `__${v}` : v)), (_k, v: unknown) =>
    typeof v === "string" && v.startsWith("__") ? Number(v.slice(2)) : v);
const verdicts = (ex: Exercise, fn: Fn, seed: number): (CaseVerdict & { name: string })[] =>
  ex.cases(seed).map((c) => {
    try {
      return { name: c.name, ...ex.judge(c, json((fn as (...a: unknown[]) => unknown)(...structuredClone(c.args)))) };
    } catch (e) {
      return { name: c.name, score: 0, feedback: `threw ${(e as Error).message}` };
    }
  });
/** Seeds 0..999: the solution scores every case. */
function fullOverSeeds(ex: Exercise, fn: Fn): void {
  const failures: string[] = [];
  for (let seed = 0; seed < 1000 && failures.length < 5; seed++)
    for (const v of verdicts(ex, fn, seed)) if (v.score !== 1) failures.push(`seed ${seed} ${v.name}: ${v.feedback}`);
  expect(failures).toEqual([]);
}
/** Every case of seed 1 that loses marks names `diagnosis`; at least `min` cases do. */
function diagnosed(ex: Exercise, fn: Fn, diagnosis: string, min = 1, sameAnswerAs: (string | undefined)[] = []): void {
  const lost = verdicts(ex, fn, 1).filter((v) => v.score < 1);
  expect(lost.length, `${diagnosis}: cases that lose marks`).toBeGreaterThanOrEqual(min);
  expect(lost.filter((v) => v.diagnosis === diagnosis).length).toBeGreaterThanOrEqual(min);
  // where two slips give the same number (e.g. for α = 1) the judge names neither (or either)
  for (const v of lost) expect([diagnosis, ...sameAnswerAs], `${v.name}: ${v.feedback}`).toContain(v.diagnosis);
}

describe("stable-softmax-ce", () => {
  const ex = exerciseById("stable-softmax-ce");
  it("the solution scores full marks on 1 000 seeds", () => fullOverSeeds(ex, s11.stableSoftmaxCrossEntropy));
  it("every kind of case, class count and batch size is drawn across the seeds", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 1000; seed++) {
      const rng = new Rng(seed);
      for (const kind of STABLE_SOFTMAX_KINDS) {
        const [Z] = stableSoftmaxCase(rng, kind) as [number[][]];
        const top = Math.max(...Z.flat().map(Math.abs));
        seen.add(`${kind} C=${Z.length}`).add(`${kind} M=${Z[0]!.length}`);
        if (kind !== "moderate") expect(top, kind).toBeGreaterThan(250);
      }
      for (const c of ex.cases(seed).filter((k) => !k.visible)) seen.add(`hidden max |z| ${Math.abs(Math.max(...(c.args[0] as number[][]).flat())) > 709 ? "over" : "under"} 709`);
    }
    // two classes in the hundreds family, three to five in the others
    for (const kind of STABLE_SOFTMAX_KINDS) for (const C of kind === "hundreds" ? [2] : [3, 4, 5]) expect(seen).toContain(`${kind} C=${C}`);
    for (const M of [1, 2, 3, 4]) expect(seen).toContain(`thousands M=${M}`);
    expect(seen).toContain("hidden max |z| over 709");
  });
  it("the oracle agrees with the direct formula where e^z is safe, and does not move when a column is shifted", () => {
    const Z = [[1, -0.5], [2, 0.3], [0.1, 1.2]];
    const y = [1, 2];
    const c = ex.cases(0)[0]!;
    expect(c.args).toEqual([Z, y]);
    const direct = p.softmaxNaive(Z, y); // e^z is safe here
    expect(ex.judge(c, direct).score).toBe(1);
    const shifted = { ...c, args: [Z.map((r) => [r[0]! + 1000, r[1]! - 2000]), y] };
    expect(ex.judge(shifted, direct).score).toBe(1);
  });
  it("naive exp overflows in the hundreds and underflows far below zero: named", () => {
    const v = verdicts(ex, p.softmaxNaive, 1);
    expect(v[0]!.score).toBe(1); // moderate scores: the naive formula is fine there
    for (const k of [1, 2, 3, 4]) {
      expect(v[k]!.score, v[k]!.name).toBeLessThan(1);
      expect(v[k]!.diagnosis, v[k]!.feedback).toBe("exp-overflow");
      expect(v[k]!.feedback).toContain("overflows to Infinity above about 709");
    }
  });
  it("one shift for the whole batch: the column far below turns 0/0, named", () => {
    const v = verdicts(ex, p.softmaxGlobalShift, 1);
    expect(v[4]!.score).toBeLessThan(1);
    expect(v[4]!.diagnosis, v[4]!.feedback).toBe("global-shift");
    expect(v.slice(0, 4).every((k) => k.score === 1 || k.diagnosis === "global-shift")).toBe(true);
  });
  it("ln of an underflowed probability: half marks (dZ is right) and named", () => {
    const v = verdicts(ex, p.softmaxLogOfProbability, 1);
    const lost = v.filter((k) => k.score < 1);
    expect(lost.length).toBeGreaterThan(0);
    for (const k of lost) expect([k.score, k.diagnosis]).toEqual([0.5, "log-of-zero"]);
  });
  it("the batch mean left out of dZ: named", () => diagnosed(ex, p.softmaxNoMean, "forgot-batch-mean", 3));
  it("the stub scores zero", () => {
    for (const v of verdicts(ex, (() => { throw new Error("not implemented: stable-softmax-ce"); }) as Fn, 1)) expect(v.score).toBe(0);
  });
});

describe("init-variance", () => {
  const ex = exerciseById("init-variance");
  it("the solution, and the same number written differently, score full marks on 1 000 seeds", () => {
    fullOverSeeds(ex, s12.initStd);
    fullOverSeeds(ex, p.initWrittenDifferently);
  });
  it("draws ReLU, linear, the common 0.01 and other slopes, and fan-ins from 1 to 1 024", () => {
    const slopes = new Set<string>();
    let [lo, hi] = [Infinity, 0];
    for (let seed = 0; seed < 1000; seed++)
      for (const c of ex.cases(seed).filter((k) => !k.visible)) {
        const [n, a] = c.args as [number, number];
        slopes.add(a === 0 ? "relu" : a === 1 ? "linear" : a === 0.01 ? "0.01" : "other");
        [lo, hi] = [Math.min(lo, n), Math.max(hi, n)];
      }
    expect([...slopes].sort()).toEqual(["0.01", "linear", "other", "relu"]);
    expect([lo, hi]).toEqual([1, 1024]);
  });
  it("the answer keeps the spread through 12 simulated leaky-ReLU layers (independent of the closed form)", () => {
    const rng = new Rng(5);
    for (const [n, alpha] of [[200, 0], [200, 0.2], [200, 1]] as const) {
      const std = stableInitStd(n, alpha);
      let a = Array.from({ length: 400 }, () => Array.from({ length: n }, () => rng.normal()));
      const spreads: number[] = [];
      for (let l = 0; l < 12; l++) {
        const W = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal(0, std)));
        const z = a.map((x) => W.map((row) => row.reduce((s, w, j) => s + w * x[j]!, 0)));
        spreads.push(Math.sqrt(z.flat().reduce((s, v) => s + v * v, 0) / (z.length * n)));
        a = z.map((r) => r.map((v) => (v > 0 ? v : alpha * v)));
      }
      // the first layer sees unit-variance inputs, so its E[z²] is n σ²; from then on the ratio is 1
      const ratio = spreads[11]! / spreads[1]!;
      expect(ratio, `n=${n} α=${alpha}`).toBeGreaterThan(0.6);
      expect(ratio, `n=${n} α=${alpha}`).toBeLessThan(1.6);
      const off = stableInitStd(n, alpha) * 0.8; // 20 % too small: the spread falls as 0.64^(10/2)
      expect((0.8 * 0.8) ** 5).toBeLessThan(0.2);
      expect(off).toBeLessThan(std);
    }
  });
  it("each slip is named", () => {
    diagnosed(ex, p.initVarianceNotStd, "variance-not-std", 3, ["std-over-n", undefined]);
    diagnosed(ex, p.initLinearAnswer, "forgot-relu-half", 3);
    diagnosed(ex, p.initIgnoresSlope, "ignored-negative-slope", 2);
    diagnosed(ex, p.initSlopeNotSquared, "slope-not-squared", 1);
    diagnosed(ex, p.initStdOverN, "std-over-n", 3, ["variance-not-std", undefined]);
  });
});

describe("build-an-engine", () => {
  const ex = exerciseById("build-an-engine");
  const viaDriver = (slip: p.EngineSlip): Fn => ((...args: unknown[]) => callExport("value-engine", p.plantedEngine(slip), args)) as Fn;
  it("the solution scores full marks on 1 000 seeds", { timeout: 600_000 }, () => {
    const fn = ((...args: unknown[]) => callExport("value-engine", s09.Value, args)) as Fn;
    // the deep chains are the same size for every seed; the random graphs are what varies
    const failures: string[] = [];
    for (let seed = 0; seed < 1000 && failures.length < 5; seed++)
      for (const c of ex.cases(seed).filter((k) => !k.name.includes("deep"))) {
        const v = ex.judge(c, json(fn(...(structuredClone(c.args) as never[]))));
        if (v.score !== 1) failures.push(`seed ${seed} ${c.name}: ${v.feedback}`);
      }
    expect(failures).toEqual([]);
    for (const v of verdicts(ex, fn, 3)) expect(v, v.name).toMatchObject({ score: 1 });
  });
  it("the random graphs use every op, reuse nodes and numbers on both sides, across the seeds", { timeout: 600_000 }, () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 1000; seed++)
      for (const c of ex.cases(seed).filter((k) => !k.visible && !k.name.includes("deep"))) {
        const prog = c.args[0] as { inputs: number; code: [string, number, number][] };
        const uses = new Map<number, number>();
        for (const ins of prog.code) {
          seen.add(ins[0]);
          if (ins[0] === "pow") seen.add(`pow ${ins[2]}`);
          if ((ins[0] === "add" || ins[0] === "mul") && ins[1] === ins[2]) seen.add("both operands one node");
          for (const q of ins[0] === "nadd" || ins[0] === "nmul" ? [ins[2]] : ins.length === 3 && (ins[0] === "add" || ins[0] === "mul") ? [ins[1], ins[2]] : [ins[1]]) uses.set(q, (uses.get(q) ?? 0) + 1);
        }
        if ([...uses.values()].some((u) => u >= 3)) seen.add("a node with three consumers");
        seen.add(`${prog.inputs} inputs`);
      }
    for (const k of ["add", "addn", "nadd", "mul", "muln", "nmul", "pow", "exp", "tanh", "relu", "pow -1", "pow 0.5", "pow -0.5", "pow 3", "both operands one node", "a node with three consumers", "2 inputs", "3 inputs", "4 inputs"]) expect(seen).toContain(k);
  });
  it("the oracle (central differences of the program) agrees with exact reverse mode on every visible case", () => {
    for (const c of ex.cases(1).filter((k) => k.visible)) {
      const prog = readProgram(c.args[0]);
      const x = c.args[1] as number[];
      const v = ex.judge(c, { forward: Array.from(evaluate(prog, x)), grads: simulateEngine(prog, x), outputGrad: 1 });
      expect(v, c.name).toMatchObject({ score: 1 });
    }
  });
  it("= instead of += on a reused node: named", () => diagnosed(ex, viaDriver("assign"), "grad-overwritten", 3));
  it("no topological order (breadth first from the output): named", () => diagnosed(ex, viaDriver("no-topo"), "not-topological", 3));
  it("the output's grad not seeded with 1: named, every case", () => diagnosed(ex, viaDriver("no-seed"), "output-not-seeded", 9));
  it("a recursive topological sort overflows on the deep chains only: named, and the other cases pass", () => {
    const v = verdicts(ex, viaDriver("recursive"), 1);
    const lost = v.filter((k) => k.score < 1);
    expect(lost.map((k) => k.name)).toEqual([v[3]!.name, v[8]!.name]);
    expect(lost.every((k) => k.name.includes("deep"))).toBe(true);
    for (const k of lost) expect([k.score, k.diagnosis]).toEqual([0, "recursion-overflow"]);
  });
  it.each([["tanh-input", "tanh"], ["mul-swapped", "mul"], ["relu-no-mask", "relu"]] as const)("a wrong local rule (%s): named, with its op", (slip, op) => {
    const lost = verdicts(ex, viaDriver(slip), 1).filter((k) => k.score < 1);
    expect(lost.length).toBeGreaterThan(0);
    for (const k of lost) {
      expect(k.diagnosis, k.feedback).toBe("wrong-local-rule");
      expect(k.feedback).toContain(`the local rule of ${op} is wrong`);
      expect(k.score).toBeGreaterThanOrEqual(0.25); // the forward values are right
      expect(k.score).toBeLessThan(1);
    }
  });
  it("through the real sandbox: the solution scores full marks, and a recursive topological sort overflows the student process's stack on the deep chains and is named", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-engine-"));
    try {
      const solution = readFileSync(path.join(__dirname, "..", "..", "solutions", "09-build-an-engine.ts"), "utf8");
      const iterative = solution.slice(solution.indexOf("    const order: Value[] = [];"), solution.indexOf("    this.grad = 1;"));
      const recursive = solution.replace(iterative, "    const order: Value[] = [];\n    const seen = new Set<Value>();\n    const visit = (v: Value): void => {\n      if (seen.has(v)) return;\n      seen.add(v);\n      for (const p of v.parents) visit(p);\n      order.push(v);\n    };\n    visit(this);\n");
      expect(recursive).not.toBe(solution);
      for (const [name, source] of [["right", solution], ["recursive", recursive]] as const) {
        mkdirSync(path.join(dir, name));
        writeFileSync(path.join(dir, name, "09-build-an-engine.ts"), source);
        const sub = await loadSubmission(path.join(dir, name));
        const r = await gradeSubmission(sub, [ex], { limits: { caseTimeoutMs: 10_000 } });
        sub.dispose();
        const cases = r.exercises[0]!.cases;
        if (name === "right") expect(cases.filter((k) => k.score < 1)).toEqual([]);
        else {
          expect(cases.filter((k) => k.score < 1).map((k) => [k.name.includes("deep"), k.diagnosis])).toEqual([[true, "recursion-overflow"], [true, "recursion-overflow"]]);
          expect(cases.find((k) => k.score < 1)!.feedback).toContain("overflowed the call stack");
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("the untouched stub scores zero", () => {
    for (const v of verdicts(ex, ((...args: unknown[]) => callExport("value-engine", e09.Value, args)) as Fn, 1)) {
      expect(v.score).toBe(0);
      expect(v.feedback).toContain("not implemented: build-an-engine");
    }
  });
});

describe("gradient-checker", () => {
  const ex = exerciseById("gradient-checker");
  const via = (fn: unknown): Fn => ((...args: unknown[]) => callExport("gradient-checker", fn, args)) as Fn;
  it("the solution, and CS231n's perturb-and-restore loop, score full marks on 1 000 seeds", () => {
    fullOverSeeds(ex, via(s10.gradientCheck));
    for (let seed = 0; seed < 50; seed++) for (const v of verdicts(ex, via(p.checkerInPlace), seed)) expect(v, v.name).toMatchObject({ score: 1 });
  });
  it("draws every kind, right and planted, and flags from none to all", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 1000; seed++) {
      const rng = new Rng(seed);
      for (const kind of CHECKER_KINDS) {
        const [prog, x, analytic, h, tol] = checkerCase(rng, kind) as [Program, number[], number[], number, number];
        const r = referenceCheck(prog, x, analytic, h, tol);
        seen.add(`${kind} ${r.wrong.length === 0 ? "none" : r.wrong.length === x.length ? "all" : "some"}`).add(`h ${h}`).add(`tol ${tol}`);
        if (prog.code.some((ins) => ins[0] === "relu" || ins[0] === "abs")) seen.add(`${kind} with kinks`);
      }
    }
    for (const k of ["right none", "scaled all", "transposed some", "sign-one some", "kink-side some", "kink-side with kinks", "right with kinks", "h 0.00001", "h 0.0001", "tol 0.00001", "tol 0.0001"]) expect(seen).toContain(k);
  });
  it("the expected flags agree with an independent check (the library's checkGradient) on every visible case", () => {
    for (const c of ex.cases(1).filter((k) => k.visible)) {
      const prog = readProgram(c.args[0]);
      const [x, analytic, , tol] = c.args.slice(1) as [number[], number[], number, number];
      const lib = checkGradient((v) => run(prog, v), x, analytic, { tolerance: tol });
      const libWrong = lib.entries.flatMap((e, i) => (e.relError > tol ? [i] : []));
      expect(referenceCheck(prog, x, analytic, c.args[3] as number, tol).wrong, c.name).toEqual(libWrong);
    }
  });
  it.each([
    ["one-sided differences", p.checkerOneSided, "one-sided-difference"],
    ["the 2 of 2h forgotten", p.checkerForgotTwo, "step-not-doubled"],
    ["x not restored after a perturbation", p.checkerNotRestored, "x-not-restored"],
    ["the relative error over max(|a|, |n|)", p.checkerMaxDenominator, "relative-error-definition"],
    ["the absolute error", p.checkerAbsolute, "absolute-error"],
  ] as const)("%s: named", (_what, fn, diagnosis) => diagnosed(ex, via(fn), diagnosis, 3));
  it("flags as booleans: said so", () => {
    for (const v of verdicts(ex, via(p.checkerBooleans), 1)) {
      expect(v.score).toBeCloseTo(2 / 3, 10);
      expect(v.feedback).toContain("INDICES");
    }
  });
  it("the untouched stub scores zero", () => {
    for (const v of verdicts(ex, via(e10.gradientCheck), 1)) expect([v.score, v.feedback]).toEqual([0, "threw not implemented: gradient-checker"]);
  });
});
