#!/usr/bin/env node
/**
 * Gradescope's `run_autograder` entry: grade `$AUTOGRADER_ROOT/submission` (default /autograder)
 * and write `results/results.json` in Gradescope's format, once and atomically. Hidden cases are
 * `after_due_date` so students see only the visible ones before the deadline.
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { ALL_EXERCISES } from "./exercises";
import { gradeSubmission } from "./grade";
import { writeJsonAtomic, type SubmissionReport } from "./report";
import { loadSubmission } from "./submission";

/** One entry of Gradescope's `tests` list. */
export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: "visible" | "after_due_date";
}

/** Convert a report to Gradescope's results.json shape: one test per case, points split evenly. */
export function toGradescope(r: SubmissionReport, seconds: number): { score: number; execution_time: number; output: string; tests: GradescopeTest[] } {
  const tests: GradescopeTest[] = [];
  r.exercises.forEach((e, i) => {
    const per = e.cases.length ? e.max / e.cases.length : 0;
    e.cases.forEach((c, j) => {
      tests.push({
        name: `${e.id}: ${c.name}`,
        number: `${i + 1}.${j + 1}`,
        score: Math.round(c.score * per * 1000) / 1000,
        max_score: Math.round(per * 1000) / 1000,
        status: c.score >= 1 ? "passed" : "failed",
        output: c.feedback,
        visibility: c.visible ? "visible" : "after_due_date",
      });
    });
  });
  return { score: r.total, execution_time: Math.round(seconds), output: r.errors.join("\n") || `graded ${r.exercises.length} exercises`, tests };
}

/** Grade the submission under the autograder root and write results.json. */
export async function runAutograder(root = process.env.AUTOGRADER_ROOT ?? "/autograder"): Promise<void> {
  const t0 = Date.now();
  const out = path.join(root, "results", "results.json");
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    const sub = loadSubmission(path.join(root, "submission"), "submission");
    try {
      const r = await gradeSubmission(sub, ALL_EXERCISES);
      writeJsonAtomic(out, toGradescope(r, (Date.now() - t0) / 1000));
    } finally {
      sub.dispose();
    }
  } catch (e) {
    writeJsonAtomic(out, { score: 0, execution_time: Math.round((Date.now() - t0) / 1000), output: `the autograder could not grade this submission: ${(e as Error).message}`, tests: [] });
  }
}

if (require.main === module) void runAutograder();
