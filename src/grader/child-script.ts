/**
 * Where the grader finds the scripts it runs in child processes (the sandboxed student process,
 * the zip unpacker). A child is spawned as a plain `node` process, so it always runs compiled
 * JavaScript from dist/, even when the grader itself runs from src/ under vitest; the test suite's
 * global set-up (test/build-dist.ts) rebuilds dist/ whenever src/ is newer, and
 * test/build/spawned-children.test.ts checks that what gets spawned is the current source.
 */
import * as path from "node:path";

/** dist/grader, whether this module runs from there or from src/grader (tests). */
const DIST_GRADER = __filename.endsWith(".ts") ? path.resolve(__dirname, "../../dist/grader") : __dirname;

/** The compiled script for `relative` (a path under src/grader/ without extension, e.g. "sandbox/child"). */
export function childScript(relative: string): string {
  return path.join(DIST_GRADER, `${relative}.js`);
}
