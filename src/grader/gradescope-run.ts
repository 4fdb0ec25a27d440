#!/usr/bin/env node
/**
 * Gradescope's `run_autograder` entry: grade `$AUTOGRADER_ROOT/submission` (default /autograder)
 * with the seed and exercises fixed in `autograder-config.json`, and write
 * `results/results.json` in Gradescope's format, once and atomically. Hidden cases are
 * `after_due_date`, so before the deadline students see only the visible ones.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ALL_EXERCISES } from "./exercises";
import { isGraderFault } from "./fault";
import { failedReport, gradeSubmission, COURSE_SEED, type GradeOptions } from "./grade";
import { roundPoints, writeJsonAtomic, type SubmissionReport } from "./report";
import { checkGrader } from "./selftest";
import { loadSubmission } from "./submission";
import type { AutograderConfig } from "./gradescope-build";

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

/** The whole results.json. */
export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  tests: GradescopeTest[];
}

/**
 * Convert a report to Gradescope's results.json: one test per case, the exercise's points split
 * evenly over its cases (rounded to 1e-4, the last case taking the remainder so an exercise's
 * tests add up to its points exactly); the top-level score is the report's total (Gradescope uses
 * it as given).
 */
export function toGradescope(r: SubmissionReport, seconds: number): GradescopeResults {
  const tests: GradescopeTest[] = [];
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  r.exercises.forEach((e, i) => {
    const n = e.cases.length;
    const per = n ? r4(e.max / n) : 0;
    e.cases.forEach((c, j) => {
      const max = j === n - 1 ? r4(e.max - per * (n - 1)) : per;
      tests.push({
        name: `${e.id}: ${c.name}`,
        number: `${i + 1}.${j + 1}`,
        score: r4(c.score * max),
        max_score: max,
        status: c.score >= 1 ? "passed" : "failed",
        output: c.feedback,
        visibility: c.visible ? "visible" : "after_due_date",
      });
    });
  });
  const visible = r.exercises.flatMap((e) => e.cases).filter((c) => c.visible);
  const summary = [
    ...r.errors,
    ...(r.notes ?? []).map((n) => `note: ${n}`),
    `Graded ${r.exercises.length} exercises (seed ${r.seed}). Visible cases passed: ${visible.filter((c) => c.score >= 1).length} of ${visible.length}. Hidden cases are shown after the due date.`,
  ];
  return { score: roundPoints(r.total), execution_time: Math.max(0, Math.round(seconds)), output: summary.join("\n"), tests };
}

/**
 * The results.json of a run in which the autograder itself failed: no `score` and no tests, so
 * Gradescope records no grade (rather than a zero) and the student and instructor read why.
 */
export interface GradescopeFailure {
  execution_time: number;
  output: string;
  tests: [];
}

/** Results for a run the autograder could not do; `why` is the installation message. */
export function autograderFailed(why: string, seconds: number): GradescopeFailure {
  return {
    execution_time: Math.max(0, Math.round(seconds)),
    output: `The autograder failed; this is not a problem with your submission, and it was not scored. Please tell your instructor.\n${why}`,
    tests: [],
  };
}

/** The config written by the build, or defaults. */
export function readConfig(dir: string): AutograderConfig {
  const f = path.join(dir, "autograder-config.json");
  if (!existsSync(f)) return {};
  return JSON.parse(readFileSync(f, "utf8")) as AutograderConfig;
}

/**
 * Grade the submission under the autograder root and write results.json. Never throws; resolves
 * to false when the autograder's own machinery failed (results.json then says so, with no score).
 */
export async function runAutograder(root = process.env["AUTOGRADER_ROOT"] ?? "/autograder", sourceDir = path.resolve(__dirname, "..", "..")): Promise<boolean> {
  const t0 = Date.now();
  const out = path.join(root, "results", "results.json");
  mkdirSync(path.dirname(out), { recursive: true });
  let report: SubmissionReport;
  try {
    await checkGrader();
    const config = readConfig(sourceDir);
    const exercises = config.exercises ? ALL_EXERCISES.filter((e) => config.exercises!.includes(e.id)) : ALL_EXERCISES;
    const opts: GradeOptions = { seed: config.seed ?? COURSE_SEED };
    if (config.timeLimitSeconds) opts.submissionTimeoutMs = config.timeLimitSeconds * 1000;
    try {
      const sub = await loadSubmission(path.join(root, "submission"), "submission");
      try {
        report = await gradeSubmission(sub, exercises, opts);
      } finally {
        sub.dispose();
      }
    } catch (e) {
      if (isGraderFault(e)) throw e;
      report = failedReport("submission", exercises, opts.seed!, `the autograder could not read this submission: ${(e as Error).message}`);
    }
  } catch (e) {
    // the grader's own failure (its installation, its config): no score for the student
    const why = isGraderFault(e) ? e.describe() : `the autograder could not start: ${(e as Error).message}`;
    process.stderr.write(`backprop-lab: ${why}\n`);
    writeJsonAtomic(out, autograderFailed(why, (Date.now() - t0) / 1000));
    return false;
  }
  writeJsonAtomic(out, toGradescope(report, (Date.now() - t0) / 1000));
  return true;
}

if (require.main === module)
  void runAutograder().then((ok) => {
    if (!ok) process.exitCode = 1;
  });
