// The grader runs its children (the sandboxed student process, the zip unpacker) as plain `node`
// processes on compiled JavaScript from dist/, also when the tests import the grader from src/.
// This checks that what gets spawned is the current source: every script named with childScript()
// in src/grader, and every local module it requires, must be exactly what the compiler makes of
// today's .ts file (vitest's global set-up, test/build-dist.ts, rebuilds dist/ when it is behind).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { childScript } from "../../src/grader/child-script";

const root = path.join(__dirname, "../..");
const src = path.join(root, "src");
const dist = path.join(root, "dist");
const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
if (!config) throw new Error("tsconfig.json could not be read");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The JavaScript tsc emits for one source file (per-file emit: it depends on that file alone). */
function compiled(file: string, text = readFileSync(file, "utf8")): string {
  return ts.transpileModule(text, { compilerOptions: config!.options, fileName: file }).outputText;
}

/** A spawned script and the local modules it requires, transitively, as dist/ paths. */
function closure(script: string): string[] {
  const seen = new Set<string>();
  const visit = (js: string): void => {
    if (seen.has(js)) return;
    seen.add(js);
    for (const m of readFileSync(js, "utf8").matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      // a file, or a folder's index.js (the sandbox's drivers/), as Node resolves it
      const base = path.resolve(path.dirname(js), m[1]!);
      visit(existsSync(`${base}.js`) ? `${base}.js` : path.join(base, "index.js"));
    }
  };
  visit(script);
  return [...seen];
}

const named = sources(path.join(src, "grader")).flatMap((f) => [...readFileSync(f, "utf8").matchAll(/childScript\("([^"]+)"\)/g)].map((m) => m[1]!));

test("the grader names its children with childScript(), and they live in dist/", () => {
  expect(named.sort()).toEqual(["sandbox/child", "zip/child"]);
  for (const name of named) {
    const script = childScript(name);
    expect(path.relative(dist, script)).toBe(path.join("grader", `${name}.js`));
    expect(existsSync(script), script).toBe(true);
  }
});

test("every spawned script and each module it requires is the compiled current source", () => {
  let checked = 0;
  for (const name of named) {
    for (const js of closure(childScript(name))) {
      const source = path.join(src, path.relative(dist, js)).replace(/\.js$/, ".ts");
      expect(existsSync(source), `${js} has no source`).toBe(true);
      expect(readFileSync(js, "utf8"), `${path.relative(root, js)} is not the build of ${path.relative(root, source)}`).toBe(compiled(source));
      checked++;
    }
  }
  expect(checked).toBeGreaterThanOrEqual(4); // two children, each with its protocol/extract module
});

test("the comparison sees a one-character change in a child's source", () => {
  const source = path.join(src, "grader/sandbox/child.ts");
  const text = readFileSync(source, "utf8");
  // the first lower-case letter, moved one on (the entry holds few digits, maybe none)
  const edited = text.replace(/[a-y]/, (c) => String.fromCharCode(c.charCodeAt(0) + 1));
  expect(edited).not.toBe(text);
  expect(compiled(source, edited)).not.toBe(readFileSync(childScript("sandbox/child"), "utf8"));
});
