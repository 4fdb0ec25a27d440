/**
 * Class mode with the whole hostile corpus as classmates: every hostile submission scores exactly
 * what its expected.json says (the same as graded alone, which hostile.test.ts checks), and the
 * clean students score exactly what they score alone (full marks). Gradebook, per-student JSON
 * reports and progress callbacks are complete.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { gradeClass } from "../../src/grader/class";
import { gradeSubmission } from "../../src/grader/grade";
import type { SubmissionReport } from "../../src/grader/report";
import { loadSubmission } from "../../src/grader/submission";
import { CORPUS_BUDGET_MS, CORPUS_EXERCISES, CORPUS_LIMITS, SOLUTIONS, checkReport, corpusCases, materialise } from "./corpus";

const root = mkdtempSync(path.join(os.tmpdir(), "bpl-class-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it("a class full of hostile submissions changes no one else's score", async () => {
  const cls = path.join(root, "class");
  // The time-budget case needs its own small budget, which a class shares: it is graded alone only.
  const hostile = corpusCases().filter((c) => c.options === undefined);
  // among them the archives that crashed or stalled the grader (issue 12): colliding entries, a NUL in a name, the zip bombs
  expect(hostile.map((c) => c.name)).toEqual(expect.arrayContaining(["zip-colliding-entries", "zip-nul-in-name", "zip-bomb-overlap", "zip-bomb-lying-size", "zip-duplicate-names", "zip-symlink-entry", "zip-absolute-path"]));
  for (const c of hostile) materialise(c, path.join(cls, c.name));
  for (const s of ["aa-carol", "zz-dave"]) cpSync(SOLUTIONS, path.join(cls, s), { recursive: true });
  const seen: string[] = [];
  const { reports, outDir } = await gradeClass(cls, CORPUS_EXERCISES, { limits: CORPUS_LIMITS, submissionTimeoutMs: CORPUS_BUDGET_MS, onProgress: (done, total, r) => seen.push(`${done}/${total} ${r.student}`) });

  const names = readdirSync(cls).sort();
  expect(reports.map((r) => r.student)).toEqual(names);
  expect(seen).toHaveLength(names.length);
  expect(seen[seen.length - 1]).toMatch(new RegExp(`^${names.length}/${names.length} `));

  // Clean classmates: full marks, and exactly what they score alone.
  const full = CORPUS_EXERCISES.reduce((s, e) => s + e.points, 0);
  const alone = await loadSubmission(path.join(cls, "aa-carol"), "aa-carol");
  const aloneReport = await gradeSubmission(alone, CORPUS_EXERCISES, { limits: CORPUS_LIMITS, submissionTimeoutMs: CORPUS_BUDGET_MS });
  alone.dispose();
  for (const s of ["aa-carol", "zz-dave"]) {
    const r = reports.find((x) => x.student === s)!;
    expect(r.total).toBe(full);
    expect(r.exercises.map((e) => [e.id, e.score, e.cases.map((k) => k.score)])).toEqual(aloneReport.exercises.map((e) => [e.id, e.score, e.cases.map((k) => k.score)]));
  }
  // Hostile classmates: exactly their expected scores.
  for (const c of hostile) checkReport(c, reports.find((r) => r.student === c.name)!);

  // One JSON report per student, identical to the returned one, and a complete gradebook.
  for (const r of reports) {
    const file = path.join(outDir, "reports", `${r.student}.json`);
    expect(JSON.parse(readFileSync(file, "utf8")) as SubmissionReport).toEqual(r);
  }
  expect(readdirSync(path.join(outDir, "reports")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  const csv = readFileSync(path.join(outDir, "gradebook.csv"), "utf8").trim().split("\n");
  expect(csv[0]).toBe(["student", ...CORPUS_EXERCISES.map((e) => e.id), "total", "max", "errors"].join(","));
  expect(csv).toHaveLength(names.length + 1);
  const carol = csv.find((l) => l.startsWith("aa-carol,"))!.split(",");
  expect(carol.slice(1, 1 + CORPUS_EXERCISES.length).map(Number)).toEqual(CORPUS_EXERCISES.map((e) => e.points));
  expect(existsSync(path.join(outDir, "gradebook.csv"))).toBe(true);
}, 1_800_000);
