/**
 * Grading one submission: compile each distinct student file once, type-check them together, run
 * every case in one sandboxed child per submission (replaced whenever a case kills it or leaves it
 * dirty), validate what comes back, and let the exercise's judge (in this process, on the grader's
 * own copy of the inputs) score it. Every failure costs only the case or exercise it hits; the
 * report is always complete.
 */
import { compileSubmissionCached, describeDiagnostics, originalPosition, typeErrorsFor, type CompiledFile, type SourceDiagnostic } from "./compile";
import { isGraderFault } from "./fault";
import { importedFileName, linkRelativeImports } from "./link";
import { cleanReport, fmtBytes, roundPoints, type CaseReport, type ExerciseReport, type SubmissionReport } from "./report";
import { verdictOf } from "./judge";
import { DEFAULT_LIMITS, SubmissionRunner, TimeBudget, fmtSeconds, starvationFault, type CallOutcome, type SandboxLimits } from "./sandbox/runner";
import type { Exercise, GradeCase } from "./contract";
import type { JsLocation } from "./sandbox/protocol";
import type { Missing, Submission, SubmissionSource } from "./submission";

/** The course's default seed for hidden cases (instructors should pick their own with --seed). */
export const COURSE_SEED = 20261122;

/** Longest source the grader compiles (TypeScript runs in the grader's own process). */
export const MAX_SOURCE_CHARS = 512 * 1024;

/**
 * Default budget for one whole submission: the time its student processes use, computing or
 * sleeping, but not time they wait for a CPU on a busy machine (see `TimeBudget`).
 */
export const DEFAULT_SUBMISSION_TIMEOUT_MS = 60_000;

/** Options for grading one submission. */
export interface GradeOptions {
  seed?: number;
  limits?: Partial<SandboxLimits>;
  /** run each visible case twice and charge answers that differ (default true) */
  checkDeterminism?: boolean;
  /** the whole submission's own time, ms (not the machine's load); cases after it score 0 */
  submissionTimeoutMs?: number;
  /** refuse code with TypeScript type errors, as tslab does (default true) */
  typeCheck?: boolean;
}

/** TypeScript codes a notebook may trigger legitimately: tslab lets a later cell redefine a name. */
const NOTEBOOK_REDEFINITIONS = new Set(["Duplicate function implementation.", "Duplicate identifier", "Cannot redeclare block-scoped variable"]);

interface Module {
  key: string;
  src: SubmissionSource;
  compiled: CompiledFile | { error: string };
}

/**
 * Grade `exercises` against a loaded submission. Never throws for anything the student did; throws
 * a `GraderFault` when the grader's own machinery fails (its compiler or sandbox), so that failure
 * never becomes the student's score.
 */
export async function gradeSubmission(sub: Submission, exercises: readonly Exercise[], opts: GradeOptions = {}): Promise<SubmissionReport> {
  const started = Date.now();
  const seed = opts.seed ?? COURSE_SEED;
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const casesOf = new Map(exercises.map((ex) => [ex.id, ex.cases(seed)]));
  // An exercise with its own case limit (one that trains a network) brings that much time per call
  // (visible cases run twice) on top of the default budget.
  const extra = exercises.reduce((s, ex) => s + (ex.caseTimeoutMs ? caseLimitMs(ex, limits) : 0) * casesOf.get(ex.id)!.reduce((n, c) => n + (c.visible ? 2 : 1), 0), 0);
  const budget = opts.submissionTimeoutMs ?? DEFAULT_SUBMISSION_TIMEOUT_MS + extra;

  // 1. Sources: each distinct one is compiled once, and all of them in one program that also
  //    type-checks them (what tslab would refuse to run).
  const modules = new Map<string, Module>();
  const sourceOf = new Map<string, Module | Missing>();
  for (const ex of exercises) {
    let src: SubmissionSource | Missing;
    try {
      src = sub.sourceFor(ex);
      if (!("missing" in src) && src.source.length > MAX_SOURCE_CHARS)
        src = { missing: `${src.displayName} is too large to grade (${Math.round(src.source.length / 1024)} KB of code; the limit is ${MAX_SOURCE_CHARS / 1024} KB)` };
    } catch (e) {
      src = { missing: `could not read the file for ${ex.exportName}: ${(e as Error).message}` };
    }
    if ("missing" in src) {
      sourceOf.set(ex.id, src);
      continue;
    }
    const id = `${src.displayName}\u0000${src.source}`;
    let mod = modules.get(id);
    if (!mod) {
      mod = { key: `m${modules.size}`, src, compiled: { error: "not compiled" } };
      modules.set(id, mod);
    }
    sourceOf.set(ex.id, mod);
  }
  // Files a graded file imports ("./07-mlp-backward"), compiled with it and linked into it; the
  // child never resolves an import itself.
  const byName = new Map([...modules.values()].map((m) => [m.src.displayName, m]));
  for (let todo = [...modules.values()]; todo.length > 0; ) {
    const next: Module[] = [];
    for (const m of todo) {
      for (const spec of m.src.source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.\/[^"']+)["']/g)) {
        const name = importedFileName(spec[1]!);
        if (byName.has(name)) continue;
        const src = sub.importable?.(name);
        if (src === undefined || src.source.length > MAX_SOURCE_CHARS) continue;
        const mod: Module = { key: `m${modules.size}`, src, compiled: { error: "not compiled" } };
        modules.set(`${src.displayName}\u0000${src.source}`, mod);
        byName.set(name, mod);
        next.push(mod);
      }
    }
    todo = next;
  }
  const typeCheck = opts.typeCheck !== false;
  const names = new Map<Module, string>();
  for (const m of modules.values()) names.set(m, m.src.displayName);
  const files = [...modules.values()].map((m) => ({ name: names.get(m)!, source: m.src.source }));
  const compiled = new Map<string, CompiledFile>();
  const compileFailure = new Map<string, string>();
  try {
    for (const [k, v] of compileSubmissionCached(files, { typeCheck })) compiled.set(k, v);
  } catch (e) {
    if (isGraderFault(e)) throw e;
    // The compiler itself gave up (e.g. its stack overflowed on absurdly deep nesting): compile
    // the files one by one so only the file that breaks it loses its exercises.
    for (const f of files) {
      try {
        for (const [k, v] of compileSubmissionCached([f], { typeCheck })) compiled.set(k, v);
      } catch (e) {
        if (isGraderFault(e)) throw e;
        compileFailure.set(f.name, (e as Error).message);
      }
    }
  }
  for (const m of modules.values()) {
    const r = compiled.get(names.get(m)!);
    if (!r) m.compiled = { error: `could not be compiled: the TypeScript compiler failed on ${m.src.displayName} (${compileFailure.get(names.get(m)!) ?? "no output"})` };
    else if (r.js === undefined) m.compiled = { error: `does not compile: ${describe(m.src, r.diagnostics)}` };
    else m.compiled = r;
  }

  // 3. Run the cases.
  // The budget starts with the first case: compiling is the grader's work.
  const time = new TimeBudget(budget);
  const runner = new SubmissionRunner(sub.readDir ? [sub.readDir] : [], limits, time);
  const compiledJs = new Map<string, string>();
  for (const m of modules.values()) if (!("error" in m.compiled)) compiledJs.set(m.src.displayName, m.compiled.js!);
  for (const m of modules.values()) {
    const wanted = exercises.filter((ex) => sourceOf.get(ex.id) === m).map((ex) => ex.exportName);
    if (!("error" in m.compiled)) runner.register(m.key, { js: linkRelativeImports(m.compiled.js!, compiledJs), filename: m.src.displayName, wanted });
  }
  const reports: ExerciseReport[] = [];
  try {
    for (const ex of exercises) {
      const cases = casesOf.get(ex.id)!;
      const caseReports: CaseReport[] = [];
      const failAll = (why: string): void => {
        for (const c of cases) caseReports.push({ name: c.name, visible: c.visible, score: 0, feedback: why });
      };
      const mod = sourceOf.get(ex.id)!;
      if ("missing" in mod) failAll(mod.missing);
      else if ("error" in mod.compiled) failAll(mod.compiled.error);
      else {
        const typeErrors = typeErrorsOf(ex.exportName, mod);
        if (typeErrors.length > 0) failAll(`does not type-check: ${describe(mod.src, typeErrors)}`);
        else {
          for (const c of cases) {
            if (time.leftMs <= 0) {
              caseReports.push({ name: c.name, visible: c.visible, score: 0, feedback: `not run: the submission used up its total time limit of ${Math.round(budget / 1000)} s` });
              continue;
            }
            // budget left but the safety net gone: the machine's doing, never a student's zero
            if (time.wallLeftMs <= 0) throw starvationFault(`the submission had ${fmtSeconds(time.wallMs)} of wall-clock time and used ${fmtSeconds(time.chargedMs)} of its own`);
            try {
              caseReports.push(await runCase(ex, c, mod, runner, limits, caseLimitMs(ex, limits), opts.checkDeterminism !== false));
            } catch (e) {
              // the grader's own machinery failed (its sandbox would not start): no score for anyone
              if (isGraderFault(e)) throw e;
              caseReports.push({ name: c.name, visible: c.visible, score: 0, feedback: `the grader could not run this case: ${(e as Error).message}` });
            }
          }
        }
      }
      const mean = caseReports.length ? caseReports.reduce((s, c) => s + c.score, 0) / caseReports.length : 0;
      const exReport: ExerciseReport = { id: ex.id, title: ex.title, file: ex.file, score: roundPoints(mean * ex.points), max: ex.points, cases: caseReports };
      if ("missing" in mod && mod.absent) exReport.submitted = false;
      reports.push(exReport);
    }
  } finally {
    runner.dispose();
  }
  const total = roundPoints(reports.reduce((s, e) => s + e.score, 0));
  const max = roundPoints(reports.reduce((s, e) => s + e.max, 0));
  const report: SubmissionReport = { student: sub.student, exercises: reports, total, max, seed, durationMs: Date.now() - started, errors: sub.fatal ? [sub.fatal] : [] };
  if (sub.notes.length) report.notes = [...sub.notes];
  return cleanReport(report);
}

/**
 * The limit for one call of `ex`: the sandbox's per-case limit, or, for an exercise with its own
 * (one that trains a network), that limit scaled as `--case-limit` scales the default, so an
 * instructor who doubles the case limit for a slow machine doubles the capstone's too.
 */
export function caseLimitMs(ex: Exercise, limits: SandboxLimits): number {
  return ex.caseTimeoutMs === undefined ? limits.caseTimeoutMs : Math.round((ex.caseTimeoutMs * limits.caseTimeoutMs) / DEFAULT_LIMITS.caseTimeoutMs);
}


/** A complete report for a submission that could not be graded at all: every case scores 0 and says why. */
export function failedReport(student: string, exercises: readonly Exercise[], seed: number, why: string): SubmissionReport {
  const reports: ExerciseReport[] = exercises.map((ex) => ({
    id: ex.id,
    title: ex.title,
    file: ex.file,
    score: 0,
    max: ex.points,
    cases: ex.cases(seed).map((c) => ({ name: c.name, visible: c.visible, score: 0, feedback: why })),
  }));
  return cleanReport({ student, exercises: reports, total: 0, max: roundPoints(exercises.reduce((s, e) => s + e.points, 0)), seed, durationMs: 0, errors: [why] });
}

function typeErrorsOf(exportName: string, mod: Module): SourceDiagnostic[] {
  if ("error" in mod.compiled || !mod.compiled.types) return [];
  const errs = typeErrorsFor(mod.compiled.types, exportName);
  return mod.src.cellStarts ? errs.filter((e) => ![...NOTEBOOK_REDEFINITIONS].some((p) => e.message.startsWith(p))) : errs;
}

/** "01-local-rules.ts:47:12" or, for a notebook, "answers.ipynb cell 5, line 3:12". */
function place(src: SubmissionSource, line: number, column: number): string {
  const cells = src.cellStarts;
  if (!cells || cells.length === 0) return `${src.displayName}:${line}:${column}`;
  let cell = cells[0]!;
  for (const c of cells) if (c.line <= line) cell = c;
  return `${src.displayName} cell ${cell.cell}, line ${line - cell.line + 1}:${column}`;
}

/** The first diagnostic with its place, and how many more there are. */
function describe(src: SubmissionSource, diags: SourceDiagnostic[]): string {
  const d = diags[0];
  if (!d) return describeDiagnostics(src.displayName, diags);
  return `${place(src, d.line, d.column)}: ${d.message}${diags.length > 1 ? ` (and ${diags.length - 1} more)` : ""}`;
}

/** " (at 01-local-rules.ts:47:12)" for an error location in the compiled file, if it maps back. */
function atSource(mod: Module, where: JsLocation | undefined): string {
  if (!where || "error" in mod.compiled) return "";
  const pos = originalPosition(mod.compiled.lines, where.line, where.column);
  return pos ? ` (at ${place(mod.src, pos.line, pos.column)})` : "";
}

function failure(mod: Module, r: Extract<CallOutcome, { ok: false }>): string {
  return `${r.error}${atSource(mod, r.where)}`;
}

/** A side effect that costs the case even when the answer is right. */
function sideEffect(r: Extract<CallOutcome, { ok: true }> | Extract<CallOutcome, { ok: false }>, limits: SandboxLimits): string | null {
  if (r.tampered.length > 0)
    return `changed built-ins while running (${r.tampered.slice(0, 3).join(", ")}${r.tampered.length > 3 ? ", …" : ""}); a backward function must not modify Math, prototypes or other globals`;
  if (r.printed > limits.outputCapBytes)
    return `printed ${fmtBytes(r.printed)} to stdout/stderr (limit ${fmtBytes(limits.outputCapBytes)} per case); remove the print statements`;
  return null;
}

async function runCase(
  ex: Exercise,
  c: GradeCase,
  mod: Module,
  runner: SubmissionRunner,
  limits: SandboxLimits,
  limitMs: number,
  determinism: boolean,
): Promise<CaseReport> {
  const base = { name: c.name, visible: c.visible };
  // The child receives a serialised copy of c.args; c itself stays the grader's own.
  const first = await runner.call(mod.key, ex.exportName, c.args, Infinity, limitMs, ex.driver);
  // A failure says most about what went wrong (e.g. a refused worker, whose module also patches
  // process.chdir); side effects are charged when the call itself worked.
  if (!first.ok) return { ...base, score: 0, feedback: failure(mod, first) };
  const fx = sideEffect(first, limits);
  if (fx) return { ...base, score: 0, feedback: fx };
  if (first.mutated)
    return { ...base, score: 0, feedback: "changed its input arguments; compute the result without modifying the inputs (the grade uses the grader's own copy of them)" };
  if (determinism && c.visible) {
    const second = await runner.call(mod.key, ex.exportName, c.args, Infinity, limitMs, ex.driver);
    if (!second.ok) return { ...base, score: 0, feedback: `on a second run with the same input: ${failure(mod, second)}` };
    const fx2 = sideEffect(second, limits);
    if (fx2) return { ...base, score: 0, feedback: `on a second run with the same input: ${fx2}` };
    if (!sameData(first.output, second.output))
      return { ...base, score: 0, feedback: `answers differ between two runs of the same input (non-deterministic)${ex.differentRunsHint ? `: ${ex.differentRunsHint}` : ""}` };
  }
  const v = verdictOf(ex, c, first.output);
  const score = typeof v.score === "number" && Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : 0;
  const r: CaseReport = { ...base, score, feedback: String(v.feedback) };
  if (typeof v.relError === "number") r.relError = v.relError;
  if (typeof v.diagnosis === "string") r.diagnosis = v.diagnosis;
  return r;
}

/** Structural equality on decoded plain data (NaN equals NaN). */
function sameData(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}
