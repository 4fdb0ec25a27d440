/**
 * Runs a short script in a plain `node` child that requires one built part of the student process
 * (dist/grader/sandbox/NAME.js, brought up to date by vitest's global set-up) and nothing else of
 * the child: for parts whose effects are process-wide (signals, fault handlers, open resources),
 * which must not touch the test runner's own process. The script reports by writing one JSON
 * value to stdout.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** The built module of a part, e.g. partPath("child-faults"). */
export const partPath = (name: string): string => path.join(__dirname, "..", "..", "..", "dist", "grader", "sandbox", `${name}.js`);

/** Runs `script` with `part` bound to the part's exports; returns what it printed, parsed. */
export function runWithPart(name: string, script: string): unknown {
  const body = `"use strict";\nconst part = require(${JSON.stringify(partPath(name))});\n${script}`;
  const r = spawnSync(process.execPath, ["-e", body], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`the part's child failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
