/**
 * The exercise contract: what the grader needs to know about one gradable export. Everything a
 * case carries is plain JSON so it can cross into the sandboxed student process and back.
 */
import type { DriverName } from "./sandbox/drivers";

/** Plain data that crosses the process boundary: JSON values only. */
export type Json = number | string | boolean | null | Json[] | { [k: string]: Json };

/** One call of the student's function, with the arguments it receives. */
export interface GradeCase {
  /** e.g. "visible 1: a=2, b=-3" */
  name: string;
  /** false → hidden (Gradescope: after_due_date) */
  visible: boolean;
  /** passed to the student's function as fn(...args) */
  args: Json[];
}

/** The judge's verdict on one case. */
export interface CaseVerdict {
  /** 0..1 partial credit for this case */
  score: number;
  /** one line a student can act on; never the answer */
  feedback: string;
  /** worst relative error when a numeric check ran */
  relError?: number;
  /** id of the matched known mistake, e.g. "forgot-fprime" */
  diagnosis?: string;
}

/** A gradable exercise: one named export in one file under exercises/. */
export interface Exercise {
  /** stable id, e.g. "relu-backward" */
  id: string;
  title: string;
  /** path under exercises/, e.g. "01-local-rules.ts" */
  file: string;
  /** the named export the student writes */
  exportName: string;
  points: number;
  /**
   * trusted code that calls the export in the student process, for an export that is not a plain
   * function of plain data (a class, or a function that takes a function); see sandbox/drivers
   */
  driver?: DriverName;
  /** markdown for docs and the notebook */
  description: string;
  /** fixed visible cases + hidden ones from the seed */
  cases(seed: number): GradeCase[];
  /** runs in the grader's process only; never trusts `output` */
  judge(c: GradeCase, output: unknown): CaseVerdict;
  /**
   * Limit for one call at the default per-case limit, for an exercise that does more work than
   * answering at once (training a network, deep graphs); it replaces the sandbox's per-case limit,
   * is scaled with it (`--case-limit`, see `caseLimitMs` in grade.ts), and adds that much per call
   * to the submission's total budget. Default: the sandbox's limit.
   */
  caseTimeoutMs?: number;
  /** What to tell a student whose two runs of the same visible case differ (after the generic line). */
  differentRunsHint?: string;
}
