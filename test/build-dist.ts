/**
 * Vitest's global set-up, run once before any test file of any project: brings dist/ up to date with
 * src/. The grader spawns its children (the sandboxed student process, the zip unpacker) as plain
 * `node` processes running dist/, and the notebooks import the built package, so without this a
 * test run straight after an edit (`npx vitest run test/grader/x.test.ts`) would test the previous
 * build. After `npm test`'s own set-up it only compares timestamps.
 */
import { ensureBuild } from "../scripts/setup.mjs";

export function setup(): void {
  ensureBuild();
}
