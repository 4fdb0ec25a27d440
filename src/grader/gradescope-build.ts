/**
 * `npm run gradescope [-- --seed N --exercise ID ... --out FILE]`: build the Gradescope autograder
 * zip. Gradescope's spec wants `setup.sh` and `run_autograder` at the zip's root; the zip also holds
 * the built `dist/`, `package.json`, the run-time node_modules the grader needs (typescript's
 * compiler and lib files, fflate) and `autograder-config.json` (seed, exercises, limits), so setup
 * installs nothing from npm: only Node ≥ 20 itself when the image lacks it.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** What the autograder grades, fixed when the zip is built. */
export interface AutograderConfig {
  /** seed for the hidden cases; choose your own per term */
  seed?: number;
  /** exercise ids to grade (default: all) */
  exercises?: string[];
  /** wall-clock budget for one submission, seconds */
  timeLimitSeconds?: number;
}

/** The config file's name inside the zip (beside package.json). */
export const CONFIG_FILE = "autograder-config.json";

/**
 * Runs once when Gradescope builds the image (as root, on Ubuntu). Ubuntu's own nodejs package is
 * older than 20, and the grader needs Node 20's permission model, so Node 20 comes from
 * NodeSource's apt repository when no suitable node is installed.
 */
export const SETUP_SH = `#!/usr/bin/env bash
set -euo pipefail
major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(major)" -lt 20 ]; then
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  mkdir -p /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main" > /etc/apt/sources.list.d/nodesource.list
  apt-get update
  apt-get install -y nodejs
fi
echo "backprop-lab autograder: using node $(node --version)"
`;

/**
 * Runs for every submission, from /autograder. It refuses an old node with a results.json that
 * says so, and writes one if the grader could not (Gradescope shows nothing useful otherwise).
 */
export const RUN_AUTOGRADER = `#!/usr/bin/env bash
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
fail() {
  printf '{"score": 0, "execution_time": 0, "output": "%s", "tests": []}\\n' "$1" > "$RESULTS"
  exit 0
}
MAJOR=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$MAJOR" -lt 20 ]; then
  fail "The autograder needs Node 20 or newer (found: $(node --version 2>/dev/null || echo none)). Please tell your instructor: setup.sh did not install it."
fi
cd "$ROOT/source" || fail "The autograder's files are missing (no $ROOT/source)."
node dist/grader/gradescope-run.js
if [ ! -s "$RESULTS" ]; then
  fail "The autograder stopped before writing results. Please tell your instructor."
fi
`;

function addDir(files: Record<string, unknown>, rel: string): void {
  const abs = path.join(ROOT, rel);
  for (const e of readdirSync(abs)) {
    const r = path.join(rel, e);
    if (statSync(path.join(ROOT, r)).isDirectory()) addDir(files, r);
    else if (!r.endsWith(".map")) files[r.split(path.sep).join("/")] = readFileSync(path.join(ROOT, r));
  }
}

/** Build the zip; returns its path. */
export function buildGradescopeZip(out = path.join(ROOT, "gradescope-autograder.zip"), config: AutograderConfig = {}): string {
  const { zipSync, strToU8 } = require("fflate") as typeof import("fflate");
  const files: Record<string, Uint8Array | [Uint8Array, { os: number; attrs: number }]> = {};
  addDir(files, "dist");
  addDir(files, "node_modules/fflate");
  addDir(files, "node_modules/typescript/lib");
  files["node_modules/typescript/package.json"] = readFileSync(path.join(ROOT, "node_modules/typescript/package.json"));
  files["package.json"] = readFileSync(path.join(ROOT, "package.json"));
  files[CONFIG_FILE] = strToU8(JSON.stringify(config, null, 2) + "\n");
  // Unix entries with mode 755, so both scripts arrive executable.
  const executable = { os: 3, attrs: (0o100755 << 16) >>> 0 };
  files["setup.sh"] = [strToU8(SETUP_SH), executable];
  files["run_autograder"] = [strToU8(RUN_AUTOGRADER), executable];
  writeFileSync(out, zipSync(files, { level: 6 }));
  return out;
}

/** Parse `--seed N --exercise ID --time-limit S --out FILE`. */
function parseArgs(argv: string[]): { out?: string; config: AutograderConfig } {
  const config: AutograderConfig = {};
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--seed" && /^\d+$/.test(v)) config.seed = Number(v);
    else if (flag === "--exercise") (config.exercises ??= []).push(v);
    else if (flag === "--time-limit" && Number(v) > 0) config.timeLimitSeconds = Number(v);
    else if (flag === "--out") out = path.resolve(v);
    else throw new Error(`unknown or malformed option ${flag} ${v} (use --seed N, --exercise ID, --time-limit S, --out FILE)`);
    i++;
  }
  return out ? { out, config } : { config };
}

if (require.main === module) {
  try {
    const { out, config } = parseArgs(process.argv.slice(2));
    if (config.exercises) {
      const { ALL_EXERCISES } = require("./exercises") as typeof import("./exercises");
      for (const id of config.exercises) if (!ALL_EXERCISES.some((e) => e.id === id)) throw new Error(`unknown exercise "${id}"`);
    }
    process.stdout.write(`wrote ${buildGradescopeZip(out, config)}\n`);
  } catch (e) {
    process.stderr.write(`gradescope: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
