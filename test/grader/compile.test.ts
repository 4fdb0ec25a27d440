/**
 * Compiling student files: syntax errors with file:line:col, run-time positions mapped back to the
 * TypeScript source through the source map, and type errors charged only to the exports whose code
 * (directly or through top-level helpers) contains them.
 */
import { describe, expect, it } from "vitest";
import { compileSubmission, exportedNames, firstSyntaxErrors, originalPosition, typeErrorsFor, type CompiledFile } from "../../src/grader/compile";

const compileOne = (source: string, name = "a.ts", typeCheck = true): CompiledFile => compileSubmission([{ name, source }], { typeCheck }).get(name)!;
import { clock, progressLine } from "../../src/grader/progress";

describe("compile", () => {
  it("reports a syntax error with line and column and emits nothing", () => {
    const r = compileOne("export function f(x: number) {\n  return x +;\n}\n");
    expect(r.js).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ line: 2, column: 13, message: "Expression expected." });
  });
  it("parses notebook cells one by one: the first syntax error of each, or null", () => {
    const errs = firstSyntaxErrors(["const a = 1;", "function f() {\n  return 1 +;\n}", "const b = `unclosed", "await Promise.resolve(1);"]);
    expect(errs[0]).toBeNull();
    expect(errs[1]).toMatchObject({ line: 2, column: 13, message: "Expression expected." });
    expect(errs[2]).toMatchObject({ line: 1, message: "Unterminated template literal." });
    expect(errs[3]).toBeNull(); // top-level await is fine in a cell
  });
  it("reads what a module exports from its syntax, not from names in comments, strings or private declarations", () => {
    const src = [
      "// TODO: write reluBackward and mulBackward",
      "/* export function sinBackward(x: number, g: number) { return 0; } */",
      'const hint = "export function cosBackward";',
      "function tanhBackward(x: number, g: number): number { return g; }",
      "export function expBackward(x: number, g: number): number { return g * Math.exp(x); }",
      "export const logBackward = (x: number, g: number): number => g / x, { a: pair1, b: [pair2] } = { a: 1, b: [2] };",
      "export class Layer {}",
      "const sig = (x: number, g: number): number => g;",
      "export { sig as sigmoidBackward, tanhBackward };",
      "export type { Layer as LayerType };",
      "export declare function powBackward(x: number, n: number, g: number): number;",
      "export default function divBackward() {}",
    ].join("\n");
    expect([...exportedNames(src)].sort()).toEqual(["Layer", "expBackward", "logBackward", "pair1", "pair2", "sigmoidBackward", "tanhBackward"]);
  });
  it("maps a position in the emitted JavaScript back to the TypeScript line", () => {
    const src = "interface P {\n  x: number;\n  y: number;\n}\ntype Q = P;\nexport function f(p: Q): number {\n  throw new Error('here');\n}\n";
    const r = compileOne(src);
    const jsLines = r.js!.split("\n");
    const jsLine = jsLines.findIndex((l) => l.includes("throw new Error")) + 1;
    const col = jsLines[jsLine - 1]!.indexOf("new Error") + 1;
    expect(jsLine).toBe(5); // types vanish and the module header appears, so the lines really differ
    expect(originalPosition(r.lines, jsLine, col)).toEqual({ line: 7, column: 9 });
  });
});

describe("type errors reach only the exports that use them", () => {
  const source = [
    "function helper(v: number): number {", //  1
    '  return v + "";', //                      2  type error in a helper
    "}", //                                     3
    "export function usesHelper(x: number): number {", // 4
    "  return helper(x);", //                   5
    "}", //                                     6
    "export function clean(x: number): number {", // 7
    "  return x * 2;", //                       8
    "}", //                                     9
    "export function broken(x: number): number {", // 10
    "  const s: string = x;", //                11 type error in the export itself
    "  return 1;", //                           12
    "}", //                                     13
    "const renamed = (x: number): number => x;", // 14
    "export { renamed as alias };", //          15
  ].join("\n");
  const report = compileOne(source).types!;
  it("finds both errors", () => {
    expect(report.errors.map((e) => [e.line, e.message])).toEqual([
      [2, "Type 'string' is not assignable to type 'number'."],
      [11, "Type 'number' is not assignable to type 'string'."],
    ]);
  });
  it("charges each error to the exports whose code reaches it", () => {
    expect(typeErrorsFor(report, "usesHelper").map((e) => e.line)).toEqual([2]);
    expect(typeErrorsFor(report, "broken").map((e) => e.line)).toEqual([11]);
    expect(typeErrorsFor(report, "clean")).toEqual([]);
    expect(typeErrorsFor(report, "alias")).toEqual([]);
  });
  it("knows the course library and tslab as untyped modules, and the usual globals", () => {
    const r = compileOne('import { check } from "backprop-lab";\nimport * as tslab from "tslab";\ncheck("x", 1);\nconsole.log(structuredClone([1]));\nexport const y = 1;\n');
    expect(r.types!.errors).toEqual([]);
  });
  it("keeps files checked together apart: the same top-level names in two files without exports do not clash", () => {
    const r = compileSubmission([{ name: "a.ts", source: "const x: number = 1;\nfunction h() {}\n" }, { name: "b.ts", source: "const x: number = 2;\nfunction h() {}\n" }], { typeCheck: true });
    expect([...r.values()].map((f) => f.types!.errors)).toEqual([[], []]);
  });
});

describe("progress line", () => {
  it("shows the bar, the count, elapsed time and an estimate of what is left", () => {
    expect(clock(61_000)).toBe("1:01");
    expect(progressLine(50, 200, 20_000, { student: "alice", score: 31.5, max: 35 }, 10)).toBe("[███░░░░░░░]  50/200  0:20 elapsed, ~1:00 left  alice 31.50/35");
    expect(progressLine(200, 200, 80_000, undefined, 4)).toBe("[████] 200/200  1:20 elapsed");
  });
});
