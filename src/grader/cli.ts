#!/usr/bin/env node
/**
 * `backprop-lab grade PATH`: grade a folder, a .ts file, a zip or a notebook, or a whole class.
 * The exit status says whether grading worked (0), failed (1) or the command was misused (2),
 * never what the student scored.
 */
import * as os from "node:os";
import { ALL_EXERCISES } from "./exercises";
import { gradeClass } from "./class";
import { isGraderFault } from "./fault";
import { gradeSubmission, type GradeOptions } from "./grade";
import { progressReporter } from "./progress";
import { formatReport, writeJsonAtomic } from "./report";
import { checkGrader } from "./selftest";
import { loadSubmission } from "./submission";
import { toGradescope } from "./gradescope-run";
import type { Exercise } from "./contract";

const USAGE = `usage: backprop-lab grade PATH [options]
       backprop-lab grade --class DIR [options]

PATH is a folder laid out like exercises/, one .ts file, a .zip of either, or a .ipynb notebook.
  --exercise ID       grade one exercise (repeatable; default: all)
  --json FILE         write the report as JSON (class mode: all reports in one array)
  --gradescope FILE   write Gradescope's results.json format
  --seed N            seed for the hidden cases (pick your own each term)
  --time-limit S      budget for one whole submission in seconds of its own time,
                      not counting waits for a busy CPU (default 60, more with the capstone)
  --case-limit S      limit per case in seconds, counted the same way (default 2; the
                      exercises with longer limits, 09 and the capstone, scale with it)
  --no-typecheck      run code that has TypeScript type errors instead of refusing it
  --class DIR         grade every submission (folder, zip, notebook, .ts) in DIR
  --out DIR           class mode: where gradebook.csv and reports/ go (default: DIR-grades)
  --jobs N            class mode: students graded at once (default: the number of cores)
  --help              this text

Before grading, the grader checks its own machinery (its Node's permission model, the TypeScript
compiler, a sandboxed test module); if that fails, nothing is graded.

Exit status: 0 grading worked (whatever the scores), 1 grading failed (a path that cannot be read,
or the grader's own installation is broken: then no scores are written), 2 bad usage.`;

class UsageError extends Error {}

/** Parsed command line. */
interface Args {
  path?: string;
  classDir?: string;
  out?: string;
  exercises: string[];
  json?: string;
  gradescope?: string;
  seed?: number;
  jobs?: number;
  timeLimit?: number;
  caseLimit?: number;
  typeCheck: boolean;
}

function parse(argv: string[]): Args | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  if (argv[0] !== "grade") throw new UsageError(argv[0] ? `unknown command "${argv[0]}"` : "missing command");
  const a: Args = { exercises: [], typeCheck: true };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const int = (s: string, flag: string): number => {
    if (!/^\d+$/.test(s)) throw new UsageError(`${flag} needs a whole number, got "${s}"`);
    return Number(s);
  };
  const seconds = (s: string, flag: string): number => {
    const v = Number(s);
    if (!/^\d+(\.\d+)?$/.test(s) || !(v > 0)) throw new UsageError(`${flag} needs a positive number of seconds, got "${s}"`);
    return v;
  };
  for (let i = 1; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === "--exercise") a.exercises.push(value(i++, t));
    else if (t === "--json") a.json = value(i++, t);
    else if (t === "--gradescope") a.gradescope = value(i++, t);
    else if (t === "--seed") a.seed = int(value(i++, t), t);
    else if (t === "--class") a.classDir = value(i++, t);
    else if (t === "--out") a.out = value(i++, t);
    else if (t === "--jobs") a.jobs = Math.max(1, int(value(i++, t), t));
    else if (t === "--time-limit") a.timeLimit = seconds(value(i++, t), t);
    else if (t === "--case-limit") a.caseLimit = seconds(value(i++, t), t);
    else if (t === "--no-typecheck") a.typeCheck = false;
    else if (t.startsWith("--")) throw new UsageError(`unknown option ${t}`);
    else if (a.path) throw new UsageError(`more than one PATH given ("${a.path}", "${t}")`);
    else a.path = t;
  }
  if (!a.path && !a.classDir) throw new UsageError("missing PATH to grade");
  if (a.path && a.classDir) throw new UsageError("give either PATH or --class DIR, not both");
  if (a.out && !a.classDir) throw new UsageError("--out is for class mode (--class DIR)");
  if (a.gradescope && a.classDir) throw new UsageError("--gradescope grades one submission, not a class");
  return a;
}

function pick(ids: string[]): Exercise[] {
  if (!ids.length) return ALL_EXERCISES;
  return ids.map((id) => {
    const ex = ALL_EXERCISES.find((e) => e.id === id);
    if (!ex) throw new UsageError(`unknown exercise "${id}"; known: ${ALL_EXERCISES.map((e) => e.id).join(", ")}`);
    return ex;
  });
}

/** Run the CLI; resolves to the exit status. */
export async function main(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } } = process): Promise<number> {
  let args: Args | "help";
  let exercises: Exercise[];
  try {
    args = parse(argv);
    if (args === "help") {
      io.stdout.write(USAGE + "\n");
      return 0;
    }
    exercises = pick(args.exercises);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`backprop-lab: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const opts: GradeOptions = { typeCheck: args.typeCheck };
  if (args.seed !== undefined) opts.seed = args.seed;
  if (args.timeLimit !== undefined) opts.submissionTimeoutMs = Math.round(args.timeLimit * 1000);
  if (args.caseLimit !== undefined) opts.limits = { caseTimeoutMs: Math.round(args.caseLimit * 1000) };
  try {
    await checkGrader();
    if (args.classDir) {
      const bar: { reporter: ReturnType<typeof progressReporter> | null } = { reporter: null };
      const { reports, outDir } = await gradeClass(args.classDir, exercises, {
        ...opts,
        jobs: args.jobs ?? os.availableParallelism(),
        ...(args.out ? { outDir: args.out } : {}),
        onStart: (total) => {
          bar.reporter = progressReporter(io.stderr, total);
          bar.reporter.step(0);
        },
        onProgress: (done, total, r) => {
          bar.reporter ??= progressReporter(io.stderr, total);
          bar.reporter.step(done, { student: r.student, score: r.total, max: r.max });
        },
      });
      bar.reporter?.end();
      if (args.json) writeJsonAtomic(args.json, reports);
      io.stdout.write(`graded ${reports.length} submissions → ${outDir}/gradebook.csv and ${outDir}/reports/\n`);
      return 0;
    }
    const sub = await loadSubmission(args.path!);
    try {
      // One .ts file is graded on the exercises it defines (by file name or export), unless
      // --exercise says otherwise; a file that defines none is graded on all, which says so.
      if (args.exercises.length === 0 && /\.ts$/i.test(args.path!)) {
        const defined = exercises.filter((ex) => !("missing" in sub.sourceFor(ex)));
        if (defined.length > 0) exercises = defined;
      }
      const report = await gradeSubmission(sub, exercises, opts);
      io.stdout.write(formatReport(report) + "\n");
      if (args.json) writeJsonAtomic(args.json, report);
      if (args.gradescope) writeJsonAtomic(args.gradescope, toGradescope(report, report.durationMs / 1000));
    } finally {
      sub.dispose();
    }
    return 0;
  } catch (e) {
    if (isGraderFault(e)) io.stderr.write(`backprop-lab: ${e.describe()}\n`);
    else io.stderr.write(`backprop-lab: grading failed: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`backprop-lab: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
