/**
 * Checking exercises inside a notebook: run an exercise's cases in this process against a
 * function and show a result table. Failures are displayed, never thrown, so a notebook with
 * unfinished exercises still runs top to bottom. `loadExercises` recompiles the current file on
 * every call, so an edit to exercises/*.ts takes effect in the next cell without a kernel restart,
 * and it type-checks the files as the autograder does: an export with a type error is reported
 * here exactly as the grader will report it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import type { CaseVerdict, Exercise } from "./contract";
import { compileSubmission, describeDiagnostics, originalPosition, typeErrorsFor } from "./compile";
import { importedFileName, linkRelativeImports } from "./link";
import { ALL_EXERCISES, exerciseById } from "./exercises";
import { plainData, verdictOf } from "./judge";
import { callExport } from "./sandbox/drivers";

/** The exports of the student's exercise files, merged (export names are unique across files). */
export type ExerciseModule = Record<string, unknown>;

/** The outcome of one case, as shown in the table. */
export interface InlineCaseResult extends CaseVerdict {
  name: string;
  visible: boolean;
}

/** The outcome of one exercise. */
export interface InlineResult {
  id: string;
  exportName: string;
  points: number;
  /** points earned: points × mean case score */
  earned: number;
  cases: InlineCaseResult[];
}

function defaultExerciseDir(): string {
  for (const dir of [path.resolve("exercises"), path.resolve("..", "exercises")]) {
    if (fs.existsSync(path.join(dir, "01-local-rules.ts"))) return dir;
  }
  throw new Error(`could not find the exercises/ folder from ${process.cwd()}; pass its path to loadExercises(path)`);
}

/**
 * Compile and evaluate the CURRENT text of an exercise file (or every .ts file of a folder) and
 * return its exports. Nothing is cached: call it again after editing the file.
 */
export function loadExercises(target?: string): ExerciseModule {
  const where = target ? path.resolve(target) : defaultExerciseDir();
  const files = fs.statSync(where).isDirectory()
    ? fs.readdirSync(where).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort().map((f) => path.join(where, f))
    : [where];
  const merged: ExerciseModule = {};
  const typeErrors = new Map<string, string>();
  const sources = files.map((file) => ({ name: path.basename(file), source: fs.readFileSync(file, "utf8") }));
  // A single file's imports of other exercise files ("./07-mlp-backward") come along, as in the grader.
  const dir = path.dirname(files[0]!);
  for (let i = 0; i < sources.length; i++) {
    for (const m of sources[i]!.source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.\/[^"']+)["']/g)) {
      const name = importedFileName(m[1]!);
      if (!sources.some((s) => s.name === name) && fs.existsSync(path.join(dir, name))) sources.push({ name, source: fs.readFileSync(path.join(dir, name), "utf8") });
    }
  }
  const graded = new Set(files.map((f) => path.basename(f)));
  // One program for all the files: syntax errors, JavaScript, and the type errors the grader would refuse.
  const compiled = compileSubmission(sources, { typeCheck: true });
  const compiledJs = new Map([...compiled].flatMap(([name, out]) => (out.js === undefined ? [] : [[name, out.js]])));
  for (const { name } of sources.filter((s) => graded.has(s.name))) {
    const out = compiled.get(name)!;
    if (out.js === undefined) throw new Error(`${name} does not compile: ${describeDiagnostics(name, out.diagnostics)}`);
    const module = { exports: {} };
    const refuse = (id: string): never => {
      throw new Error(`${name}: exercise files may import only other exercise files, as "./07-mlp-backward" (found require("${id}"))`);
    };
    // compiled under a name of its own, so a run-time error's stack frame can be mapped back to
    // the TypeScript line (see `whereThrown`)
    const tag = `${INLINE_TAG}${name}`;
    if (out.lines) compiledLines.set(tag, { name, lines: out.lines });
    vm.compileFunction(linkRelativeImports(out.js, compiledJs), ["exports", "require", "module"], { filename: tag })(module.exports, refuse, module);
    Object.assign(merged, module.exports);
    if (out.types) {
      for (const exportName of Object.keys(module.exports)) {
        const errs = typeErrorsFor(out.types, exportName);
        if (errs.length > 0) typeErrors.set(exportName, `does not type-check: ${describeDiagnostics(name, errs)}`);
      }
    }
  }
  Object.defineProperty(merged, TYPE_ERRORS, { value: typeErrors, enumerable: false });
  return merged;
}

/** Prefix of the file names compiled code runs under, so its frames are found in a stack. */
const INLINE_TAG = "backprop-lab-exercise:";
/** The source maps of the files `loadExercises` compiled last, by the name their code runs under. */
const compiledLines = new Map<string, { name: string; lines: number[][][] }>();

/** " (at 05-delta-recurrence.ts:21:14)" for the first stack frame in a file `loadExercises` compiled. */
function whereThrown(e: unknown): string {
  const stack = e instanceof Error && typeof e.stack === "string" ? e.stack : "";
  for (const m of stack.matchAll(/(backprop-lab-exercise:[^\s():]+):(\d+):(\d+)/g)) {
    const file = compiledLines.get(m[1]!);
    const pos = file ? originalPosition(file.lines, Number(m[2]), Number(m[3])) : null;
    if (file && pos) return ` (at ${file.name}:${pos.line}:${pos.column})`;
  }
  return "";
}

/** Where `loadExercises` leaves the type errors of each export (the grader refuses such code, as tslab does). */
const TYPE_ERRORS = Symbol.for("backprop-lab.typeErrors");

/** Run every case of one exercise against `fn` in this process; thrown errors cost only their case. */
export function runInline(ex: Exercise, fn: unknown, seed = 0): InlineResult {
  const cases: InlineCaseResult[] = ex.cases(seed).map((c) => {
    if (typeof fn !== "function") {
      return { name: c.name, visible: c.visible, score: 0, feedback: `no ${ex.driver === "value-engine" ? "class" : "function"} ${ex.exportName} to check (got ${typeof fn})` };
    }
    try {
      const output = plainData(callExport(ex.driver, fn, structuredClone(c.args)));
      return { name: c.name, visible: c.visible, ...verdictOf(ex, c, output) };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return { name: c.name, visible: c.visible, score: 0, feedback: `threw: ${msg}${whereThrown(e)}` };
    }
  });
  const mean = cases.reduce((s, c) => s + c.score, 0) / Math.max(cases.length, 1);
  return { id: ex.id, exportName: ex.exportName, points: ex.points, earned: ex.points * mean, cases };
}

/** Results of `check` without displaying them (for tests and scripts). */
export function checkResults(ids: string | string[], implementation?: unknown, seed = 0): InlineResult[] {
  const list = ids === "all" ? ALL_EXERCISES.map((e) => e.id) : Array.isArray(ids) ? ids : [ids];
  const mod = implementation === undefined ? loadExercises() : implementation;
  const typeErrors = mod !== null && typeof mod === "object" ? ((mod as Record<symbol, unknown>)[TYPE_ERRORS] as Map<string, string> | undefined) : undefined;
  return list.map((id) => {
    const ex = exerciseById(id);
    const refused = typeErrors?.get(ex.exportName);
    if (refused) {
      const cases = ex.cases(seed).map((c) => ({ name: c.name, visible: c.visible, score: 0, feedback: refused }));
      return { id: ex.id, exportName: ex.exportName, points: ex.points, earned: 0, cases };
    }
    const fn = typeof mod === "function" ? mod : mod !== null && typeof mod === "object" ? (mod as ExerciseModule)[ex.exportName] : undefined;
    return runInline(ex, fn, seed);
  });
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The result table as HTML. */
export function resultsHtml(results: InlineResult[]): string {
  const rows = results.flatMap((r) =>
    r.cases.map((c, i) => {
      const colour = c.score === 1 ? "#e6f4ea" : c.score > 0 ? "#fff4e5" : "#fdecea";
      const head = i === 0 ? `<td rowspan="${r.cases.length}"><b>${esc(r.id)}</b><br>${r.earned.toFixed(2)} / ${r.points}</td>` : "";
      const err = c.relError !== undefined ? c.relError.toExponential(1) : "";
      return `<tr style="background:${colour}">${head}<td>${esc(c.name)}</td><td>${c.score.toFixed(2)}</td><td>${err}</td><td>${esc(c.feedback)}${c.diagnosis ? ` <i>[${esc(c.diagnosis)}]</i>` : ""}</td></tr>`;
    }),
  );
  return `<table><thead><tr><th>exercise</th><th>case</th><th>score</th><th>rel. error</th><th>feedback</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The result table as text, for a terminal. */
export function resultsText(results: InlineResult[]): string {
  return results
    .map((r) => [`${r.id}: ${r.earned.toFixed(2)} / ${r.points}`, ...r.cases.map((c) => `  ${c.score === 1 ? "✓" : "✗"} ${c.name}: ${c.feedback}${c.diagnosis ? ` [${c.diagnosis}]` : ""}`)].join("\n"))
    .join("\n");
}

interface TslabLike {
  display: { html(s: string): void };
}
function kernelDisplay(): TslabLike | null {
  try {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    if (jupyter.lastWriteDisplayData == null) return null;
    return require("tslab") as TslabLike;
  } catch {
    return null;
  }
}

/**
 * Check one exercise (or several, or "all") in a notebook cell and display a result table.
 * `implementation` is the function itself, a module of exports (e.g. `loadExercises(...)`), or
 * omitted to load the current exercises/ files afresh. Never throws for a wrong or unfinished answer.
 */
export function check(ids: string | string[], implementation?: unknown, seed = 0): void {
  let results: InlineResult[];
  try {
    results = checkResults(ids, implementation, seed);
  } catch (e) {
    const msg = `check could not run: ${e instanceof Error ? e.message : String(e)}`;
    const k = kernelDisplay();
    if (k) k.display.html(`<p style="color:#b00020">${esc(msg)}</p>`);
    else console.log(msg);
    return;
  }
  const k = kernelDisplay();
  if (k) k.display.html(resultsHtml(results));
  else console.log(resultsText(results));
}
