#!/usr/bin/env node
/**
 * `backprop-lab grade PATH`: grade a folder, a .ts file, a zip or a notebook, or a whole class.
 * The exit status says whether grading worked (0) or the command was misused (2), never the score.
 */
import * as os from "node:os";
import { ALL_EXERCISES } from "./exercises";
import { gradeClass } from "./class";
import { gradeSubmission, type GradeOptions } from "./grade";
import { formatReport, writeJsonAtomic } from "./report";
import { loadSubmission } from "./submission";
import { toGradescope } from "./gradescope-run";
import type { GradableExercise } from "./sandbox/protocol";

const USAGE = `usage: backprop-lab grade PATH [options]
       backprop-lab grade --class DIR [options]

PATH is a folder laid out like exercises/, one .ts file, a .zip of either, or a .ipynb notebook.
  --exercise ID     grade one exercise (repeatable)
  --json FILE       write the report as JSON
  --gradescope FILE write Gradescope's results.json format
  --seed N          seed for the hidden cases
  --class DIR       grade every submission (folder, zip, notebook) in DIR
  --jobs N          students graded at once in class mode (default: cores)
  --help            this text`;

class UsageError extends Error {}

/** Parsed command line. */
interface Args {
  path?: string;
  classDir?: string;
  exercises: string[];
  json?: string;
  gradescope?: string;
  seed?: number;
  jobs?: number;
}

function parse(argv: string[]): Args | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  if (argv[0] !== "grade") throw new UsageError(argv[0] ? `unknown command "${argv[0]}"` : "missing command");
  const a: Args = { exercises: [] };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const int = (s: string, flag: string): number => {
    if (!/^\d+$/.test(s)) throw new UsageError(`${flag} needs a whole number, got "${s}"`);
    return Number(s);
  };
  for (let i = 1; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === "--exercise") a.exercises.push(value(i++, t));
    else if (t === "--json") a.json = value(i++, t);
    else if (t === "--gradescope") a.gradescope = value(i++, t);
    else if (t === "--seed") a.seed = int(value(i++, t), t);
    else if (t === "--class") a.classDir = value(i++, t);
    else if (t === "--jobs") a.jobs = Math.max(1, int(value(i++, t), t));
    else if (t.startsWith("--")) throw new UsageError(`unknown option ${t}`);
    else if (a.path) throw new UsageError(`more than one PATH given ("${a.path}", "${t}")`);
    else a.path = t;
  }
  if (!a.path && !a.classDir) throw new UsageError("missing PATH to grade");
  if (a.path && a.classDir) throw new UsageError("give either PATH or --class DIR, not both");
  return a;
}

function pick(ids: string[]): GradableExercise[] {
  if (!ids.length) return ALL_EXERCISES;
  return ids.map((id) => {
    const ex = ALL_EXERCISES.find((e) => e.id === id);
    if (!ex) throw new UsageError(`unknown exercise "${id}"; known: ${ALL_EXERCISES.map((e) => e.id).join(", ")}`);
    return ex;
  });
}

/** Run the CLI; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  let args: Args | "help";
  let exercises: GradableExercise[];
  try {
    args = parse(argv);
    if (args === "help") {
      process.stdout.write(USAGE + "\n");
      return 0;
    }
    exercises = pick(args.exercises);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`backprop-lab: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const opts: GradeOptions = {};
  if (args.seed !== undefined) opts.seed = args.seed;
  try {
    if (args.classDir) {
      const tty = process.stderr.isTTY;
      const { reports, outDir } = await gradeClass(args.classDir, exercises, {
        ...opts,
        jobs: args.jobs ?? os.availableParallelism(),
        onProgress: (done, total, student) => {
          const w = 30;
          const bar = "█".repeat(Math.round((done / total) * w)).padEnd(w, "░");
          const line = `${bar} ${done}/${total} ${student}`;
          if (tty) process.stderr.write(`\r${line.slice(0, 100).padEnd(100)}`);
          else if (done === total || done % 10 === 0) process.stderr.write(line + "\n");
        },
      });
      if (tty) process.stderr.write("\n");
      if (args.json) writeJsonAtomic(args.json, reports);
      process.stdout.write(`graded ${reports.length} submissions → ${outDir}/gradebook.csv and ${outDir}/reports/\n`);
      return 0;
    }
    const sub = loadSubmission(args.path!);
    try {
      const report = await gradeSubmission(sub, exercises, opts);
      process.stdout.write(formatReport(report) + "\n");
      if (args.json) writeJsonAtomic(args.json, report);
      if (args.gradescope) writeJsonAtomic(args.gradescope, toGradescope(report, report.durationMs / 1000));
    } finally {
      sub.dispose();
    }
    return 0;
  } catch (e) {
    process.stderr.write(`backprop-lab: grading failed: ${(e as Error).message}\n`);
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
