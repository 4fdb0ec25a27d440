/**
 * The capstone (exercise 14) end to end: the worked solution trained in the real sandbox, importing
 * its own exercise 07 file, passes; the stub scores zero; a loop that keeps its network between
 * calls is caught by the second run and told why; and each usual cause of a run that does not learn
 * (planted in test/grader/planted/capstone.ts) gets feedback naming it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exerciseById } from "../../src/grader/exercises";
import { CAPSTONE_THRESHOLD } from "../../src/grader/exercises/14-digits-capstone";
import { gradeSubmission } from "../../src/grader/grade";
import { loadSubmission } from "../../src/grader/submission";
import { plantedTrainDigits, type CapstoneSlip } from "./planted/capstone";

const REPO = path.join(__dirname, "..", "..");
const ex = exerciseById("digits-capstone");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A submission folder with exercise 07's solution and the given capstone file. */
function folder(capstone: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-capstone-"));
  dirs.push(dir);
  cpSync(path.join(REPO, "solutions", "07-mlp-backward.ts"), path.join(dir, "07-mlp-backward.ts"));
  writeFileSync(path.join(dir, "14-digits-capstone.ts"), capstone);
  return dir;
}
async function grade(dir: string) {
  const sub = await loadSubmission(dir, "s");
  try {
    return (await gradeSubmission(sub, [ex])).exercises[0]!;
  } finally {
    sub.dispose();
  }
}

describe("the capstone in the sandbox", () => {
  it("the worked solution, importing ./07-mlp-backward, trains above the threshold on every case", async () => {
    const r = await grade(folder(readFileSync(path.join(REPO, "solutions", "14-digits-capstone.ts"), "utf8")));
    expect(r.cases.map((c) => [c.score, c.feedback.replace(/[\d.]+%/g, "N%")])).toEqual(r.cases.map(() => [1, "held-out accuracy N% on 1000 digits the network never saw (needs N%)"]));
    for (const c of r.cases) expect(Number(/accuracy ([\d.]+)%/.exec(c.feedback)![1])).toBeGreaterThan(100 * CAPSTONE_THRESHOLD + 15);
  }, 300_000);

  it("a loop that keeps its network between calls: the second run differs, and the feedback says to start afresh", async () => {
    const src = readFileSync(path.join(REPO, "solutions", "14-digits-capstone.ts"), "utf8")
      .replace("  const W = sizes.slice(1)", "  const W = (kept.W ??= sizes.slice(1)")
      .replace(/(return Array\.from\(\{ length: dOut \}, \(\) => Array\.from\(\{ length: sizes\[l\]! \}, \(\) => normal\(rand\) \* Math\.sqrt\(variance\)\)\);\n  \}\));/, "$1)")
      .replace("  const b = sizes.slice(1)", "  const b = (kept.b ??= sizes.slice(1)")
      .replace(".fill(0));", ".fill(0)));")
      .replace("export function trainDigits(", "const kept: { W?: number[][][]; b?: number[][] } = {};\nexport function trainDigits(");
    expect(src).toContain("kept.W ??=");
    const r = await grade(folder(src));
    const visible = r.cases.find((c) => c.visible)!;
    expect(visible.score).toBe(0);
    expect(visible.feedback).toContain("answers differ between two runs of the same input");
    expect(visible.feedback).toContain("build a fresh network inside trainDigits on every call");
  }, 300_000);

  it("the untouched stub scores zero with 'not implemented'", async () => {
    const r = await grade(folder(readFileSync(path.join(REPO, "exercises", "14-digits-capstone.ts"), "utf8")));
    for (const c of r.cases) expect(c.feedback).toMatch(/^threw Error: not implemented: digits-capstone/);
  }, 120_000);

  it("an import of a file the submission does not have is a type error, not a crash", async () => {
    const r = await grade(folder(readFileSync(path.join(REPO, "exercises", "14-digits-capstone.ts"), "utf8").replace('"./07-mlp-backward"', '"./07-mlp-backwards"')));
    for (const c of r.cases) expect(c.feedback).toMatch(/does not type-check: .*07-mlp-backwards/);
  }, 120_000);
});

describe("feedback for a run that does not learn names the usual cause", () => {
  const cases = ex.cases(7);
  const judged = (slip: CapstoneSlip) => {
    const c = cases[0]!;
    const [data, seed] = c.args as [{ X: number[][]; labels: number[] }, number];
    return ex.judge(c, plantedTrainDigits(data, seed, slip));
  };
  it.each([
    ["none", 1, /held-out accuracy/],
    ["huge-rate", 0, /learning rate far too high/],
    ["tiny-rate", 0, /learning rate is far too small/],
    ["summed-over-batch", 0, /summed over the batch instead of averaged/],
    ["labels-not-one-hot", 0, /one-hot/],
  ] as const)("%s", (slip, score, feedback) => {
    const v = judged(slip);
    expect(v.score, v.feedback).toBe(score);
    expect(v.feedback).toMatch(feedback);
  }, 120_000);
  it("a network with the wrong shape is named before anything is trained on it", () => {
    const c = cases[0]!;
    expect(ex.judge(c, { W: [[[1, 2]]], b: [[0]], hidden: "relu", losses: [1, 0] }).feedback).toMatch(/W\[0\]: returned a 1×2 matrix, but its input has 784 values/);
    expect(ex.judge(c, { W: [Array.from({ length: 10 }, () => new Array(784).fill(0))], b: [new Array(10).fill(0)], hidden: "softplus", losses: [1, 0] }).feedback).toMatch(/hidden: returned "softplus"/);
  });
});
