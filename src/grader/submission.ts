/**
 * Submission forms the grader accepts: a folder laid out like `exercises/`, a single `.ts` file, a
 * `.zip` of either, or a tslab notebook whose code cells define the functions. Every form is first
 * copied into a private temporary folder (regular files only: symbolic links are skipped, so a link
 * cannot point the student process at a classmate's folder or the solutions), and that copy is the
 * only folder the student process may read. A zip is unpacked by a child process with limits on
 * the bytes it really produces (zip/unpack.ts). A problem with the whole submission (broken zip or
 * notebook) is kept as a message that every exercise reports; a skipped entry becomes a note.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exportedNames, firstSyntaxErrors } from "./compile";
import type { Exercise } from "./contract";
import { DEFAULT_ZIP_LIMITS, SKIP_DIRS } from "./zip/extract";
import { unpackZip } from "./zip/unpack";

/** A source that will be compiled and loaded into the student process. */
export interface SubmissionSource {
  /** name shown in feedback, e.g. "01-local-rules.ts" or "answers.ipynb" */
  displayName: string;
  source: string;
  /** cell starts when the source came from a notebook: first line of each code cell → cell number */
  cellStarts?: { line: number; cell: number }[];
}

/** Why an exercise has no source; `absent` when its file or function is simply not in the submission (not when it is broken). */
export interface Missing {
  missing: string;
  absent?: true;
}

/** A loaded submission. */
export interface Submission {
  student: string;
  /** the private copy the student process may read (null: nothing to read) */
  readDir: string | null;
  /** source for each exercise, or why there is none (`absent`: the student did not hand it in at all) */
  sourceFor(ex: Exercise): SubmissionSource | Missing;
  /**
   * Another .ts file of the submission, by plain file name ("07-mlp-backward.ts"), for a graded file
   * that imports it; undefined when there is no such file (or the form has no files: notebooks).
   */
  importable?(name: string): SubmissionSource | undefined;
  /** a problem that fails every exercise (e.g. notebook is not valid JSON) */
  fatal: string | null;
  /** things the instructor should know that cost nothing by themselves (e.g. skipped links) */
  notes: string[];
  /** remove temporary files */
  dispose(): void;
}

/** Caps for copying a folder (the same as for unpacking a zip): files, bytes, bytes per file. */
const COPY_LIMITS = { maxFiles: DEFAULT_ZIP_LIMITS.maxEntries, maxTotalBytes: DEFAULT_ZIP_LIMITS.maxTotalBytes, maxFileBytes: DEFAULT_ZIP_LIMITS.maxFileBytes };

/**
 * Load any supported submission form. Rejects only when `p` does not exist or is of no known kind,
 * or when the grader's own zip unpacker fails; everything wrong inside the submission is reported in it.
 */
export async function loadSubmission(p: string, student?: string): Promise<Submission> {
  const abs = path.resolve(p);
  const name = student ?? path.basename(abs).replace(/\.(zip|ipynb|ts)$/i, "");
  if (!existsSync(abs)) throw new Error(`no such file or folder: ${p}`);
  const st = statSync(abs);
  const lower = abs.toLowerCase();
  if (!st.isDirectory() && !/\.(zip|ipynb|ts)$/.test(lower)) throw new Error(`cannot grade ${p}: expected a folder, a .ts file, a .zip or a .ipynb notebook`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bpl-sub-"));
  const dispose = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    if (st.isDirectory()) {
      const notes: string[] = [];
      const copyProblem = copyTree(abs, tmp, notes);
      if (copyProblem) return brokenSubmission(name, copyProblem, dispose, notes);
      return await folderSubmission(tmp, name, dispose, notes, true);
    }
    // Checked before reading: a single file is read whole into the grader's memory.
    const cap = lower.endsWith(".zip") ? COPY_LIMITS.maxTotalBytes : COPY_LIMITS.maxFileBytes;
    if (st.size > cap) return brokenSubmission(name, `${path.basename(abs)} is ${(st.size / (1024 * 1024)).toFixed(1)} MB; the limit is ${cap / (1024 * 1024)} MB`, dispose, []);
    if (lower.endsWith(".zip")) return await zipSubmission(abs, tmp, name, dispose, []);
    const target = path.join(tmp, path.basename(abs));
    writeFileSync(target, readFileSync(abs));
    if (lower.endsWith(".ipynb")) return notebookSubmission(readFileSync(target, "utf8"), path.basename(abs), name, tmp, dispose, []);
    return singleFileSubmission(target, name, tmp, dispose);
  } catch (e) {
    dispose();
    throw e;
  }
}

/** Copy regular files under `from` into `to` within the limits; returns a problem or null. */
function copyTree(from: string, to: string, notes: string[]): string | null {
  let files = 0;
  let bytes = 0;
  const walk = (src: string, dst: string, rel: string): string | null => {
    for (const e of readdirSync(src).sort()) {
      const s = path.join(src, e);
      const r = rel ? `${rel}/${e}` : e;
      const st = lstatSync(s);
      if (st.isSymbolicLink()) {
        notes.push(`skipped the symbolic link ${r}: submit the file itself`);
        continue;
      }
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(e) || e.startsWith(".")) continue;
        mkdirSync(path.join(dst, e));
        const problem = walk(s, path.join(dst, e), r);
        if (problem) return problem;
        continue;
      }
      if (!st.isFile()) continue;
      files++;
      bytes += st.size;
      if (files > COPY_LIMITS.maxFiles) return `the submission holds more than ${COPY_LIMITS.maxFiles} files`;
      if (st.size > COPY_LIMITS.maxFileBytes || bytes > COPY_LIMITS.maxTotalBytes) return "the submission is larger than the allowed size";
      writeFileSync(path.join(dst, e), readFileSync(s));
    }
    return null;
  };
  return walk(from, to, "");
}

/** The element of a one-element list; undefined for an empty list or a longer one. */
const only = <T>(xs: readonly T[]): T | undefined => (xs.length === 1 ? xs[0] : undefined);

/** A folder of exercise files; `unzip` says whether a folder holding only a zip may be unpacked (one level only: a zip that holds a zip is not unpacked again). */
async function folderSubmission(dir: string, student: string, dispose: () => void, notes: string[], unzip: boolean): Promise<Submission> {
  const entries = readdirSync(dir);
  const ts = entries.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const nbs = entries.filter((f) => f.endsWith(".ipynb"));
  // A folder holding exactly one notebook and no .ts files is a notebook submission.
  const nb = only(nbs);
  if (ts.length === 0 && nb !== undefined) {
    return notebookSubmission(readFileSync(path.join(dir, nb), "utf8"), nb, student, dir, dispose, notes);
  }
  if (ts.length === 0 && nbs.length === 0) {
    // A folder holding only a zip (e.g. Gradescope's upload folder) is that zip.
    const zip = only(entries.filter((f) => f.toLowerCase().endsWith(".zip")));
    if (zip !== undefined && unzip) {
      const inner = mkdtempSync(path.join(dir, ".unzipped-"));
      return zipSubmission(path.join(dir, zip), inner, student, dispose, notes);
    }
    if (zip !== undefined) notes.push(`${zip} is a zip inside the zip, which is not unpacked: submit the files themselves or one zip of them`);
    // A folder holding a single subfolder (typical of zips) is unwrapped.
    const subs = entries.filter((f) => !f.startsWith(".") && !SKIP_DIRS.has(f) && statSync(path.join(dir, f)).isDirectory());
    const sub = only(subs);
    if (sub !== undefined) return folderSubmission(path.join(dir, sub), student, dispose, notes, unzip);
    if (subs.includes("exercises")) return folderSubmission(path.join(dir, "exercises"), student, dispose, notes, unzip);
  }
  return {
    student,
    readDir: dir,
    fatal: null,
    notes,
    dispose,
    sourceFor(ex) {
      const f = path.join(dir, ex.file);
      if (!existsSync(f)) return { missing: `file ${ex.file} was not submitted`, absent: true };
      return { displayName: ex.file, source: readFileSync(f, "utf8") };
    },
    importable(name) {
      if (!/^[\w.-]+\.ts$/.test(name) || name.startsWith(".")) return undefined;
      const f = path.join(dir, name);
      return existsSync(f) && statSync(f).isFile() ? { displayName: name, source: readFileSync(f, "utf8") } : undefined;
    },
  };
}

function singleFileSubmission(file: string, student: string, dir: string, dispose: () => void): Submission {
  const base = path.basename(file);
  const source = readFileSync(file, "utf8");
  let exported: Set<string> | null = null;
  return {
    student,
    readDir: dir,
    fatal: null,
    notes: [],
    dispose,
    sourceFor(ex) {
      // Grade the exercises this file declares: by file name, or by what it really exports (a
      // name in a comment or a string does not count).
      exported ??= exportsOf(source);
      if (base === path.basename(ex.file) || exported.has(ex.exportName)) return { displayName: base, source };
      return { missing: `${base} does not define \`${ex.exportName}\``, absent: true };
    },
  };
}

/** What a file exports; none when the parser itself gives up (absurd nesting), which grading then reports. */
function exportsOf(source: string): Set<string> {
  try {
    return exportedNames(source);
  } catch {
    return new Set();
  }
}

/** Names declared at the top level of notebook code (column 0), with whether they are exported already. */
function topLevelNames(source: string): Map<string, { exported: boolean; count: number; block: boolean }> {
  const out = new Map<string, { exported: boolean; count: number; block: boolean }>();
  const re = /^(export\s+)?(?:(?:async\s+)?function\s*\*?\s*|(const|let|var|class)\s+)([A-Za-z_$][\w$]*)/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const name = m[3];
    if (name === undefined) continue; // the name's group is not optional: never taken
    const prev = out.get(name);
    const block = m[2] === "const" || m[2] === "let" || m[2] === "class";
    out.set(name, { exported: (prev?.exported ?? false) || !!m[1], count: (prev?.count ?? 0) + 1, block: (prev?.block ?? false) || block });
  }
  return out;
}

/**
 * A notebook's cells are one module, so an import of another exercise file whose names the notebook
 * defines itself (`import { mlpBackward } from "./07-mlp-backward"` above a pasted exercise 13, with
 * exercise 07 in an earlier cell) names the notebook's own functions: it is blanked, keeping the line
 * count, and `{ a as b }` becomes `const b = a;`. An import of a name no cell defines is left for the
 * compiler to report.
 */
function resolveOwnImports(source: string, names: ReadonlyMap<string, unknown>): string {
  return source.replace(/^import\s*\{([^}]*)\}\s*from\s*(["'])\.\/[^"'\n]+\2\s*;?/gm, (whole, list: string) => {
    const parts = list.split(",").map((p) => p.trim()).filter((p) => p !== "").map((p) => /^(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(p));
    if (parts.some((m) => m === null || !names.has(m[1]!))) return whole;
    const aliases = parts.filter((m) => m![2] !== undefined && m![2] !== m![1]).map((m) => `const ${m![2]} = ${m![1]};`).join(" ");
    return aliases + whole.replace(/[^\n]/g, "");
  });
}

/**
 * Notebook code cells → one module. Magics and shell escapes are dropped; a cell that does not
 * parse is skipped, as the kernel would fail to run it (its names count as undefined unless
 * another cell defines them); a name declared again in a later cell (tslab allows it: the later
 * cell wins) becomes a `var` so the last definition wins here too; every top-level name is
 * exported. Broken JSON fails every exercise with the parse error.
 */
export function notebookSubmission(text: string, displayName: string, student: string, readDir: string | null, dispose: () => void, notes: string[] = []): Submission {
  let source = "";
  let fatal: string | null = null;
  const cellStarts: { line: number; cell: number }[] = [];
  /** names defined only in cells that do not parse → why */
  const brokenNames = new Map<string, string>();
  try {
    const nb: unknown = JSON.parse(text);
    const cells = nb !== null && typeof nb === "object" && "cells" in nb ? nb.cells : undefined;
    if (!Array.isArray(cells)) throw new Error("it has no `cells` list");
    const code: { cell: number; text: string }[] = [];
    cells.forEach((c: unknown, i: number) => {
      if (!c || typeof c !== "object") return;
      if (!("cell_type" in c) || c.cell_type !== "code") return;
      const source = "source" in c ? c.source : undefined;
      const src = Array.isArray(source) ? source.filter((s) => typeof s === "string").join("") : typeof source === "string" ? source : "";
      // Jupyter magics and shell escapes are not TypeScript; blank them, keeping line numbers.
      const cleaned = src
        .split("\n")
        .map((l) => (/^\s*[%!]/.test(l) ? "" : l))
        .join("\n");
      code.push({ cell: i + 1, text: cleaned });
    });
    const syntax = code.length > 0 ? firstSyntaxErrors(code.map((c) => c.text)) : [];
    const skipped: string[] = [];
    let line = 1;
    code.forEach(({ cell, text: cellText }, k) => {
      let body = cellText;
      const err = syntax[k];
      if (err) {
        const why = `${displayName} cell ${cell}, line ${err.line}:${err.column}: ${err.message}`;
        skipped.push(why);
        for (const name of topLevelNames(cellText).keys()) if (!brokenNames.has(name)) brokenNames.set(name, why);
        body = cellText.replace(/[^\n]/g, "");
      }
      cellStarts.push({ line, cell });
      // A line with ";" between cells, so the end of one cell never runs into the next.
      source += `${body}\n;\n`;
      line += body.split("\n").length + 1;
    });
    if (skipped.length > 0) {
      const shown = skipped.slice(0, 5).map((w) => `skipped a cell that does not compile: ${w}`);
      if (skipped.length > 5) shown.push(`skipped ${skipped.length - 5} more cells that do not compile`);
      notes.push(...shown);
    }
  } catch (e) {
    fatal = `notebook is not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  const names = fatal ? new Map() : topLevelNames(source);
  let module: string | null = null;
  const build = (): string => {
    if (module !== null) return module;
    let body = resolveOwnImports(source, names);
    for (const [name, info] of names) {
      if (info.count > 1 && info.block) body = body.replace(new RegExp(`^(export\\s+)?(const|let)\\s+(${name.replace(/\$/g, "\\$")})\\b`, "gm"), "$1var $3");
    }
    const toExport = [...names.entries()].filter(([, i]) => !i.exported).map(([n]) => n);
    module = `${body}\nexport { ${toExport.join(", ")} };\n`;
    return module;
  };
  return {
    student,
    readDir,
    fatal,
    notes,
    dispose,
    sourceFor(ex) {
      if (fatal) return { missing: fatal };
      if (!names.has(ex.exportName)) {
        const why = brokenNames.get(ex.exportName);
        return why ? { missing: `does not compile: ${why}` } : { missing: `no cell defines \`${ex.exportName}\``, absent: true };
      }
      return { displayName, source: build(), cellStarts };
    },
  };
}

/** A zip, unpacked by the unpacking child into `tmp`; skipped entries become notes, a refused zip fails every exercise. */
async function zipSubmission(file: string, tmp: string, student: string, dispose: () => void, notes: string[]): Promise<Submission> {
  const r = await unpackZip(file, tmp);
  notes.push(...r.notes);
  if (r.fatal) return brokenSubmission(student, r.fatal, dispose, notes);
  const nb = only(r.files.filter((n) => n.toLowerCase().endsWith(".ipynb")));
  const ts = r.files.filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"));
  if (ts.length === 0 && nb !== undefined) return notebookSubmission(readFileSync(path.join(tmp, nb), "utf8"), path.basename(nb), student, tmp, dispose, notes);
  return folderSubmission(tmp, student, dispose, notes, false);
}

function brokenSubmission(student: string, why: string, dispose: () => void, notes: string[]): Submission {
  return { student, readDir: null, fatal: why, notes, dispose, sourceFor: () => ({ missing: why }) };
}
