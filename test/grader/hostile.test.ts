/**
 * The hostile corpus: each submission under test/hostile/ attacks one exercise (reluBackward in
 * an otherwise worked 01-local-rules.ts). The attacked cases must fail with the expected
 * feedback, every other exercise in the file must score full marks, and the grader survives.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import { gradeSubmission } from "../../src/grader/grade";
import { loadSubmission } from "../../src/grader/submission";

const ROOT = path.join(__dirname, "..", "hostile");
const FILE01 = ALL_EXERCISES.filter((e) => e.file === "01-local-rules.ts");
const limits = { caseTimeoutMs: 1000, loadTimeoutMs: 3000, heapMb: 64 };

interface Expected {
  exercise?: string;
  file?: string;
  all?: boolean;
  feedback: string;
}

describe.concurrent("hostile corpus", () => {
  for (const name of readdirSync(ROOT).sort()) {
    const dir = path.join(ROOT, name);
    if (!existsSync(path.join(dir, "expected.json"))) continue;
    const want = JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected;
    it(`${name}: costs only its own case`, async () => {
      const sub = loadSubmission(dir, name);
      const r = await gradeSubmission(sub, FILE01, { limits });
      sub.dispose();
      expect(r.exercises).toHaveLength(FILE01.length);
      for (const ex of r.exercises) {
        const targeted = want.all || want.file === ex.file || want.exercise === ex.id;
        if (targeted) {
          expect(ex.score, ex.id).toBe(0);
          for (const c of ex.cases) expect(c.feedback, `${ex.id} ${c.name}`).toContain(want.feedback);
        } else {
          expect({ id: ex.id, score: ex.score, cases: ex.cases.filter((c) => c.score < 1) }).toEqual({ id: ex.id, score: ex.max, cases: [] });
        }
      }
    });
  }
});
