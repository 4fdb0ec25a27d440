/**
 * The folders show one dependency direction: engine → nn → display, grader. A module may import
 * from its own folder and from folders to its left, never to its right, and display and grader never
 * import each other. Checked on the import statements of every source file.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";

const SRC = path.join(__dirname, "..", "..", "src");

/** What each folder may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  engine: [],
  nn: ["engine"],
  display: ["engine", "nn"],
  grader: ["engine", "nn"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Relative module specifiers of every import/export-from/require/dynamic import in a file. */
function relativeImports(source: string): string[] {
  const out: string[] = [];
  const re = /(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']*)["']/g;
  for (const m of source.matchAll(re)) out.push(m[1] as string);
  return out;
}

it("every folder of src/ imports only from itself and the folders to its left", () => {
  const bad: string[] = [];
  let checked = 0;
  for (const folder of Object.keys(ALLOWED)) {
    for (const f of files(path.join(SRC, folder))) {
      for (const spec of relativeImports(readFileSync(f, "utf8"))) {
        checked++;
        const target = path.relative(SRC, path.resolve(path.dirname(f), spec)).split(path.sep)[0] as string;
        if (target !== folder && !(ALLOWED[folder] as readonly string[]).includes(target)) {
          bad.push(`${path.relative(SRC, f)} imports ${spec} (${folder} → ${target})`);
        }
      }
    }
  }
  expect(checked).toBeGreaterThan(50);
  expect(bad).toEqual([]);
});

it("the top-level barrel is the only file outside the four folders", () => {
  const top = readdirSync(SRC).filter((e) => !statSync(path.join(SRC, e)).isDirectory());
  expect(top).toEqual(["index.ts"]);
  expect(readdirSync(SRC).filter((e) => statSync(path.join(SRC, e)).isDirectory()).sort()).toEqual(Object.keys(ALLOWED).sort());
});

it("the check notices a forbidden import", () => {
  // The same parsing on a planted line, so a regex that matched nothing could not pass the test above.
  expect(relativeImports(`import { Matrix } from "../nn/matrix";\nconst x = require("./value");`)).toEqual(["../nn/matrix", "./value"]);
});
