#!/usr/bin/env node
// `npm run hub`: the course for a class on one machine, through Debian's JupyterHub. Run as root.
//   npm run hub [-- start] [options]   set up what is missing, then run the hub (Ctrl-C stops it)
//   npm run hub -- install [options]   only the set-up: packages, the shared build, the kernel
//   npm run hub -- update [options]    re-install the shared build from this checkout, then refresh
//                                      every student's copy (new and unchanged files only)
//   npm run hub -- collect DIR         every student's exercises/ into DIR/<user>/, for grade --class
// The set-up steps are scripts/setup.mjs's; the student's copy is scripts/course-copy.mjs's.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { COURSE_FOLDERS } from "./course-copy.mjs";
import { aptInstall, ensureBuild, ensureJupyter, ensureKernel, ensureNodeModules, ensurePlotlyForServer, ensureSelfLink, hasApt, isRoot, pythonHas, run } from "./setup.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const log = (msg) => console.error(`[hub] ${msg}`);

const USAGE = `usage: npm run hub [-- [start|install|update] [options]]
       npm run hub -- collect DIR [--users a,b] [--state DIR]

  start (default)   set up what is missing, then run JupyterHub (Ctrl-C stops it and every server)
  install           only the set-up: Debian packages, the shared build, the system-wide kernel
  update            install this checkout's course again, then refresh each student's copy:
                    new files and files the student never changed are copied; edited files stay
  collect DIR       copy each student's exercises/*.ts into DIR/<user>/ for
                    \`npx backprop-lab grade --class DIR\`

options:
  --port N               the hub's public port (default 8000)
  --ip ADDR              the address it listens on (default: every interface)
  --users a,b,...        the students (local accounts) allowed to log in; remembered in the state
                         folder for update and collect
  --authenticator pam    local accounts and their passwords (default)
  --authenticator dummy  any password, or the one in BPL_HUB_PASSWORD: only with --testing
  --testing              allow the dummy authenticator (never for a real class)
  --prefix DIR           the shared read-only build (default /opt/backprop-lab)
  --course DIR           serve DIR/notebooks and DIR/exercises instead of this checkout's (install,
                         start, update): an instructor's own edition of the course
  --kernel-prefix DIR    where the kernel is registered, DIR/share/jupyter (default /usr/local:
                         system-wide, on every Jupyter's default path)
  --state DIR            the hub's database, cookie secret and config (default /var/lib/backprop-lab-hub)
  --help                 this text`;

class UsageError extends Error {}

function parse(argv) {
  const o = {
    command: "start",
    port: 8000,
    ip: "",
    users: null,
    authenticator: "pam",
    testing: false,
    prefix: "/opt/backprop-lab",
    kernelPrefix: "/usr/local",
    course: root,
    state: "/var/lib/backprop-lab-hub",
    dir: null,
  };
  let i = 0;
  if (argv[0] && !argv[0].startsWith("-")) {
    o.command = argv[0];
    if (!["start", "install", "update", "collect"].includes(o.command)) throw new UsageError(`unknown command "${o.command}"`);
    i = 1;
    if (o.command === "collect") {
      if (!argv[1] || argv[1].startsWith("-")) throw new UsageError("collect needs the class folder to write, e.g. collect /srv/grading/week3");
      o.dir = resolve(argv[1]);
      i = 2;
    }
  }
  for (; i < argv.length; i++) {
    let [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--help" || flag === "-h") return "help";
    else if (flag === "--testing") o.testing = true;
    else if (flag === "--port") {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new UsageError(`--port needs a port number, got "${v}"`);
      o.port = Number(v);
    } else if (flag === "--ip") o.ip = value();
    else if (flag === "--users") {
      o.users = value().split(",").map((u) => u.trim()).filter(Boolean);
      const bad = o.users.find((u) => !/^[a-z_][a-z0-9_-]*$/.test(u));
      if (bad !== undefined) throw new UsageError(`--users: "${bad}" is not a local account name`);
    } else if (flag === "--authenticator") {
      o.authenticator = value();
      if (!["pam", "dummy"].includes(o.authenticator)) throw new UsageError(`--authenticator is pam or dummy, got "${o.authenticator}"`);
    } else if (flag === "--prefix") o.prefix = resolve(value());
    else if (flag === "--course") o.course = resolve(value());
    else if (flag === "--kernel-prefix") o.kernelPrefix = resolve(value());
    else if (flag === "--state") o.state = resolve(value());
    else throw new UsageError(`unknown option ${argv[i]}`);
  }
  if (o.authenticator === "dummy" && !o.testing) throw new UsageError("--authenticator dummy lets anyone in with any password: add --testing to say this is not a real class");
  return o;
}

/** Debian's JupyterHub and its proxy (and terminals in the Notebook), installed with apt like Jupyter itself. */
function ensureHub() {
  const ok = () => existsSync("/usr/bin/jupyterhub") && existsSync("/usr/bin/jupyterhub-singleuser") && existsSync("/usr/bin/configurable-http-proxy") && pythonHas("terminado");
  if (ok()) return;
  if (isRoot() && hasApt()) {
    aptInstall(HUB_PKGS);
    if (ok()) return;
  }
  throw new Error(`JupyterHub is missing. Install it with:\n  sudo apt-get install -y ${HUB_PKGS.join(" ")}`);
}
/** What `npm run hub` installs from Debian besides Jupyter. */
export const HUB_PKGS = ["jupyterhub", "node-configurable-http-proxy", "python3-terminado"];

/**
 * The shared build: this checkout's dist/ and production node_modules, the course (notebooks/ and
 * exercises/, never solutions/) and the student-side copy script, made in a new folder and swapped in
 * with a rename, so running kernels keep their files and nobody sees half an update. Everything is
 * readable by all and writable by nobody (root's own override aside).
 */
function installShared(prefix, course) {
  for (const folder of COURSE_FOLDERS) {
    if (!existsSync(join(course, folder))) throw new Error(`--course ${course} has no ${folder}/ folder`);
  }
  ensureNodeModules();
  ensureBuild();
  ensureSelfLink();
  const next = `${prefix}.new-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  log(`building the shared copy in ${next}`);
  for (const f of ["package.json", "package-lock.json", "README.md"]) copyFileSync(join(root, f), join(next, f));
  cpSync(join(root, "dist"), join(next, "dist"), { recursive: true });
  cpSync(join(root, "node_modules"), join(next, "node_modules"), { recursive: true, verbatimSymlinks: true });
  run("npm", ["prune", "--omit=dev", "--offline", "--no-audit", "--no-fund"], { cwd: next });
  ensureSelfLink(next);
  mkdirSync(join(next, "scripts"));
  copyFileSync(join(root, "scripts", "course-copy.mjs"), join(next, "scripts", "course-copy.mjs"));
  for (const folder of COURSE_FOLDERS) {
    cpSync(join(course, folder), join(next, "course", folder), { recursive: true, filter: (src) => !/(^|\/)(\.ipynb_checkpoints|.*\.nbconvert\.ipynb)$/.test(src) });
  }
  // What a single-user server starts with, here and in the container image: refresh the student's
  // copy as the student (scripts/course-copy.mjs), then the given command / the single-user server.
  mkdirSync(join(next, "bin"));
  const entry = join(prefix, "bin", "backprop-lab-entrypoint");
  writeFileSync(
    join(next, "bin", "backprop-lab-entrypoint"),
    `#!/bin/sh\nnode "${prefix}/scripts/course-copy.mjs" || echo "[course] could not refresh your copy of the course; starting anyway" >&2\nexec "$@"\n`,
    { mode: 0o755 },
  );
  writeFileSync(join(next, "bin", "backprop-lab-singleuser"), `#!/bin/sh\nexec "${entry}" jupyterhub-singleuser "$@"\n`, { mode: 0o755 });
  readOnly(next, true);
  const old = `${prefix}.old-${process.pid}`;
  if (existsSync(prefix)) renameSync(prefix, old);
  renameSync(next, prefix);
  rmSync(old, { recursive: true, force: true });
  log(`shared build ready in ${prefix} (read-only for everyone)`);
}

/** chmod a+rX, a-w on a whole tree (symlinks are left alone: their mode means nothing). */
function readOnly(p, top = false) {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    for (const e of readdirSync(p)) readOnly(join(p, e));
    chmodSync(p, 0o555);
  } else chmodSync(p, st.mode & 0o111 ? 0o555 : 0o444);
  if (top) chmodSync(p, 0o555);
}

/** The kernel and the plotly copy, where every single-user server finds them. */
function installKernel(o) {
  ensureKernel({ prefix: o.kernelPrefix, binary: join(o.prefix, "node_modules", ".bin", "tslab") });
  ensurePlotlyForServer(join(o.kernelPrefix, "share", "jupyter"));
}

function install(o) {
  if (!isRoot()) throw new Error("npm run hub installs packages, writes the shared build and starts servers for other accounts: run it as root (sudo npm run hub)");
  ensureJupyter();
  ensureHub();
  installShared(o.prefix, o.course);
  installKernel(o);
}

/** A local account's home folder, or null when there is no such account. */
function homeOf(user) {
  try {
    return execFileSync("getent", ["passwd", user], { encoding: "utf8" }).trim().split(":")[5] || null;
  } catch {
    return null;
  }
}

function usersOf(o) {
  if (o.users) return o.users;
  const file = join(o.state, "users.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  throw new UsageError(`no --users given and no ${file} from an earlier start`);
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

const py = (v) => JSON.stringify(v); // JSON strings, lists and numbers are Python literals too

async function start(o) {
  const users = usersOf(o);
  if (users.length === 0) throw new UsageError("--users needs at least one account");
  const missing = users.filter((u) => homeOf(u) === null);
  if (missing.length) throw new Error(`no local account for: ${missing.join(", ")}. Create them first (adduser NAME), or fix --users.`);
  install(o);
  mkdirSync(o.state, { recursive: true, mode: 0o700 });
  chmodSync(o.state, 0o700);
  writeFileSync(join(o.state, "users.json"), JSON.stringify(users) + "\n");
  // The hub's own API and the proxy's API on free local ports, so two hubs (or a test) never collide.
  const [hubPort, proxyApiPort] = [await freePort(), await freePort()];
  const config = join(o.state, "jupyterhub_config.py");
  writeFileSync(
    config,
    [
      "# Written by scripts/hub.mjs at every start; edit that script, not this file.",
      "c = get_config()  # noqa",
      `c.JupyterHub.bind_url = ${py(`http://${o.ip}:${o.port}`)}`,
      `c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${hubPort}`)}`,
      `c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${proxyApiPort}`)}`,
      `c.ConfigurableHTTPProxy.pid_file = ${py(join(o.state, "proxy.pid"))}`,
      `c.JupyterHub.pid_file = ${py(join(o.state, "jupyterhub.pid"))}`,
      `c.JupyterHub.cookie_secret_file = ${py(join(o.state, "jupyterhub_cookie_secret"))}`,
      `c.JupyterHub.db_url = ${py(`sqlite:///${join(o.state, "jupyterhub.sqlite")}`)}`,
      `c.Authenticator.allowed_users = set(${py(users)})`,
      o.authenticator === "pam"
        ? "c.JupyterHub.authenticator_class = 'pam'\nc.PAMAuthenticator.open_sessions = False  # no login sessions (systemd-logind) needed"
        : "c.JupyterHub.authenticator_class = 'dummy'\nimport os\nif os.environ.get('BPL_HUB_PASSWORD'):\n    c.DummyAuthenticator.password = os.environ['BPL_HUB_PASSWORD']",
      // Each student's server runs as their own account, starting in their copy of the course.
      `c.Spawner.cmd = [${py(join(o.prefix, "bin", "backprop-lab-singleuser"))}]`,
      "c.Spawner.notebook_dir = '~/backprop-lab'",
      "c.Spawner.default_url = '/tree/notebooks'",
      `c.Spawner.environment = {"JUPYTER_PATH": ${py(join(o.kernelPrefix, "share", "jupyter"))}}`,
      // generous: a loaded course machine starts many servers at the start of a lesson
      "c.Spawner.start_timeout = 300",
      "c.Spawner.http_timeout = 300",
      "",
    ].join("\n"),
  );
  log(`serving the course to ${users.join(", ")} at http://${o.ip || "0.0.0.0"}:${o.port}/ (${o.authenticator === "pam" ? "local passwords" : "TESTING: dummy authenticator"}); Ctrl-C stops it`);
  // Debian's proxy needs Debian's Node modules even when `node` comes from elsewhere.
  const env = { ...process.env, NODE_PATH: "/usr/share/nodejs", PATH: `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}` };
  const hub = spawn("/usr/bin/jupyterhub", ["-f", config], { cwd: o.state, stdio: "inherit", env });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => hub.kill(sig));
  hub.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

/** Runs the student-side copy script as `user` for every student whose copy exists already. */
function update(o) {
  install(o);
  for (const user of usersOf(o)) {
    const home = homeOf(user);
    if (home === null || !existsSync(join(home, "backprop-lab"))) {
      log(`${user}: no copy yet (made at the first login)`);
      continue;
    }
    log(`${user}:`);
    run("runuser", ["-u", user, "--", process.execPath, join(o.prefix, "scripts", "course-copy.mjs")], { env: { ...process.env, HOME: home, BPL_COURSE_DIR: "" } });
  }
}

/**
 * DIR/<user>/*.ts from each student's ~/backprop-lab/exercises. Root reads other people's folders here,
 * so only real folders and regular files that the student owns are taken: a symlink or a hard link
 * to someone else's file (or to /etc/shadow) is skipped and reported.
 */
function collect(o) {
  if (!isRoot()) throw new Error("collect reads every student's folder: run it as root");
  mkdirSync(o.dir, { recursive: true });
  let n = 0;
  for (const user of usersOf(o)) {
    const home = homeOf(user);
    const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
    const src = home && join(home, "backprop-lab", "exercises");
    const owned = (p, dir) => {
      const st = lstatSync(p, { throwIfNoEntry: false });
      return st !== undefined && st.uid === uid && (dir ? st.isDirectory() : st.isFile() && st.nlink === 1);
    };
    if (!src || !owned(join(home, "backprop-lab"), true) || !owned(src, true)) {
      log(`${user}: no exercises folder of their own, nothing collected`);
      continue;
    }
    const out = join(o.dir, user);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    for (const name of readdirSync(src).filter((f) => f.endsWith(".ts")).sort()) {
      if (owned(join(src, name), false)) copyFileSync(join(src, name), join(out, name));
      else log(`${user}: skipped ${name} (not a regular file of their own)`);
    }
    n++;
  }
  log(`collected ${n} student folder(s) into ${o.dir}; grade them with: npx backprop-lab grade --class ${o.dir}`);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    const o = parse(process.argv.slice(2));
    if (o === "help") {
      console.log(USAGE);
      process.exit(0);
    }
    if (o.command === "install") install(o);
    else if (o.command === "update") update(o);
    else if (o.command === "collect") collect(o);
    else await start(o);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`[hub] ${e.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`[hub] ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
