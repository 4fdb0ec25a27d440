import { describe, expect, it } from "vitest";
import { ALL_EXERCISES, exerciseById } from "../../src/grader/exercises";
import type { Exercise } from "../../src/grader/contract";
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
  "14-digits-capstone.ts": e14,
};
const fnOf = (mods: Record<string, Record<string, unknown>>, ex: Exercise): Fn => {
  const f = mods[ex.file]?.[ex.exportName];
  if (typeof f !== "function") throw new Error(`no export ${ex.exportName} in ${ex.file}`);
  return f as Fn;
};
/** What the runtime does: a JSON round trip of the answer, then the judge. */
const run = (ex: Exercise, fn: Fn, seed: number) =>
  ex.cases(seed).map((c) => {
    try {
      const out = JSON.parse(JSON.stringify(fn(...structuredClone(c.args)))) as unknown;
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
