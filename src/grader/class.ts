/**
 * Class mode: grade every submission in a folder, several at a time (each student already runs in
 * their own child process, so the parallelism is real), and write a CSV gradebook plus one JSON
 * report per student. One student's failure never stops the others.
 */
import { mkdirSync, readdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeSubmission, type GradeOptions } from "./grade";
import { gradebookCsv, writeJsonAtomic, type SubmissionReport } from "./report";
import { loadSubmission } from "./submission";
import type { GradableExercise } from "./sandbox/protocol";
import { writeFileSync, renameSync } from "node:fs";

/** Options for grading a class folder. */
export interface ClassOptions extends GradeOptions {
  /** how many students are graded at once (default: the number of cores) */
  jobs?: number;
  /** folder for the gradebook and reports (default: DIR/../grades) */
  outDir?: string;
  /** called after each student, for the progress bar */
  onProgress?: (done: number, total: number, student: string) => void;
}

/** The submissions in a class folder: sub-folders, zips and notebooks, sorted by name. */
export function listSubmissions(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && (e.isDirectory() || /\.(zip|ipynb)$/i.test(e.name)))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** Grade a whole class; returns the reports in the order of `listSubmissions`. */
export async function gradeClass(
  dir: string,
  exercises: readonly GradableExercise[],
  opts: ClassOptions = {},
): Promise<{ reports: SubmissionReport[]; outDir: string }> {
  const subs = listSubmissions(dir);
  const outDir = path.resolve(opts.outDir ?? path.join(path.dirname(path.resolve(dir)), `${path.basename(dir)}-grades`));
  mkdirSync(path.join(outDir, "reports"), { recursive: true });
  const jobs = Math.max(1, opts.jobs ?? os.availableParallelism());
  const reports: SubmissionReport[] = new Array(subs.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= subs.length) return;
      const p = subs[i]!;
      const student = path.basename(p).replace(/\.(zip|ipynb)$/i, "");
      let r: SubmissionReport;
      try {
        const sub = loadSubmission(p, student);
        try {
          r = await gradeSubmission(sub, exercises, opts);
        } finally {
          sub.dispose();
        }
      } catch (e) {
        r = { student, exercises: [], total: 0, max: exercises.reduce((s, x) => s + x.points, 0), seed: opts.seed ?? 0, durationMs: 0, errors: [`could not be graded: ${(e as Error).message}`] };
      }
      reports[i] = r;
      writeJsonAtomic(path.join(outDir, "reports", `${student}.json`), r);
      done++;
      opts.onProgress?.(done, subs.length, student);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, subs.length) }, worker));
  const csv = gradebookCsv(reports, exercises.map((e) => e.id));
  const tmp = path.join(outDir, `gradebook.csv.${process.pid}.tmp`);
  writeFileSync(tmp, csv);
  renameSync(tmp, path.join(outDir, "gradebook.csv"));
  return { reports, outDir };
}
