// A notebook cell imports the engine by the package name, `import { Value, Dual, ScalarMLP, grad } from
// "backprop-lab"`, and tslab type-checks it with its own TypeScript 5.0 (moduleResolution node10,
// ES2022, non-strict) against the built dist/ found through node_modules/backprop-lab. This checks
// that path without starting a kernel: the cell below must type-check with tslab's compiler and
// options, and the same names must load at run time from a folder inside the project, where
// package resolution finds the symlink that scripts/setup.mjs makes. The notebook suite runs the
// real kernel.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.join(__dirname, "../..");
const dir = path.join(root, "test-artifacts", "package-import");
const cell = path.join(dir, "cell.ts");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type TS = typeof import("typescript");
const ts50 = createRequire(path.join(root, "node_modules/tslab/package.json"))("@tslab/typescript-for-tslab") as TS;

/** What a student writes: every engine export used with its types, expected numbers derived by hand. */
const source = `
import { Value, Dual, ScalarMLP, Neuron, Layer, grad, valueAndGrad, sum, zeroParameterGrads, topologicalOrder, trace, toDot, toSvg, backwardSteps,
  checkGradient, checkVjp, numericGradient, numericVjp, relativeError, classify, ERROR_BANDS, forwardGradient, jvp,
  moons, circles, spirals, xor, regression1d, trainTestSplit, Rng } from "backprop-lab";
import { gradeSubmission, ALL_EXERCISES } from "backprop-lab/grader";
import { graphSvg, captureOutput } from "backprop-lab/display";
import type { Scalar, ScalarOps, ValueFunction, ValueAndGrad, DualScalar, GradCheckReport, ErrorBand, BackwardStep,
  ToyDataset, ScalarActivation, ScalarInit } from "backprop-lab";

const x: Value = new Value(2, "x");
const y: Value = Value.from(3).mul(x).add(1).named("y"); // 3x + 1
y.backward();
export const dydx: number = x.grad; // 3
const f: ValueFunction = (a, b) => a.mul(b);
export const g: number[] = grad(f)(2, 5); // [5, 2]
export const vg: ValueAndGrad = valueAndGrad(f)(2, 5);
function square<T extends ScalarOps<T>>(t: T): T { return t.mul(t); }
export const fwd: number[] = forwardGradient((d: Dual) => square(d), [3]).grad; // [6]
export const dual: DualScalar = new Dual(1, 1).add(2);
export const net = new ScalarMLP([2, 3, 1], { hidden: "tanh" as ScalarActivation, init: "he" as ScalarInit, seed: 1 });
export const out: Value[] = net.forward([0.5, -0.5] as Scalar[]);
export const report: GradCheckReport = checkGradient((v) => v[0] * v[0], [3], [6]);
export const band: ErrorBand = classify(relativeError(1, 1));
export const steps: BackwardStep[] = backwardSteps(y);
export const data: ToyDataset = moons(10, { seed: 1 });
export const svg: Promise<string> = toSvg(y);
export const all = [Neuron, Layer, sum, zeroParameterGrads, topologicalOrder, trace, toDot, checkVjp, numericGradient, numericVjp, ERROR_BANDS, jvp,
  circles, spirals, xor, regression1d, trainTestSplit, Rng];
export const exerciseCount: number = ALL_EXERCISES.length;
export const subpaths = [gradeSubmission, graphSvg, captureOutput];
`;

describe('import { Value, Dual, ScalarMLP, grad } from "backprop-lab" in a notebook cell', () => {
  it("type-checks with tslab's TypeScript 5.0 and tslab's compiler options", () => {
    expect(ts50.version).toMatch(/^5\.0\./);
    mkdirSync(dir, { recursive: true });
    writeFileSync(cell, source);
    const program = ts50.createProgram([cell], {
      noEmit: true,
      module: ts50.ModuleKind.ESNext,
      moduleResolution: ts50.ModuleResolutionKind.NodeJs, // node10
      esModuleInterop: true,
      target: ts50.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      skipLibCheck: true,
      typeRoots: [path.join(root, "node_modules/@types")],
    });
    const resolved = program.getSourceFiles().map((f) => f.fileName).filter((n) => n.includes("/dist/"));
    expect(resolved.some((n) => n.endsWith("dist/index.d.ts")), "the package name resolves to dist/index.d.ts").toBe(true);
    // node10 resolution ignores "exports": the subpaths reach their declarations through typesVersions.
    expect(resolved.some((n) => n.endsWith("dist/grader/index.d.ts")), "backprop-lab/grader resolves to dist/grader/index.d.ts").toBe(true);
    expect(resolved.some((n) => n.endsWith("dist/display/index.d.ts")), "backprop-lab/display resolves to dist/display/index.d.ts").toBe(true);
    const errors = ts50.getPreEmitDiagnostics(program).map((d) => ts50.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(errors).toEqual([]);
  });

  it("loads by the package name at run time and computes hand-derived gradients", async () => {
    mkdirSync(dir, { recursive: true });
    const lib = createRequire(cell)("backprop-lab") as typeof import("../../src");
    const x = new lib.Value(2, "x");
    const y = lib.Value.from(3).mul(x).add(1);
    y.backward();
    expect(x.grad).toBe(3);
    expect(lib.grad((a, b) => a.mul(b))(2, 5)).toEqual([5, 2]);
    expect(lib.forwardGradient((d) => d.mul(d), [3]).grad).toEqual([6]);
    expect(new lib.ScalarMLP([2, 3, 1]).parameters()).toHaveLength(2 * 3 + 3 + 3 + 1);
    expect(await lib.toSvg(y)).toContain("</svg>");
  });

  it("the subpaths load at run time through the package's exports map, and deep paths are closed", () => {
    mkdirSync(dir, { recursive: true });
    const req = createRequire(cell);
    const grader = req("backprop-lab/grader") as typeof import("../../src/grader");
    const display = req("backprop-lab/display") as typeof import("../../src/display");
    expect(grader.ALL_EXERCISES.length).toBeGreaterThan(20);
    expect(typeof grader.gradeSubmission).toBe("function");
    expect(typeof display.graphSvg).toBe("function");
    // Internals are not reachable by the package name: only ".", "./grader" and "./display" are exported.
    expect(() => req("backprop-lab/dist/nn/kernels/backend.js")).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
  });
});
