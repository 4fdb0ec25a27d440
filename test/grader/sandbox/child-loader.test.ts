// child-loader: a student file runs as a module of its own; its require gives inert stand-ins for
// the course library, refuses relative paths and passes Node's modules on; export names put the
// wanted ones first; registries are separate.
import * as nodePath from "node:path";
import { describe, expect, it } from "vitest";
import { EncodeError, encode } from "../../../src/grader/sandbox/child-encode";
import { exportNames, exportsOf, moduleRegistry, runModule, studentRequire } from "../../../src/grader/sandbox/child-loader";

describe("child-loader: require", () => {
  it("the course library and tslab are inert stand-ins that answer every use with themselves", () => {
    const lib = studentRequire("backprop-lab") as { Value: new (x: number) => { add(y: number): unknown } };
    expect(studentRequire("backprop-lab/grader")).toBe(lib);
    expect(studentRequire("tslab")).toBe(lib);
    const v = new lib.Value(1).add(2);
    expect(v).toBe(lib);
    expect((lib as { then?: unknown }).then).toBeUndefined(); // not a thenable: `await` does not hang on it
    expect(`${String(lib)}`).toBe("");
    expect(() => encode(v)).toThrow(EncodeError);
  });

  it("refuses relative and absolute paths and non-strings; passes Node's modules on", () => {
    expect(() => studentRequire("./07-mlp-backward")).toThrow('require("./07-mlp-backward"): a graded file may import only another file of the submission');
    expect(() => studentRequire("/etc/x")).toThrow(/^require\("\/etc\/x"\)/);
    expect(() => studentRequire(7)).toThrow("require() needs a module name");
    expect((studentRequire("node:path") as typeof nodePath).join("a", "b")).toBe(nodePath.join("a", "b"));
  });
});

describe("child-loader: modules", () => {
  it("runs a file with its own exports, module and require; module.exports may be replaced", () => {
    const a = runModule(`exports.f = (x) => 2 * x; exports.lib = typeof require("backprop-lab"); exports.file = __filename;`, "/sub/a.js");
    expect(exportsOf(a)).toMatchObject({ lib: "function", file: "/sub/a.js" });
    const b = runModule(`module.exports = { g: 1 };`, "/sub/b.js");
    expect(exportsOf(b)).toEqual({ g: 1 });
    expect(() => runModule(`throw new RangeError("top level")`, "/sub/c.js")).toThrow("top level");
    expect(() => runModule(`let = ;`, "/sub/d.js")).toThrow(SyntaxError);
  });

  it("exportsOf does not run a getter put on module.exports", () => {
    const m = runModule(`Object.defineProperty(module, "exports", { get() { globalThis.__bplGetterRuns = 1; return {}; } });`, "/sub/e.js");
    const seen = exportsOf(m);
    const runs = Reflect.get(globalThis, "__bplGetterRuns");
    Reflect.deleteProperty(globalThis, "__bplGetterRuns");
    expect(seen).toBeUndefined();
    expect(runs).toBeUndefined();
  });

  it("exportNames lists the wanted names first (even past the cap), then others up to 200; default apart", () => {
    const many: Record<string, number> = { __esModule: 1, default: 1 };
    for (let i = 0; i < 300; i++) many[`n${i}`] = i;
    const { names, hasDefault } = exportNames(many, ["n299", "default", "missing", 5]);
    expect(hasDefault).toBe(true);
    expect(names[0]).toBe("n299");
    expect(names).toHaveLength(200);
    expect(names).not.toContain("__esModule");
    expect(names).not.toContain("default");
    expect(new Set(names).size).toBe(200);
    expect(exportNames(null, ["f"])).toEqual({ names: [], hasDefault: false });
  });

  it("each registry keeps its own files", () => {
    const one = moduleRegistry();
    const two = moduleRegistry();
    one.remember("k", { exports: { f: 1 }, file: "/sub/a.js" });
    expect(one.loaded("k")).toEqual({ exports: { f: 1 }, file: "/sub/a.js" });
    expect(two.loaded("k")).toBeUndefined();
    expect(one.loaded("toString")).toBeUndefined(); // no prototype behind the keys
  });
});
