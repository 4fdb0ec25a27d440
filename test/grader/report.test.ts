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
