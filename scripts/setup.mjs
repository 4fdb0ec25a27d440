#!/usr/bin/env node
// Idempotent set-up shared by `npm test`, `npm start`, `npm run bench`: each step runs only when
// what it makes is missing or stale, so a second run costs well under a second.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const log = (msg) => console.log(`[setup] ${msg}`);

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
}

/** Newest modification time of any file under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const marker = join(root, "node_modules", ".package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log("installing npm dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

export function ensureBuild() {
  const out = join(root, "dist", "index.js");
  const srcTime = Math.max(newest(join(root, "src")), statSync(join(root, "tsconfig.json")).mtimeMs);
  if (existsSync(out) && newest(join(root, "dist")) >= srcTime) return;
  log("building the library (tsc)");
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
}

/** Lets notebooks and exercises `import ... from "backprop-lab"` resolve to the built package. */
export function ensureSelfLink() {
  const link = join(root, "node_modules", "backprop-lab");
  try {
    lstatSync(link);
    return;
  } catch {
    mkdirSync(join(root, "node_modules"), { recursive: true });
    symlinkSync("..", link, "dir");
    log("linked node_modules/backprop-lab -> ..");
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  ensureNodeModules();
  ensureBuild();
  ensureSelfLink();
}
