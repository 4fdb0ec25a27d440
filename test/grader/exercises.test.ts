import { describe, expect, it } from "vitest";
import { ALL_EXERCISES, exerciseById } from "../../src/grader/exercises";
import type { Exercise } from "../../src/grader/contract";
import { callExport } from "../../src/grader/sandbox/drivers";
import * as s01 from "../../solutions/01-local-rules";
import * as s05 from "../../solutions/05-delta-recurrence";
import * as s06 from "../../solutions/06-layer-gradients";
import * as e01 from "../../exercises/01-local-rules";
import * as e05 from "../../exercises/05-delta-recurrence";
import * as e06 from "../../exercises/06-layer-gradients";
import * as s07 from "../../solutions/07-mlp-backward";
import * as e07 from "../../exercises/07-mlp-backward";
import * as s03 from "../../solutions/03-toy-chain";
import * as e03 from "../../exercises/03-toy-chain";
import * as s02 from "../../solutions/02-graph-backward";
import * as e02 from "../../exercises/02-graph-backward";
import * as s04 from "../../solutions/04-output-deltas";
import * as s08 from "../../solutions/08-layer-backward";
import * as s14 from "../../solutions/14-digits-capstone";
import * as e14 from "../../exercises/14-digits-capstone";
import * as e04 from "../../exercises/04-output-deltas";
import * as e08 from "../../exercises/08-layer-backward";
import * as s09 from "../../solutions/09-build-an-engine";
import * as e09 from "../../exercises/09-build-an-engine";
import * as s10 from "../../solutions/10-gradient-checker";
import * as e10 from "../../exercises/10-gradient-checker";
import * as s11 from "../../solutions/11-stable-softmax";
import * as e11 from "../../exercises/11-stable-softmax";
import * as s12 from "../../solutions/12-init-variance";
import * as e12 from "../../exercises/12-init-variance";
import * as s13 from "../../solutions/13-training-loop";
import * as e13 from "../../exercises/13-training-loop";

type Fn = (...args: unknown[]) => unknown;
const solutions: Record<string, Record<string, unknown>> = {
  "01-local-rules.ts": s01,
  "05-delta-recurrence.ts": s05,
  "06-layer-gradients.ts": s06,
  "07-mlp-backward.ts": s07,
  "03-toy-chain.ts": s03,
  "02-graph-backward.ts": s02,
  "04-output-deltas.ts": s04,
  "08-layer-backward.ts": s08,
  "09-build-an-engine.ts": s09,
  "10-gradient-checker.ts": s10,
  "11-stable-softmax.ts": s11,
  "12-init-variance.ts": s12,
  "13-training-loop.ts": s13,
  "14-digits-capstone.ts": s14,
};
const stubs: Record<string, Record<string, unknown>> = {
  "01-local-rules.ts": e01,
  "05-delta-recurrence.ts": e05,
  "06-layer-gradients.ts": e06,
  "07-mlp-backward.ts": e07,
  "03-toy-chain.ts": e03,
  "02-graph-backward.ts": e02,
  "04-output-deltas.ts": e04,
  "08-layer-backward.ts": e08,
  "09-build-an-engine.ts": e09,
  "10-gradient-checker.ts": e10,
  "11-stable-softmax.ts": e11,
  "12-init-variance.ts": e12,
  "13-training-loop.ts": e13,
  "14-digits-capstone.ts": e14,
};
const fnOf = (mods: Record<string, Record<string, unknown>>, ex: Exercise): Fn => {
  const f = mods[ex.file]?.[ex.exportName];
  if (typeof f !== "function") throw new Error(`no export ${ex.exportName} in ${ex.file}`); // a class is a function too
  return f as Fn;
};
/** What the runtime does: a call (through the exercise's driver, if it has one), a JSON round trip of the answer, then the judge. */
const run = (ex: Exercise, fn: Fn, seed: number) =>
  ex.cases(seed).map((c) => {
    try {
      const out = JSON.parse(JSON.stringify(callExport(ex.driver, fn, structuredClone(c.args)))) as unknown;
      return ex.judge(c, out);
    } catch (e) {
      return { score: 0, feedback: (e as Error).message };
    }
  });

describe("exercise list", () => {
  it("has at least ten exercises with unique ids and a stub for each", () => {
    expect(ALL_EXERCISES.length).toBeGreaterThanOrEqual(10);
    expect(new Set(ALL_EXERCISES.map((e) => e.id)).size).toBe(ALL_EXERCISES.length);
    for (const ex of ALL_EXERCISES) expect(typeof fnOf(stubs, ex)).toBe("function");
  });
  it("looks exercises up by id and names the known ids on a typo", () => {
    expect(exerciseById("relu-backward").exportName).toBe("reluBackward");
    expect(() => exerciseById("relu-backwards")).toThrow(/known ids: .*relu-backward/);
  });
  it("makes the same cases for the same seed and different hidden cases for another", () => {
    const ex = exerciseById("delta-recurrence");
    expect(ex.cases(7)).toEqual(ex.cases(7));
    expect(ex.cases(7)).not.toEqual(ex.cases(8));
    expect(ex.cases(7).filter((c) => c.visible).length).toBeGreaterThan(0);
  });
});

describe.each(ALL_EXERCISES.map((e) => [e.id, e] as const))("%s", (_id, ex) => {
  // An exercise that trains a network (the capstone) costs seconds per case: one seed there.
  it.each(ex.caseTimeoutMs ? [2026] : [1, 2, 42, 2026])("the worked solution scores full marks on every case (seed %i)", (seed) => {
    for (const v of run(ex, fnOf(solutions, ex), seed)) expect(v, v.feedback).toMatchObject({ score: 1 });
  }, ex.caseTimeoutMs ? 300_000 : undefined);
  it("the untouched stub scores zero with 'not implemented'", () => {
    for (const v of run(ex, fnOf(stubs, ex), 1)) {
      expect(v.score).toBe(0);
      expect(v.feedback).toContain(`not implemented: ${ex.id}`);
    }
  });
});
