/**
 * `npm run gradescope`: build `gradescope-autograder.zip` with `setup.sh` and `run_autograder` at
 * its root, the built `dist/`, `package.json` and the run-time node_modules the grader needs
 * (typescript, fflate), so setup installs nothing from npm: only Node itself from apt.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

const SETUP = `#!/usr/bin/env bash
# Gradescope's base image is Ubuntu. The grader needs Node >= 20 (permission model); the apt
# package is used when no node is present. Check the version printed below in the build log.
set -euo pipefail
if ! command -v node >/dev/null; then apt-get update && apt-get install -y nodejs npm; fi
node --version
`;
const RUN = `#!/usr/bin/env bash
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
exec node dist/grader/gradescope-run.js
`;

function addDir(files: Record<string, Uint8Array>, rel: string): void {
  const abs = path.join(ROOT, rel);
  for (const e of readdirSync(abs)) {
    const r = path.join(rel, e);
    if (statSync(path.join(ROOT, r)).isDirectory()) addDir(files, r);
    else if (!r.endsWith(".map")) files[r.split(path.sep).join("/")] = readFileSync(path.join(ROOT, r));
  }
}

/** Build the zip; returns its path. */
export function buildGradescopeZip(out = path.join(ROOT, "gradescope-autograder.zip")): string {
  const { zipSync, strToU8 } = require("fflate") as typeof import("fflate");
  const files: Record<string, Uint8Array> = {};
  addDir(files, "dist");
  addDir(files, "node_modules/fflate");
  addDir(files, "node_modules/typescript/lib");
  files["node_modules/typescript/package.json"] = readFileSync(path.join(ROOT, "node_modules/typescript/package.json"));
  files["package.json"] = readFileSync(path.join(ROOT, "package.json"));
  files["setup.sh"] = strToU8(SETUP);
  files["run_autograder"] = strToU8(RUN);
  writeFileSync(out, zipSync(files, { level: 6 }));
  return out;
}

if (require.main === module) process.stdout.write(`wrote ${buildGradescopeZip()}\n`);
