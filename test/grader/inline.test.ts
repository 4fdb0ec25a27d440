import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { check, checkResults, loadExercises, resultsHtml } from "../../src/grader/inline";
import { ALL_EXERCISES } from "../../src/grader/exercises";

const root = path.resolve(__dirname, "../..");

describe("loadExercises", () => {
  it("compiles the stubs: every exercise's export is there and throws 'not implemented'", () => {
    const mod = loadExercises(path.join(root, "exercises"));
    for (const ex of ALL_EXERCISES) expect(typeof mod[ex.exportName], ex.exportName).toBe("function");
    expect(() => (mod["reluBackward"] as (x: number, g: number) => number)(1, 1)).toThrow("not implemented: relu-backward");
  });
  it("picks up an edit to the file on the next call without re-importing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bpl-inline-"));
    const file = path.join(dir, "01-local-rules.ts");
    fs.copyFileSync(path.join(root, "exercises/01-local-rules.ts"), file);
    expect(checkResults("relu-backward", loadExercises(file))[0]!.earned).toBe(0);
    const src = fs.readFileSync(file, "utf8").replace('throw new Error("not implemented: relu-backward");', "return x > 0 ? g : 0;");
    fs.writeFileSync(file, src);
    const after = checkResults("relu-backward", loadExercises(file))[0]!;
    expect(after.earned).toBe(after.points);
    fs.rmSync(dir, { recursive: true });
  });
  it("reports an export with a type error the way the grader does, and only that export", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bpl-inline-"));
    const file = path.join(dir, "01-local-rules.ts");
    const src = fs.readFileSync(path.join(root, "solutions/01-local-rules.ts"), "utf8").replace("return x > 0 ? g : 0;", 'const zero: number = "0";\n  return x > 0 ? g : zero;');
    fs.writeFileSync(file, src);
    const [relu, mul] = checkResults(["relu-backward", "mul-backward"], loadExercises(file));
    expect(relu!.earned).toBe(0);
    for (const c of relu!.cases) expect(c.feedback).toBe("does not type-check: 01-local-rules.ts:42:9: Type 'string' is not assignable to type 'number'.");
    expect(mul!.earned).toBe(mul!.points);
    fs.rmSync(dir, { recursive: true });
  });
  it("names the file and line when the file does not parse, and refuses run-time imports", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bpl-inline-"));
    fs.writeFileSync(path.join(dir, "bad.ts"), "export function f( {\n");
    expect(() => loadExercises(path.join(dir, "bad.ts"))).toThrow(/bad\.ts/);
    fs.writeFileSync(path.join(dir, "imp.ts"), 'import * as fs from "fs";\nexport const x = fs;\n');
    expect(() => loadExercises(path.join(dir, "imp.ts"))).toThrow(/may import only other exercise files, as "\.\/07-mlp-backward" \(found require\("fs"\)\)/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("check", () => {
  it("gives the solutions full marks on every exercise", () => {
    const results = checkResults("all", loadExercises(path.join(root, "solutions")));
    for (const r of results) expect(r.earned, r.id).toBe(r.points);
  });
  it("says at which line of the exercise file an error was thrown, as the grader does", () => {
    const [r] = checkResults("relu-backward", loadExercises(path.join(root, "exercises", "01-local-rules.ts")));
    const line = fs.readFileSync(path.join(root, "exercises", "01-local-rules.ts"), "utf8").split("\n").findIndex((l) => l.includes('"not implemented: relu-backward"')) + 1;
    for (const c of r!.cases) expect(c.feedback).toBe(`threw: not implemented: relu-backward (at 01-local-rules.ts:${line}:9)`);
  });
  it("accepts a bare function for one id and shows failures without throwing", () => {
    const [r] = checkResults("cos-backward", (x: number, g: number) => g * Math.sin(x));
    expect(r!.earned).toBe(0);
    expect(r!.cases.some((c) => c.diagnosis === "sign-error")).toBe(true);
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      expect(() => check("cos-backward", () => { throw new Error("boom"); })).not.toThrow();
      expect(() => check("no-such-exercise")).not.toThrow();
    } finally {
      console.log = log;
    }
    expect(lines[0]).toMatch(/threw: boom/);
    expect(lines[1]).toMatch(/unknown exercise id "no-such-exercise"/);
  });
  it("renders an HTML table with one row per case and escapes feedback", () => {
    const html = resultsHtml(checkResults("mul-backward", () => "<b>"));
    expect(html).toContain("<table>");
    expect(html).not.toContain("<b>\"");
    expect((html.match(/<tr style/g) ?? []).length).toBe(ALL_EXERCISES.find((e) => e.id === "mul-backward")!.cases(0).length);
  });
});
