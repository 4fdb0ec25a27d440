/**
 * The hostile corpus under test/hostile/: each case is a copy of solutions/ (or an empty folder)
 * with the case's files laid over it, and an expected.json that says what every exercise must
 * score. Used by the corpus test (each graded alone) and the class test (all graded together).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { ALL_EXERCISES } from "../../src/grader/exercises";
import { COURSE_SEED } from "../../src/grader/grade";
import type { ExerciseReport, SubmissionReport } from "../../src/grader/report";
import { sandboxNode } from "../../src/grader/sandbox/node-flags";

export const CORPUS = path.join(__dirname, "..", "hostile");
export const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");
/** Tight limits so the corpus runs quickly; the memory watchdog sits well above a normal child. */
export const CORPUS_LIMITS = { caseTimeoutMs: 1000, loadTimeoutMs: 5000, heapMb: 64, memoryMb: 300 };
/**
 * The budget for one whole submission in these tests: far above what the corpus needs (the clean
 * exercises use under a second of the student's own time; a case that times out uses its limit).
 * The case about the budget itself sets its own.
 */
export const CORPUS_BUDGET_MS = 600_000;
/**
 * The exercises the corpus grades: all but those that train a network (the capstone, seconds per
 * case, which would multiply the corpus's run time; test/grader/capstone.test.ts grades it in the
 * same sandbox, with its own planted cases). The corpus's files all come with it regardless.
 */
export const CORPUS_EXERCISES = ALL_EXERCISES.filter((e) => e.caseTimeoutMs === undefined);

/**
 * What one exercise must show. Feedback fields are substrings; `feedback` may list several, each a
 * correct verdict (a memory bomb is stopped by the memory limit or the clock, whichever comes first).
 */
export interface ExerciseExpectation {
  /** exact points, "full" (= max and no failed case) or "any" */
  score: number | "full" | "any";
  /** every case scores below 1 and says this (or one of these) */
  feedback?: string | string[];
  visibleFeedback?: string;
  hiddenFeedback?: string;
  /** at least one case says this */
  someFeedback?: string;
  /** every case that lost marks says this */
  failedFeedback?: string;
}

/** A corpus case's expected.json. */
export interface CorpusCase {
  name: string;
  description: string;
  base?: "solutions" | "empty";
  remove?: string[];
  options?: { submissionTimeoutMs?: number };
  /** by exercise id, or "file:NAME" for every exercise of a file */
  expect: Record<string, ExerciseExpectation>;
  /** every exercise not named above (default: full marks) */
  others?: ExerciseExpectation;
  /** each is the start of one of the report's notes (e.g. a skipped zip entry) */
  notes?: string[];
  /** each is the start of one of the report's errors (problems with the whole submission) */
  errors?: string[];
  /** the submission's time budget runs out: once a case says so, every later case (in grading order) does too */
  budgetRunsOut?: boolean;
  /** replaces `expect` where the sandbox's Node refuses sockets (its permission model covers the network) */
  networkBlocked?: { expect: Record<string, ExerciseExpectation> };
}

/** Every case of the corpus, sorted by name, with the expectations for the Node that runs student code. */
export function corpusCases(): CorpusCase[] {
  const blocksNetwork = sandboxNode().blocksNetwork;
  return readdirSync(CORPUS)
    .filter((n) => existsSync(path.join(CORPUS, n, "expected.json")))
    .sort()
    .map((name) => {
      const c: CorpusCase = { name, ...(JSON.parse(readFileSync(path.join(CORPUS, name, "expected.json"), "utf8")) as Omit<CorpusCase, "name">) };
      return blocksNetwork && c.networkBlocked ? { ...c, expect: c.networkBlocked.expect } : c;
    });
}

/** Lay the case out as a submission folder at `dir`. */
export function materialise(c: CorpusCase, dir: string): string {
  mkdirSync(dir, { recursive: true });
  if ((c.base ?? "solutions") === "solutions") cpSync(SOLUTIONS, dir, { recursive: true });
  for (const f of c.remove ?? []) rmSync(path.join(dir, f), { force: true });
  for (const f of readdirSync(path.join(CORPUS, c.name))) {
    if (f !== "expected.json") cpSync(path.join(CORPUS, c.name, f), path.join(dir, f));
  }
  return dir;
}

/** The expectation for one exercise of a case. */
export function expectationFor(c: CorpusCase, id: string, file: string): ExerciseExpectation {
  return c.expect[id] ?? c.expect[`file:${file}`] ?? c.others ?? { score: "full" };
}

/** Assert that a report is complete (for the exercises `ids` it was graded on), valid JSON, and matches the case exercise by exercise. */
export function checkReport(c: CorpusCase, r: SubmissionReport, ids: string[] = CORPUS_EXERCISES.map((e) => e.id)): void {
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  expect(r.exercises.map((e) => e.id)).toEqual(ids);
  for (const e of r.exercises) {
    // one printable line per case, whatever the student's code threw or printed
    for (const k of e.cases) expect(k.feedback, `${c.name} ${e.id} ${k.name}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    const ex = ALL_EXERCISES.find((x) => x.id === e.id)!;
    expect(e.cases.map((k) => k.name), `${c.name} ${e.id}: every case reported`).toEqual(ex.cases(r.seed).map((k) => k.name));
    checkExercise(c, e, expectationFor(c, e.id, e.file));
  }
  for (const [what, list, wanted] of [["note", r.notes ?? [], c.notes ?? []], ["error", r.errors, c.errors ?? []]] as const)
    for (const w of wanted) expect(list.find((n) => n.startsWith(w)), `${c.name}: no ${what} starts with ${JSON.stringify(w)}; there are ${JSON.stringify(list)}`).toBeDefined();
  expect(r.seed).toBe(COURSE_SEED);
  if (c.budgetRunsOut) {
    const all = r.exercises.flatMap((e) => e.cases.map((k) => `${e.id} ${k.name}: ${k.feedback}`));
    const first = all.findIndex((k) => k.includes("total time"));
    expect(first, `${c.name}: the budget runs out`).toBeGreaterThanOrEqual(0);
    expect(all.slice(first).filter((k) => !k.includes("total time")), `${c.name}: every case after the budget ran out says so`).toEqual([]);
  }
}

function checkExercise(c: CorpusCase, e: ExerciseReport, want: ExerciseExpectation): void {
  const where = `${c.name} ${e.id}`;
  const failed = e.cases.filter((k) => k.score < 1);
  if (want.score === "full") {
    expect({ where, score: e.score, failed: failed.map((k) => `${k.name}: ${k.feedback}`) }).toEqual({ where, score: e.max, failed: [] });
  } else if (typeof want.score === "number") {
    expect(e.score, where).toBe(want.score);
  }
  if (want.feedback !== undefined) {
    const accepted = typeof want.feedback === "string" ? [want.feedback] : want.feedback;
    for (const k of e.cases) {
      expect(k.score, `${where} ${k.name}`).toBeLessThan(1);
      expect(accepted.some((f) => k.feedback.includes(f)), `${where} ${k.name}: "${k.feedback}" says none of ${JSON.stringify(accepted)}`).toBe(true);
    }
  }
  if (want.visibleFeedback !== undefined) for (const k of e.cases.filter((x) => x.visible)) expect(k.feedback, `${where} ${k.name}`).toContain(want.visibleFeedback);
  if (want.hiddenFeedback !== undefined) for (const k of e.cases.filter((x) => !x.visible)) expect(k.feedback, `${where} ${k.name}`).toContain(want.hiddenFeedback);
  if (want.someFeedback !== undefined) expect(e.cases.map((k) => k.feedback).join("\n"), where).toContain(want.someFeedback);
  if (want.failedFeedback !== undefined) for (const k of failed) expect(k.feedback, `${where} ${k.name}`).toContain(want.failedFeedback);
}
