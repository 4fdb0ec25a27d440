#!/usr/bin/env node
// Idempotent set-up shared by `npm test`, `npm start`, `npm run bench`: each step runs only when
// what it makes is missing or stale, so a second run costs well under a second.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Progress goes to stderr so that `npm run -s bench -- --json` keeps stdout for data only.
const log = (msg) => console.error(`[setup] ${msg}`);

/** Runs a command with its output on stderr; throws when it fails. */
export function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: ["inherit", process.stderr, "inherit"], ...opts });
}

/** The TypeScript sources under `dir`, as paths relative to it. */
function tsSources(dir, rel = "") {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((entry) => {
    const p = join(rel, entry.name);
    return entry.isDirectory() ? tsSources(dir, p) : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [p] : [];
  });
}

/**
 * Is dist/ behind src/? File by file: every source needs its compiled .js, written after both the
 * source and tsconfig.json last changed (tsc rewrites every output on each build). One newer file
 * elsewhere in dist/ therefore cannot hide a stale one.
 */
export function buildIsStale() {
  const config = statSync(join(root, "tsconfig.json")).mtimeMs;
  return tsSources(join(root, "src")).some((rel) => {
    const out = join(root, "dist", rel.replace(/\.ts$/, ".js"));
    return !existsSync(out) || statSync(out).mtimeMs < Math.max(config, statSync(join(root, "src", rel)).mtimeMs);
  });
}

export function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const marker = join(root, "node_modules", ".package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log("installing npm dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/**
 * Builds dist/ when src/ is newer. tsc writes its output even when it reports type errors; `strict`
 * (tests, bench) makes those errors fatal, while `npm start` warns and goes on with what was written,
 * so a half-edited file in src/ does not keep the notebooks from opening. A failed build leaves a
 * marker so the next run builds again instead of trusting the fresh timestamps.
 */
export function ensureBuild({ strict = true } = {}) {
  const out = join(root, "dist", "index.js");
  const failed = join(root, "dist", ".build-failed");
  if (!existsSync(failed) && !buildIsStale()) return;
  log("building the library (tsc)");
  try {
    run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
    rmSync(failed, { force: true });
  } catch (e) {
    mkdirSync(dirname(failed), { recursive: true });
    writeFileSync(failed, "tsc reported errors; the next set-up builds again\n");
    if (strict || !existsSync(out)) throw e;
    console.error("[setup] warning: tsc reported the type errors above; continuing with the JavaScript it wrote to dist/");
  }
}

/**
 * Lets notebooks and exercises `import ... from "backprop-lab"` resolve to the built package: `dir`
 * is a project or a copy of its build (the class hub's shared build).
 */
export function ensureSelfLink(dir = root) {
  const link = join(dir, "node_modules", "backprop-lab");
  try {
    lstatSync(link);
    return;
  } catch {
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync("..", link, "dir");
    log("linked node_modules/backprop-lab -> ..");
  }
}

const JUPYTER = "/usr/bin/jupyter";
const PY = "/usr/bin/python3";
/** Jupyter data/config/runtime folders inside the project, so nothing global is touched. */
export const jupyterDirs = {
  prefix: join(root, ".jupyter"),
  data: join(root, ".jupyter", "share", "jupyter"),
  config: join(root, ".jupyter", "config"),
  runtime: join(root, ".jupyter", "runtime"),
};

/** Environment that points Jupyter at the project's own kernel registration. */
export function jupyterEnv(base = process.env) {
  return {
    ...base,
    JUPYTER_PATH: jupyterDirs.data,
    JUPYTER_CONFIG_DIR: jupyterDirs.config,
    JUPYTER_RUNTIME_DIR: jupyterDirs.runtime,
    JUPYTER_DATA_DIR: jupyterDirs.data,
  };
}

/** Whether Debian's Python can import `mod`. */
export function pythonHas(mod) {
  try {
    execFileSync(PY, ["-c", `import ${mod}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may install packages and act for other accounts. */
export const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;
/** Whether this is a machine with Debian's package manager. */
export const hasApt = () => existsSync("/usr/bin/apt-get");

/** apt-get install; when that fails (a fresh machine's package lists are empty), update once and retry. */
export function aptInstall(pkgs) {
  log(`installing Debian packages: ${pkgs.join(" ")}`);
  const install = () => run("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs]);
  try {
    install();
  } catch {
    run("apt-get", ["update"]);
    install();
  }
}

const JUPYTER_PKGS = ["jupyter-notebook", "jupyter-nbconvert", "python3-nbclient", "jupyter-client"];

/** Debian's Jupyter (classic Notebook + nbconvert + nbclient); installs it with apt when root, else explains. */
export function ensureJupyter() {
  const ok = () => existsSync(JUPYTER) && (pythonHas("nbclassic") || pythonHas("notebook")) && pythonHas("nbconvert") && pythonHas("nbclient");
  if (ok()) return;
  if (isRoot() && hasApt()) {
    aptInstall(JUPYTER_PKGS);
    if (ok()) return;
  }
  console.error(`[setup] Jupyter is missing. Install it with:\n  sudo apt-get install -y ${JUPYTER_PKGS.join(" ")}\nthen run this command again.`);
  process.exit(1);
}

/**
 * Registers the tslab kernel with an absolute binary path, once: by default under the project's
 * .jupyter/; the class hub passes a system-wide `prefix` (kernels go to PREFIX/share/jupyter) and the
 * shared build's tslab as `binary`.
 */
export function ensureKernel({ prefix = jupyterDirs.prefix, binary = join(root, "node_modules", ".bin", "tslab") } = {}) {
  const spec = join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json");
  if (existsSync(spec) && readFileSync(spec, "utf8").includes(binary)) return;
  log(`registering the tslab kernel in ${prefix}/share/jupyter`);
  if (prefix === jupyterDirs.prefix) {
    mkdirSync(jupyterDirs.config, { recursive: true });
    mkdirSync(jupyterDirs.runtime, { recursive: true });
  }
  execFileSync(binary, ["install", `--python=${PY}`, `--prefix=${prefix}`, `--binary=${binary}`], { cwd: root, stdio: ["inherit", process.stderr, "inherit"], env: jupyterEnv() });
}

/**
 * A copy of the plotly bundle in the Notebook server's nbextensions folder (inside .jupyter/), so a
 * chart whose page lost the inline bundle (its carrier cell was re-run, the notebook saved and
 * reopened) can still load plotly from the local server. Served, not enabled: nothing runs on its own.
 */
export function ensurePlotlyForServer(dataDir = jupyterDirs.data) {
  const src = join(root, "node_modules", "plotly.js-dist", "plotly.js");
  const dest = join(dataDir, "nbextensions", "backprop-lab", "plotly.js");
  if (!existsSync(src)) return;
  if (existsSync(dest) && statSync(dest).size === statSync(src).size && statSync(dest).mtimeMs >= statSync(src).mtimeMs) return;
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
  log(`copied plotly.js into ${dataDir} for the Notebook server`);
}

/** Headless Chromium for the browser tests; installs it with apt when root, otherwise says the browser tests will fail. */
export function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return;
  if (isRoot() && hasApt()) {
    aptInstall(["chromium"]);
  } else {
    log("chromium is missing: install it with `sudo apt-get install -y chromium`; until then the browser tests fail (BPL_SKIP_BROWSER_TESTS=1 skips them on purpose)");
  }
}

/**
 * Debian's PyTorch for the tests that regenerate the reference fixtures and compare them (numbers within float64 rounding);
 * installs it with apt when root, otherwise says how (or BPL_SKIP_TORCH_TESTS=1 skips those tests).
 */
export function ensureTorch() {
  if (pythonHas("torch")) return;
  if (isRoot() && hasApt()) {
    aptInstall(["python3-torch"]);
    if (pythonHas("torch")) return;
  }
  log("PyTorch is missing: install it with `sudo apt-get install -y python3-torch`; until then the fixture-regeneration tests fail (BPL_SKIP_TORCH_TESTS=1 skips them on purpose)");
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  ensureNodeModules();
  ensureBuild();
  ensureSelfLink();
  if (process.argv.includes("--for-tests")) {
    if (process.env.BPL_SKIP_NOTEBOOK_TESTS === "1") {
      log("BPL_SKIP_NOTEBOOK_TESTS=1: not setting up Jupyter or Chromium; the kernel and browser suites will be skipped");
    } else {
      ensureJupyter();
      ensureKernel();
      ensurePlotlyForServer();
      if (process.env.BPL_SKIP_BROWSER_TESTS !== "1") ensureChromium();
    }
    if (process.env.BPL_SKIP_TORCH_TESTS !== "1") ensureTorch();
  }
}
