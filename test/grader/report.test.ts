/** Report text a student controls is made safe to print, and the gradebook safe to open. */
import { describe, expect, it } from "vitest";
import { cleanText, formatReport, gradebookCsv, type SubmissionReport } from "../../src/grader/report";

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
  it("cannot add lines to the printed table or redraw the terminal", () => {
    const text = formatReport(report("eve\u001b[2J", "threw Error: boom\ntotal  35/35"));
    expect(text.split("\n")).toHaveLength(7); // student, header, rule, exercise, one failed case, rule, total
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain("✗ visible 1: threw Error: boom total  35/35");
  });
});

describe("the gradebook", () => {
  it("quotes a name a spreadsheet would run as a formula, and leaves numbers alone", () => {
    const csv = gradebookCsv([report("=HYPERLINK(\"http://x\")", "x"), report("-alice", "x")], ["relu-backward"]).split("\n");
    expect(csv[1]).toBe(`"'=HYPERLINK(""http://x"")",0,0,1,`);
    expect(csv[2]).toBe("'-alice,0,0,1,");
  });
});
