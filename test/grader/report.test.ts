/** Report text a student controls is made safe to print, and the gradebook safe to open. */
import { describe, expect, it } from "vitest";
import { cleanText, formatReport, gradebookCsv, type ExerciseReport, type SubmissionReport } from "../../src/grader/report";

const report = (student: string, feedback: string): SubmissionReport => ({
  student,
  seed: 1,
  total: 0,
  max: 1,
  durationMs: 0,
  errors: [],
  exercises: [{ id: "relu-backward", title: "relu", file: "01-local-rules.ts", score: 0, max: 1, cases: [{ name: "visible 1", visible: true, score: 0, feedback }] }],
});

describe("text from student code", () => {
  it("becomes one line: breaks are spaces; escapes, bidi overrides and lone surrogates are U+FFFD", () => {
    expect(cleanText("a\r\nb\nc\td")).toBe("a b c d");
    expect(cleanText("\u001b[2Jx\u202ey\u0007")).toBe("\ufffd[2Jx\ufffdy\ufffd");
    expect(cleanText("ok \ud800 and \udc00, but 💥 stays")).toBe("ok \ufffd and \ufffd, but 💥 stays");
    expect(cleanText("é ∂ δ^l W⁽ˡ⁾")).toBe("é ∂ δ^l W⁽ˡ⁾");
    expect(cleanText("x".repeat(50), 10)).toBe(`${"x".repeat(10)}…`);
  });
  it("is one printable line by every definition of a line break: U+2028, U+2029 and NEL too; every bidi control is replaced", () => {
    // the line terminators of ECMAScript, Unicode (UAX #14 mandatory breaks) and Python's str.splitlines
    const breaks = ["\n", "\r", "\r\n", "\u000b", "\u000c", "\u001c", "\u001d", "\u001e", "\u0085", "\u2028", "\u2029"];
    // every bidirectional formatting character of Unicode (UAX #9): marks, embeddings, overrides, isolates
    const bidi = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"];
    for (const ch of [...breaks, ...bidi]) {
      const out = cleanText(`threw Error: a${ch}relu-backward   1/1`);
      expect(out, JSON.stringify(ch)).toMatch(/^.*$/); // no ECMAScript line terminator
      expect(out.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/), JSON.stringify(ch)).toHaveLength(1);
      for (const b of bidi) expect(out.includes(b), JSON.stringify(ch)).toBe(false);
      expect(out.startsWith("threw Error: a") && out.endsWith("relu-backward   1/1"), JSON.stringify(ch)).toBe(true);
    }
    expect(cleanText("a\u2028b\u2029c\u0085d")).toBe("a b c d");
    expect(cleanText("x\u061cy")).toBe("x\ufffdy");
  });
  it("cannot add lines to the printed table or redraw the terminal", () => {
    const text = formatReport(report("eve\u001b[2J", "threw Error: boom\ntotal  35/35"));
    expect(text.split("\n")).toHaveLength(8); // student, total, lost marks, blank, header, rule, exercise, one failed case
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain("✗ visible 1: threw Error: boom total  35/35");
  });
});

describe("the report a student reads", () => {
  const ex = (id: string, file: string, max: number, feedback: (string | null)[], submitted?: false): ExerciseReport => {
    const cases = feedback.map((f, i) => ({ name: i < 2 ? `visible ${i + 1}: x=${i}` : `hidden ${i - 1}`, visible: i < 2, score: f === null ? 1 : 0, feedback: f ?? "ok" }));
    const e: ExerciseReport = { id, title: id, file, max, score: (max * cases.filter((c) => c.score === 1).length) / cases.length, cases };
    if (submitted === false) e.submitted = false;
    return e;
  };
  const typeError = "does not type-check: 01-local-rules.ts:42:9: Type 'number' is not assignable to type 'string'.";
  const sample = (): SubmissionReport => {
    const exercises = [
      ex("mul-backward", "01-local-rules.ts", 1, [null, null, null]),
      ex("relu-backward", "01-local-rules.ts", 1, Array(8).fill(typeError)),
      ex("exp-backward", "01-local-rules.ts", 1, ["timed out after 2 s", null, "timed out after 2 s", "dx is wrong (worst relative error 1.0e+0)"]),
      ex("topological-order", "02-graph-backward.ts", 1, Array(5).fill("file 02-graph-backward.ts was not submitted"), false),
      ex("grad-table", "02-graph-backward.ts", 2, Array(5).fill("file 02-graph-backward.ts was not submitted"), false),
      ex("toy-chain", "03-toy-chain.ts", 2, Array(7).fill("file 03-toy-chain.ts was not submitted"), false),
    ];
    const total = exercises.reduce((t, e) => t + e.score, 0);
    return { student: "alice", seed: 7, total, max: 8, durationMs: 1, errors: [], exercises };
  };
  it("prints the total and the exercises that lost marks first, then the details", () => {
    const lines = formatReport(sample()).split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "Student: alice   seed 7",
      "total                   1.25/8",
      "lost marks: relu-backward 0/1, exp-backward 0.25/1",
      "not submitted: 02-graph-backward.ts, 03-toy-chain.ts",
    ]);
    expect(lines.indexOf("exercise                 score")).toBeGreaterThan(4);
  });
  it("prints feedback shared by several cases once, with their count; a lone failure keeps its case name", () => {
    const lines = formatReport(sample()).split("\n");
    expect(lines.filter((l) => l.includes("✗")).map((l) => l.trim())).toEqual([
      `✗ 8 cases: ${typeError}`,
      "✗ 2 cases (visible 1, hidden 1): timed out after 2 s",
      "✗ hidden 2: dx is wrong (worst relative error 1.0e+0)",
    ]);
  });
  it("names the files that were not submitted once, and keeps details only for what was handed in", () => {
    const text = formatReport(sample());
    expect(text).not.toContain("was not submitted");
    expect(text.split("\n").filter((l) => /^(topological-order|grad-table|toy-chain)\b/.test(l))).toEqual([]);
    // an exercise missing from a file that was handed in is named by its id
    const r = sample();
    r.exercises[0]!.submitted = false;
    expect(formatReport(r).split("\n")[3]).toBe("not submitted: mul-backward, 02-graph-backward.ts, 03-toy-chain.ts");
  });
  it("a problem with the whole submission is printed once, not under every case", () => {
    const why = "the zip's entries overlap (300 names share 1 data block(s)): … (a zip bomb), so it was not unpacked";
    const r = sample();
    r.errors = [why];
    for (const e of r.exercises) for (const c of e.cases) Object.assign(c, { feedback: why, score: 0 });
    for (const e of r.exercises) e.score = 0;
    r.total = 0;
    expect(formatReport(r).split("\n")).toEqual(["Student: alice   seed 7", "total                      0/8", "lost marks: all 3 exercises", "not submitted: 02-graph-backward.ts, 03-toy-chain.ts", `! ${why}`]);
  });
});

describe("the gradebook", () => {
  it("quotes a name a spreadsheet would run as a formula, and leaves numbers alone", () => {
    const csv = gradebookCsv([report("=HYPERLINK(\"http://x\")", "x"), report("-alice", "x")], ["relu-backward"]).split("\n");
    expect(csv[1]).toBe(`"'=HYPERLINK(""http://x"")",0,0,1,`);
    expect(csv[2]).toBe("'-alice,0,0,1,");
  });
});
