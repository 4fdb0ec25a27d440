// The notebooks read the library's .d.ts files with tslab's own TypeScript, which is 5.0.4, while
// the project builds with a newer tsc. Declarations that only newer compilers understand (for
// example `Float64Array<ArrayBuffer>`: typed arrays became generic in TypeScript 5.7) break every
// notebook cell that imports the package. This test emits the declarations from the current
// sources and type-checks them with tslab's compiler.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = path.join(__dirname, "../..");
const require = createRequire(path.join(root, "node_modules/tslab/package.json"));
type TS = typeof import("typescript");
/** The compiler tslab runs notebook cells with (a dependency of the tslab package). */
const ts50 = require("@tslab/typescript-for-tslab") as TS;

let out = "";

beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), "bpl-dts-"));
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json"), "--emitDeclarationOnly", "--declarationMap", "false", "--sourceMap", "false", "--outDir", out], { stdio: "pipe" });
  } catch {
    // Type errors elsewhere in src/ are other tests' business; declarations are still emitted.
  }
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Type-checks the given .d.ts roots the way a notebook cell sees them (node10 resolution, ES2022). */
function diagnostics(ts: TS, roots: string[]): string[] {
  const program = ts.createProgram(roots, {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [path.join(root, "node_modules/@types")],
    skipLibCheck: false, // true would skip our own .d.ts files too
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(out, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

function dtsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? dtsFiles(path.join(dir, e.name)) : e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : []));
}

describe("emitted declarations are readable by tslab's TypeScript 5.0", () => {
  test("tslab's compiler is the 5.0 line", () => {
    expect(ts50.version).toMatch(/^5\.0\./);
  });

  test("every emitted .d.ts type-checks under TypeScript 5.0", () => {
    expect(existsSync(path.join(out, "index.d.ts"))).toBe(true);
    const files = dtsFiles(out);
    expect(files.length).toBeGreaterThan(20);
    expect(diagnostics(ts50, files)).toEqual([]);
  });

  test("the check catches what only newer compilers accept (planted Float64Array<ArrayBuffer>, NoInfer)", () => {
    const planted = path.join(out, "planted-regression.d.ts");
    // Generic typed arrays arrived in TypeScript 5.7, the NoInfer intrinsic in 5.4.
    writeFileSync(planted, "export declare function bad(): Float64Array<ArrayBuffer>;\nexport declare function pick<T>(xs: T[], x: NoInfer<T>): T;\n");
    try {
      const errs = diagnostics(ts50, [planted]);
      expect(errs.some((e) => e.includes("planted-regression.d.ts:1") && /not generic/.test(e))).toBe(true);
      expect(errs.some((e) => e.includes("planted-regression.d.ts:2") && /NoInfer/.test(e))).toBe(true);
    } finally {
      rmSync(planted);
    }
  });
});
