/**
 * Class mode: grade every submission in a folder, as many at a time as there are cores (each
 * submission's code runs in its own child process, so the parallelism is real), and write a CSV
 * gradebook plus one JSON report per student. One student's failure never stops or changes the
 * others: each is graded from a private copy by a child that can read nothing else.
 */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isGraderFault } from "./fault";
import { COURSE_SEED, failedReport, gradeSubmission, type GradeOptions } from "./grade";
import { gradebookCsv, writeJsonAtomic, type SubmissionReport } from "./report";
import { checkGrader } from "./selftest";
import { loadSubmission } from "./submission";
import type { Exercise } from "./contract";

/** Options for grading a class folder. */
export interface ClassOptions extends GradeOptions {
  /** how many students are graded at once (default: the number of cores) */
  jobs?: number;
  /** folder for the gradebook and reports (default: DIR/../grades) */
  outDir?: string;
  /** called once before the first student, with how many there are */
  onStart?: (total: number) => void;
  /** called after each student (in the order they finish), for the progress bar */
  onProgress?: (done: number, total: number, report: SubmissionReport) => void;
}

/** Folders that archives and tools leave beside real submissions. */
const NOT_STUDENTS = new Set(["__MACOSX", "node_modules"]);

/** The submissions in a class folder: sub-folders, zips, notebooks and single .ts files, sorted by name. */
export function listSubmissions(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && !NOT_STUDENTS.has(e.name) && (e.isDirectory() || (e.isFile() && /\.(zip|ipynb|ts)$/i.test(e.name))))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/**
 * Grade a whole class; returns the reports in the order of `listSubmissions`. The grader checks
 * its own machinery first; if it fails then or while grading (a `GraderFault`), no further student
 * is started, no gradebook is written, nobody affected gets a report, and the fault is thrown.
 */
export async function gradeClass(
  dir: string,
  exercises: readonly Exercise[],
  opts: ClassOptions = {},
): Promise<{ reports: SubmissionReport[]; outDir: string }> {
  const outDir = path.resolve(opts.outDir ?? path.join(path.dirname(path.resolve(dir)), `${path.basename(dir)}-grades`));
  const subs = listSubmissions(dir).filter((p) => path.resolve(p) !== outDir);
  // One name per submission; "alice" and "alice.zip" side by side keep their extensions.
  const stem = (p: string): string => path.basename(p).replace(/\.(zip|ipynb|ts)$/i, "");
  const count = new Map<string, number>();
  for (const p of subs) count.set(stem(p), (count.get(stem(p)) ?? 0) + 1);
  const nameOf = (p: string): string => (count.get(stem(p))! > 1 ? path.basename(p) : stem(p));
  await checkGrader();
  mkdirSync(path.join(outDir, "reports"), { recursive: true });
  const jobs = Math.max(1, opts.jobs ?? os.availableParallelism());
  const reports: SubmissionReport[] = new Array(subs.length);
  opts.onStart?.(subs.length);
  let next = 0;
  let done = 0;
  let fault: unknown = null;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= subs.length || fault !== null) return;
      const p = subs[i]!;
      const student = nameOf(p);
      let r: SubmissionReport;
      try {
        const sub = await loadSubmission(p, student);
        try {
          r = await gradeSubmission(sub, exercises, opts);
        } finally {
          sub.dispose();
        }
      } catch (e) {
        if (isGraderFault(e)) {
          fault ??= e;
          return;
        }
        r = failedReport(student, exercises, opts.seed ?? COURSE_SEED, `could not be graded: ${(e as Error).message}`);
      }
      reports[i] = r;
      writeJsonAtomic(path.join(outDir, "reports", `${student}.json`), r);
      done++;
      opts.onProgress?.(done, subs.length, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, subs.length) }, worker));
  if (fault !== null) throw fault;
  const csv = gradebookCsv(reports, exercises.map((e) => e.id));
  const tmp = path.join(outDir, `gradebook.csv.${process.pid}.tmp`);
  writeFileSync(tmp, csv);
  renameSync(tmp, path.join(outDir, "gradebook.csv"));
  return { reports, outDir };
}
