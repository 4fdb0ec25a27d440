/**
 * Grading reports: one object per submission, a text table for the terminal, an atomic JSON
 * writer (tmp file + rename, so a report is either complete or absent), and the CSV gradebook.
 */
import { renameSync, writeFileSync } from "node:fs";

/** One case's result. `score` is 0..1. */
export interface CaseReport {
  name: string;
  visible: boolean;
  score: number;
  feedback: string;
  relError?: number;
  diagnosis?: string;
}

/** One exercise's result; `score` and `max` are in points. */
export interface ExerciseReport {
  id: string;
  title: string;
  file: string;
  score: number;
  max: number;
  /** false when the student did not hand this exercise in at all (its file or function is absent) */
  submitted?: false;
  cases: CaseReport[];
}

/** Everything graded for one student. */
export interface SubmissionReport {
  student: string;
  exercises: ExerciseReport[];
  total: number;
  max: number;
  seed: number;
  durationMs: number;
  /** problems with the submission as a whole (bad zip, broken notebook) */
  errors: string[];
  /** things worth knowing that cost nothing by themselves (e.g. a skipped symbolic link) */
  notes?: string[];
}

/**
 * Characters that must never reach a terminal or a report line from student-controlled text: C0
 * and C1 controls, DEL, the line and paragraph separators, and every bidirectional formatting
 * character (marks, embeddings, overrides, isolates). A regex character class, for `new RegExp`.
 */
export const UNPRINTABLE_CLASS = "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
const UNPRINTABLE = new RegExp(UNPRINTABLE_CLASS, "g");

/**
 * One printable line from text a student controls (error messages, export names, file names):
 * line breaks of every kind (CR, LF, tabs, NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH
 * SEPARATOR) become spaces; other control characters, bidirectional marks, embeddings, overrides
 * and isolates, and lone surrogates become U+FFFD, so feedback cannot redraw the instructor's
 * terminal, fake extra report lines or reorder what is shown.
 */
export function cleanText(s: string, max = 2000): string {
  const t = s
    .replace(/\r\n|[\r\n\t\v\f\u0085\u2028\u2029]/g, " ")
    .replace(UNPRINTABLE, "\ufffd")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** A report whose every free-text field has gone through `cleanText`. */
export function cleanReport(r: SubmissionReport): SubmissionReport {
  const out: SubmissionReport = {
    ...r,
    student: cleanText(r.student, 200),
    errors: r.errors.map((e) => cleanText(e)),
    exercises: r.exercises.map((e) => ({ ...e, cases: e.cases.map((c) => ({ ...c, feedback: cleanText(c.feedback) })) })),
  };
  if (r.notes) out.notes = r.notes.map((n) => cleanText(n));
  return out;
}

/** A size as people read it: "812 bytes", "64 KB", "5.0 MB". */
export function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** Round to hundredths of a point so reports stay readable and sums stay stable. */
export function roundPoints(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * What a student reads, summary first: the total, the exercises that lost marks and the files (or
 * exercises) not handed in, problems with the whole submission and notes; then a table of the
 * exercises that were handed in, each failed case under its exercise, with cases that failed the
 * same way printed once with their count. The JSON report keeps every case.
 */
export function formatReport(r: SubmissionReport, opts: { showHidden?: boolean } = {}): string {
  r = cleanReport(r);
  const w = Math.max(8, ...r.exercises.map((e) => e.id.length));
  const row = (label: string, score: string): string => `${label.padEnd(w)}  ${score.padStart(11)}`;
  const handedIn = r.exercises.filter((e) => e.submitted !== false);
  const lost = handedIn.filter((e) => e.score < e.max);
  const lines = [`Student: ${r.student}   seed ${r.seed}`, row("total", `${fmt(r.total)}/${fmt(r.max)}`)];
  if (lost.length > 1 && lost.length === handedIn.length && lost.every((e) => e.score === 0)) lines.push(`lost marks: all ${lost.length} exercises`);
  else if (lost.length > 0) lines.push(`lost marks: ${lost.map((e) => `${e.id} ${fmt(e.score)}/${fmt(e.max)}`).join(", ")}`);
  const absent = notSubmitted(r.exercises);
  if (absent.length > 0) lines.push(`not submitted: ${absent.join(", ")}`);
  for (const err of r.errors) lines.push(`! ${err}`);
  for (const note of r.notes ?? []) lines.push(`note: ${note}`);
  // A table adds nothing when every case failed for a reason already printed above (a refused zip).
  const shownErrors = new Set(r.errors);
  if (handedIn.every((e) => e.cases.every((c) => shownErrors.has(c.feedback)))) return lines.join("\n");
  lines.push("", row("exercise", "score"), `${"-".repeat(w)}  ${"-".repeat(11)}`);
  for (const e of handedIn) {
    lines.push(row(e.id, `${fmt(e.score)}/${fmt(e.max)}`));
    const label = (c: CaseReport): string => (c.visible || opts.showHidden !== false ? c.name : "hidden case");
    for (const [feedback, cases] of groupBy(e.cases.filter((c) => c.score < 1 && !shownErrors.has(c.feedback)), (c) => c.feedback)) {
      const which =
        cases.length === 1 ? label(cases[0]!) : cases.length === e.cases.length ? `${cases.length} cases` : `${cases.length} cases (${cases.map((c) => label(c).split(":")[0]).join(", ")})`;
      lines.push(`${"".padEnd(w)}    ✗ ${which}: ${feedback}`);
    }
  }
  return lines.join("\n");
}

/** What was not handed in, in report order: a file when none of its exercises was, else the ids of the exercises that were not. */
function notSubmitted(exercises: ExerciseReport[]): string[] {
  const out: string[] = [];
  for (const [file, list] of groupBy(exercises, (e) => e.file)) {
    const absent = list.filter((e) => e.submitted === false);
    if (absent.length === list.length) out.push(file);
    else out.push(...absent.map((e) => e.id));
  }
  return out;
}

/** Items grouped by key, groups in order of first appearance. */
function groupBy<T>(items: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of items) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** Write JSON once, atomically. */
export function writeJsonAtomic(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n");
  renameSync(tmp, file);
}

/**
 * Quote a CSV field when needed. Text that a spreadsheet would read as a formula (a student
 * named "=HYPERLINK(…)") is prefixed with an apostrophe; numbers are written as they are.
 */
function csvField(s: string | number): string {
  const t = typeof s === "string" && /^[=+\-@\t\r]/.test(s) ? `'${s}` : String(s);
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** The class gradebook: one row per student, one column per exercise, then the total. */
export function gradebookCsv(reports: SubmissionReport[], exerciseIds: string[]): string {
  const rows = [["student", ...exerciseIds, "total", "max", "errors"].map(csvField).join(",")];
  for (const r of reports) {
    const byId = new Map(r.exercises.map((e) => [e.id, e.score]));
    rows.push(
      [r.student, ...exerciseIds.map((id) => byId.get(id) ?? 0), r.total, r.max, r.errors.join("; ")].map(csvField).join(","),
    );
  }
  return rows.join("\n") + "\n";
}
