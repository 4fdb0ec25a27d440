/**
 * Grading one submission: for each exercise, compile the student's file, load it into a
 * sandboxed child, send every case's arguments, validate what comes back, and let the
 * exercise's judge (in this process) score it. Every failure costs only the case it hits;
 * the report is always complete.
 */
import { compileStudentSource, describeDiagnostics } from "./compile";
import { roundPoints, type CaseReport, type ExerciseReport, type SubmissionReport } from "./report";
import { DEFAULT_LIMITS, StudentModule, type SandboxLimits } from "./sandbox/runner";
import type { GradableExercise } from "./sandbox/protocol";
import type { Submission } from "./submission";

/** The course's default seed for hidden cases. */
export const COURSE_SEED = 20261122;

/** Options for grading one submission. */
export interface GradeOptions {
  seed?: number;
  limits?: Partial<SandboxLimits>;
  /** run each case twice and flag answers that differ (default true) */
  checkDeterminism?: boolean;
  /** wall-clock budget for the whole submission, ms; cases after it score 0 */
  submissionTimeoutMs?: number;
}

/** Grade `exercises` against a loaded submission. Never throws for anything the student did. */
export async function gradeSubmission(
  sub: Submission,
  exercises: readonly GradableExercise[],
  opts: GradeOptions = {},
): Promise<SubmissionReport> {
  const started = Date.now();
  const seed = opts.seed ?? COURSE_SEED;
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const deadline = started + (opts.submissionTimeoutMs ?? 120_000);
  const reports: ExerciseReport[] = [];
  const compiled = new Map<string, { js?: string; error?: string }>();
  for (const ex of exercises) {
    const cases = ex.cases(seed);
    const caseReports: CaseReport[] = [];
    const failAll = (why: string) => {
      for (const c of cases) caseReports.push({ name: c.name, visible: c.visible, score: 0, feedback: why });
    };
    const src = sub.sourceFor(ex);
    if ("missing" in src) {
      failAll(src.missing);
    } else {
      const key = `${src.displayName}\u0000${src.source}`;
      let comp = compiled.get(key);
      if (!comp) {
        try {
          const r = compileStudentSource(src.source, src.displayName);
          comp = r.js !== undefined ? { js: r.js } : { error: `does not compile: ${describeDiagnostics(src.displayName, withCells(r.diagnostics, src.cellStarts))}` };
        } catch (e) {
          comp = { error: `could not be compiled: ${(e as Error).message}` };
        }
        compiled.set(key, comp);
      }
      if (comp.error || comp.js === undefined) failAll(comp.error ?? "could not be compiled");
      else {
        const mod = new StudentModule(comp.js, src.displayName, ex.exportName, sub.readDir ? [sub.readDir] : [], limits);
        try {
          for (const c of cases) {
            if (Date.now() > deadline) {
              caseReports.push({ name: c.name, visible: c.visible, score: 0, feedback: "not run: the submission used up its total time" });
              continue;
            }
            caseReports.push(await runCase(ex, c, mod, opts.checkDeterminism !== false));
          }
        } finally {
          mod.kill();
        }
      }
    }
    const mean = caseReports.length ? caseReports.reduce((s, c) => s + c.score, 0) / caseReports.length : 0;
    reports.push({ id: ex.id, title: ex.title, file: ex.file, score: roundPoints(mean * ex.points), max: ex.points, cases: caseReports });
  }
  const total = roundPoints(reports.reduce((s, e) => s + e.score, 0));
  const max = roundPoints(reports.reduce((s, e) => s + e.max, 0));
  return {
    student: sub.student,
    exercises: reports,
    total,
    max,
    seed,
    durationMs: Date.now() - started,
    errors: sub.fatal ? [sub.fatal] : [],
  };
}

async function runCase(
  ex: GradableExercise,
  c: { name: string; visible: boolean; args: unknown[] },
  mod: StudentModule,
  determinism: boolean,
): Promise<CaseReport> {
  const base = { name: c.name, visible: c.visible };
  const first = await mod.call(c.args);
  if (!first.ok) return { ...base, score: 0, feedback: first.error };
  if (first.mutated) return { ...base, score: 0, feedback: `${first.mutated}; compute the result without modifying the inputs` };
  if (determinism) {
    const second = await mod.call(c.args);
    if (!second.ok) return { ...base, score: 0, feedback: `on a second run with the same input: ${second.error}` };
    if (!sameData(first.output, second.output))
      return { ...base, score: 0, feedback: "gave different answers for the same input (non-deterministic)" };
  }
  try {
    const v = ex.judge(c as never, first.output);
    const score = typeof v.score === "number" && Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : 0;
    const r: CaseReport = { ...base, score, feedback: String(v.feedback) };
    if (typeof v.relError === "number") r.relError = v.relError;
    if (typeof v.diagnosis === "string") r.diagnosis = v.diagnosis;
    return r;
  } catch (e) {
    return { ...base, score: 0, feedback: `the output could not be checked: ${(e as Error).message}` };
  }
}

/** Structural equality on decoded plain data (NaN equals NaN). */
function sameData(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function withCells(
  diags: { line: number; column: number; message: string }[],
  cells?: { line: number; cell: number }[],
): { line: number; column: number; message: string }[] {
  if (!cells || !cells.length) return diags;
  return diags.map((d) => {
    let cell = cells[0]!;
    for (const c of cells) if (c.line <= d.line) cell = c;
    return { ...d, message: `(cell ${cell.cell}, line ${d.line - cell.line + 1}) ${d.message}` };
  });
}
