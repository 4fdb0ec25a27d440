/**
 * Submission forms the grader accepts: a folder laid out like `exercises/`, a single `.ts`
 * file, a `.zip` of either, or a tslab notebook whose code cells define the functions.
 * Each becomes a set of named sources; a problem with the whole submission (broken zip or
 * notebook) is kept as a message that every exercise reports.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { GradableExercise } from "./sandbox/protocol";

/** A source that will be compiled and loaded into the student process. */
export interface SubmissionSource {
  /** name shown in feedback, e.g. "01-local-rules.ts" or "notebook.ipynb (cells 1–7)" */
  displayName: string;
  source: string;
  /** cell starts when the source came from a notebook: line → cell number */
  cellStarts?: { line: number; cell: number }[];
}

/** A loaded submission. */
export interface Submission {
  student: string;
  /** folder the student process may read (the submission itself) */
  readDir: string | null;
  /** source for each exercise id; missing → the exercise's file was not submitted */
  sourceFor(ex: GradableExercise): SubmissionSource | { missing: string };
  /** a problem that fails every exercise (e.g. notebook is not valid JSON) */
  fatal: string | null;
  /** remove temp files */
  dispose(): void;
}

/** Caps for zip extraction (zip bombs, zip-slip). */
export const ZIP_LIMITS = { maxFiles: 500, maxTotalBytes: 20 * 1024 * 1024, maxFileBytes: 5 * 1024 * 1024 };

/** Load any supported submission form. */
export function loadSubmission(p: string, student?: string): Submission {
  const abs = path.resolve(p);
  const name = student ?? path.basename(abs).replace(/\.(zip|ipynb|ts)$/i, "");
  if (!existsSync(abs)) throw new Error(`no such file or folder: ${p}`);
  const st = statSync(abs);
  if (st.isDirectory()) return folderSubmission(abs, name, () => undefined);
  const lower = abs.toLowerCase();
  if (lower.endsWith(".zip")) return zipSubmission(abs, name);
  if (lower.endsWith(".ipynb")) return notebookSubmission(readFileSync(abs, "utf8"), path.basename(abs), name, null, () => undefined);
  if (lower.endsWith(".ts")) return singleFileSubmission(abs, name);
  throw new Error(`cannot grade ${p}: expected a folder, a .ts file, a .zip or a .ipynb notebook`);
}

function folderSubmission(dir: string, student: string, dispose: () => void): Submission {
  // A folder holding exactly one notebook and no .ts files is a notebook submission.
  const entries = readdirSync(dir);
  const ts = entries.filter((f) => f.endsWith(".ts"));
  const nbs = entries.filter((f) => f.endsWith(".ipynb"));
  if (ts.length === 0 && nbs.length === 1) {
    return notebookSubmission(readFileSync(path.join(dir, nbs[0]!), "utf8"), nbs[0]!, student, dir, dispose);
  }
  // A folder holding a single subfolder (typical of zips) is unwrapped.
  if (ts.length === 0 && nbs.length === 0) {
    const subs = entries.filter((f) => !f.startsWith(".") && !f.startsWith("__MACOSX") && statSync(path.join(dir, f)).isDirectory());
    if (subs.length === 1) return folderSubmission(path.join(dir, subs[0]!), student, dispose);
    const ex = subs.find((s) => s === "exercises");
    if (ex) return folderSubmission(path.join(dir, ex), student, dispose);
  }
  return {
    student,
    readDir: dir,
    fatal: null,
    dispose,
    sourceFor(ex) {
      const f = path.join(dir, ex.file);
      if (!existsSync(f)) return { missing: `file ${ex.file} was not submitted` };
      return { displayName: ex.file, source: readFileSync(f, "utf8") };
    },
  };
}

function singleFileSubmission(file: string, student: string): Submission {
  const base = path.basename(file);
  const source = readFileSync(file, "utf8");
  return {
    student,
    readDir: null,
    fatal: null,
    dispose: () => undefined,
    sourceFor(ex) {
      // Grade the exercises this file declares: by file name, or by the export appearing in it.
      if (base === path.basename(ex.file) || new RegExp(`\\b${ex.exportName}\\b`).test(source))
        return { displayName: base, source };
      return { missing: `${base} does not define \`${ex.exportName}\`` };
    },
  };
}

/** Notebook cells → one module. Broken JSON fails every exercise with the parse error. */
export function notebookSubmission(
  text: string,
  displayName: string,
  student: string,
  readDir: string | null,
  dispose: () => void,
): Submission {
  let source = "";
  let fatal: string | null = null;
  const cellStarts: { line: number; cell: number }[] = [];
  try {
    const nb = JSON.parse(text) as unknown;
    const cells = (nb as { cells?: unknown }).cells;
    if (!Array.isArray(cells)) throw new Error("it has no `cells` list");
    let line = 1;
    cells.forEach((c: unknown, i: number) => {
      if (!c || typeof c !== "object") return;
      const cell = c as { cell_type?: unknown; source?: unknown };
      if (cell.cell_type !== "code") return;
      const src = Array.isArray(cell.source) ? cell.source.filter((s) => typeof s === "string").join("") : typeof cell.source === "string" ? cell.source : "";
      // Jupyter magics and shell escapes are not TypeScript.
      const cleaned = src
        .split("\n")
        .map((l) => (/^\s*[%!]/.test(l) ? "" : l))
        .join("\n");
      cellStarts.push({ line, cell: i + 1 });
      source += cleaned + "\n";
      line += cleaned.split("\n").length;
    });
  } catch (e) {
    fatal = `notebook is not valid JSON: ${(e as Error).message}`;
  }
  return {
    student,
    readDir,
    fatal,
    dispose,
    sourceFor(ex) {
      if (fatal) return { missing: fatal };
      const defines = new RegExp(`(function\\s+${ex.exportName}\\b|(const|let|var)\\s+${ex.exportName}\\b)`).test(source);
      if (!defines) return { missing: `no cell defines \`${ex.exportName}\`` };
      // Cells define functions without `export`; export every top-level name the exercise needs.
      const exported = `${source}\n;exports[${JSON.stringify(ex.exportName)}] = ${ex.exportName};\n`;
      return { displayName, source: exported, cellStarts };
    },
  };
}

function zipSubmission(file: string, student: string): Submission {
  // fflate is loaded lazily; zip-slip and bombs are refused before anything is written.
  const { unzipSync } = require("fflate") as typeof import("fflate");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bpl-zip-"));
  const dispose = () => rmSync(tmp, { recursive: true, force: true });
  let files: Record<string, Uint8Array>;
  let count = 0;
  let total = 0;
  try {
    files = unzipSync(readFileSync(file), {
      filter: (f) => {
        count++;
        total += f.originalSize;
        if (count > ZIP_LIMITS.maxFiles) throw new Error(`the zip holds more than ${ZIP_LIMITS.maxFiles} files`);
        if (f.originalSize > ZIP_LIMITS.maxFileBytes || total > ZIP_LIMITS.maxTotalBytes)
          throw new Error("the zip expands to more than the allowed size");
        return !f.name.endsWith("/");
      },
    });
  } catch (e) {
    return brokenSubmission(student, `could not read the zip: ${(e as Error).message}`, dispose);
  }
  for (const [name, data] of Object.entries(files)) {
    const target = path.resolve(tmp, name);
    if (!target.startsWith(tmp + path.sep)) return brokenSubmission(student, `the zip has an unsafe path: ${name}`, dispose);
    if (data.length > ZIP_LIMITS.maxFileBytes) return brokenSubmission(student, "the zip expands to more than the allowed size", dispose);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  const nb = Object.keys(files).filter((n) => n.endsWith(".ipynb") && !n.startsWith("__MACOSX"));
  const ts = Object.keys(files).filter((n) => n.endsWith(".ts"));
  if (ts.length === 0 && nb.length === 1)
    return notebookSubmission(readFileSync(path.join(tmp, nb[0]!), "utf8"), path.basename(nb[0]!), student, tmp, dispose);
  return folderSubmission(tmp, student, dispose);
}

function brokenSubmission(student: string, why: string, dispose: () => void): Submission {
  return { student, readDir: null, fatal: why, dispose, sourceFor: () => ({ missing: why }) };
}
