/**
 * `npm run hub` for real: scripts/hub.mjs installs a shared build into a temporary prefix and runs
 * Debian's JupyterHub on a free localhost port for two local accounts that this test creates (as root)
 * and removes afterwards. Each student logs in with their password (PAM) in headless Chromium, runs the
 * display gallery in their own server (its charts must draw), edits exercises/01-local-rules.ts in the
 * Notebook's editor and checks it in notebook 10, then grades it with `npx backprop-lab grade` in a
 * Notebook terminal. Alice writes the right mul-backward, Bob a wrong one, so every check also shows
 * whose files it read. Then: neither can read the other's copy; an update of the course brings a new
 * notebook and a changed unedited one, and leaves both students' edited files as they were; collect +
 * `grade --class` grades the two copies unchanged and ignores a planted symlink to /etc/shadow.
 * Everything started is stopped (and the accounts removed) in afterAll, also when a step fails.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, artifacts, freePort, root } from "../notebooks/helpers";
import { LOADED, census, hubLogin, openNotebook, waitForCharts, waitIdle, type JupyterWindow } from "../notebooks/browser";

const isRoot = process.getuid?.() === 0;
const canMakeAccounts = isRoot && existsSync("/usr/sbin/useradd") && existsSync("/usr/sbin/chpasswd");
const hubInstallable = existsSync("/usr/bin/jupyterhub") || (isRoot && existsSync("/usr/bin/apt-get"));
const skipReason =
  process.env.BPL_SKIP_NOTEBOOK_TESTS === "1" || process.env.BPL_SKIP_BROWSER_TESTS === "1"
    ? "BPL_SKIP_NOTEBOOK_TESTS/BPL_SKIP_BROWSER_TESTS=1"
    : !hubInstallable
      ? "JupyterHub is not installed and this run cannot install it (needs root with apt): sudo apt-get install -y jupyterhub node-configurable-http-proxy python3-terminado"
      : !canMakeAccounts
        ? "the hub test creates two local accounts and runs the hub, which starts servers as those accounts: run it as root (useradd/chpasswd)"
        : null;
if (skipReason) console.warn(`[hub test] skipped: ${skipReason}`);

// Accounts are named after this process, so leftovers of a killed run are recognised and removed.
const TAG = `bplhub${process.pid}`;
const students = [
  { name: `${TAG}a`, password: randomBytes(12).toString("hex"), mul: "return { da: g * b, db: g * a };", score: 1 },
  { name: `${TAG}b`, password: randomBytes(12).toString("hex"), mul: "return { da: g * a, db: g * b };", score: 0 },
];
const STUB = 'throw new Error("not implemented: mul-backward");';
/** The display gallery: every kind of chart, formula and graph the course draws. */
const GALLERY = readdirSync(join(root, "notebooks")).find((f) => /^\d+-display-gallery\.ipynb$/.test(f))!;

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const homeOf = (user: string) => sh("getent", ["passwd", user]).trim().split(":")[5]!;
/** Runs a shell command as `user`; returns its exit status and output. */
function asUser(user: string, command: string): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync("runuser", ["-u", user, "--", "sh", "-c", command], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: homeOf(user) } }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

describe.skipIf(skipReason !== null)("npm run hub: a class on one machine", () => {
  const base = skipReason ? "" : mkdtempSync("/tmp/bpl-hub-test-");
  const prefix = join(base, "opt", "backprop-lab");
  const kernelPrefix = join(base, "kernel");
  const state = join(base, "state");
  const shots = join(artifacts, "hub");
  let port = 0;
  let hub: ChildProcess | undefined;
  let hubExit: Promise<unknown> | undefined;
  let hubLog = "";
  let browser: Browser | undefined;
  const hubArgs = () => ["--prefix", prefix, "--kernel-prefix", kernelPrefix, "--state", state];

  /** Stops the hub (it stops every student's server and the proxy), then the browser. Idempotent. */
  async function stopAll() {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    if (hub?.pid !== undefined && hub.exitCode === null && hub.signalCode === null) {
      hub.kill("SIGINT");
      const stopped = await Promise.race([hubExit, new Promise((r) => setTimeout(() => r("timeout"), 120_000))]);
      if (stopped === "timeout") process.kill(-hub.pid, "SIGKILL"); // its own process group: the hub and what it started
    }
  }

  function removeAccounts(pattern: RegExp) {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const name = line.split(":")[0]!;
      if (pattern.test(name)) execFileSync("userdel", ["--remove", "--force", name], { stdio: "ignore" });
    }
  }

  beforeAll(async () => {
    chmodSync(base, 0o755); // the students' servers read the shared build below it
    mkdirSync(shots, { recursive: true });
    // Accounts left by an earlier run that was killed before its clean-up (its process is gone).
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const m = /^bplhub(\d+)[ab]:/.exec(line);
      if (m && !alive(Number(m[1]))) execFileSync("userdel", ["--remove", "--force", line.split(":")[0]!], { stdio: "ignore" });
    }
    for (const s of students) {
      execFileSync("useradd", ["--create-home", "--shell", "/bin/bash", s.name]);
      execFileSync("chpasswd", [], { input: `${s.name}:${s.password}\n` });
    }
  });

  afterAll(async () => {
    await stopAll();
    // A server that outlived a hub killed after its grace period: these processes were started by this
    // test's hub as this test's accounts; end them by id before the accounts go.
    for (const s of students) {
      const pids = (() => {
        try {
          return sh("pgrep", ["-u", s.name]).trim().split("\n").filter(Boolean).map(Number);
        } catch {
          return []; // none, or the account was never made
        }
      })();
      for (const pid of pids) process.kill(pid, "SIGKILL");
    }
    removeAccounts(new RegExp(`^${TAG}[ab]$`));
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it("starts the hub: shared read-only build, kernel registered, login page served", async () => {
    port = await freePort();
    const started = Date.now();
    hub = spawn(process.execPath, [join(root, "scripts", "hub.mjs"), "--port", String(port), "--ip", "127.0.0.1", "--users", students.map((s) => s.name).join(","), ...hubArgs()], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    hub.stdout!.on("data", (d) => (hubLog += d));
    hub.stderr!.on("data", (d) => (hubLog += d));
    hubExit = new Promise((r) => hub!.on("exit", r));
    // Readiness, not speed: the first run installs the shared build on a loaded machine.
    let up = false;
    for (let i = 0; i < 1200 && !up && hub.exitCode === null; i++) {
      up = await fetch(`http://127.0.0.1:${port}/hub/login`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 500));
    }
    expect(up, `the hub did not serve its login page; log:\n${hubLog}`).toBe(true);
    console.log(`[hub test] npm run hub served its login page after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The shared build: the library, the course, no solutions, and nobody may write to any of it.
    for (const p of ["dist/index.js", "node_modules/backprop-lab", "node_modules/.bin/tslab", "course/notebooks/10-exercises.ipynb", "course/exercises/01-local-rules.ts"]) {
      expect(existsSync(join(prefix, p)), p).toBe(true);
    }
    expect(existsSync(join(prefix, "solutions"))).toBe(false);
    expect(sh("find", [prefix, "-not", "-type", "l", "-perm", "/222"]).trim(), "files or folders with a write bit").toBe("");
    expect(sh("find", [prefix, "-not", "-type", "l", "-not", "-perm", "-444"]).trim(), "files or folders not readable by all").toBe("");
    const spec = JSON.parse(readFileSync(join(kernelPrefix, "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[] };
    expect(spec.argv[0]).toBe(join(prefix, "node_modules", ".bin", "tslab"));
    // A student cannot write into the shared build.
    expect(asUser(students[0]!.name, `touch ${prefix}/dist/x`).status).not.toBe(0);
  });

  /** Logs `s` in through the hub's form; the server opens on their copy of the notebooks. */
  async function login(s: (typeof students)[number]): Promise<Page> {
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await hubLogin(browser, `http://127.0.0.1:${port}`, s.name, s.password);
    expect(page.url()).toContain(`/user/${s.name}/tree/notebooks`);
    return page;
  }

  for (const s of students) {
    it(`${s.name.slice(TAG.length) === "a" ? "alice" : "bob"}: logs in, runs the gallery (charts draw), edits and checks an exercise in notebook 10 and a terminal`, async () => {
      expect(port, "the hub did not start").toBeGreaterThan(0);
      const page = await login(s);
      const user = `http://127.0.0.1:${port}/user/${s.name}`;
      const listed = await page.$$eval("#notebook_list .item_link .item_name", (els) => els.map((e) => e.textContent ?? ""));
      expect(listed).toContain("10-exercises.ipynb");
      expect(listed).toContain(GALLERY);
      // The copy is the student's own, made at first login, private to them.
      const home = homeOf(s.name);
      const copy = join(home, "backprop-lab");
      expect(sh("stat", ["-c", "%U %a", copy]).trim()).toBe(`${s.name} 700`);

      // 1. The gallery, Run All: every chart draws (plotly inline, the kernel from the shared build).
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await openNotebook(page, `${user}/notebooks/notebooks/${GALLERY}`);
      await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.execute_all_cells());
      await waitIdle(page, LOADED);
      const before = await census(page);
      expect(before.chartDivs).toBeGreaterThanOrEqual(7);
      await waitForCharts(page, before.chartDivs, LOADED);
      const drawn = await census(page);
      await page.screenshot({ path: join(shots, `${s.name}-gallery.png`), fullPage: true });
      expect(drawn.charts).toBe(before.chartDivs);
      expect(drawn.graphs).toBeGreaterThanOrEqual(2);
      const errors = await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.get_cells().flatMap((c) => (c.output_area?.outputs ?? []) as { output_type: string; name?: string; text?: string }[]).filter((o) => o.output_type === "error" || o.name === "stderr"));
      expect(errors).toEqual([]);
      await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.save_notebook());
      await page.waitForFunction(() => !document.title.startsWith("*"), undefined, { timeout: 60_000 });
      // The server's own plotly copy (from the kernel prefix) for pages that lost the inline bundle.
      expect(await page.evaluate(async (u) => (await fetch(`${u}/nbextensions/backprop-lab/plotly.js`)).status, user)).toBe(200);

      // 2. Edit exercises/01-local-rules.ts in the Notebook's text editor and save it.
      await page.goto(`${user}/edit/exercises/01-local-rules.ts`);
      // The editor exists before the file's text arrives: wait for the text, not only the editor.
      await page.waitForFunction(
        (stub) => (window as unknown as { IPython?: { editor?: { codemirror?: { getValue(): string } } } }).IPython?.editor?.codemirror?.getValue().includes(stub) === true,
        STUB,
        { timeout: 120_000 },
      );
      await page.evaluate(
        ([stub, body]) => {
          const ed = (window as unknown as { IPython: { editor: { codemirror: { getValue(): string; setValue(v: string): void }; save(): void } } }).IPython.editor;
          ed.codemirror.setValue(ed.codemirror.getValue().replace(stub!, body!));
          ed.save();
        },
        [STUB, s.mul],
      );
      const file = join(copy, "exercises", "01-local-rules.ts");
      for (let i = 0; i < 240 && !readFileSync(file, "utf8").includes(s.mul); i++) await new Promise((r) => setTimeout(r, 250));
      expect(readFileSync(file, "utf8")).toContain(s.mul);
      expect(sh("stat", ["-c", "%U", file]).trim()).toBe(s.name);

      // 3. Notebook 10: its first cell and the mul-backward check read the student's own exercises/.
      await openNotebook(page, `${user}/notebooks/notebooks/10-exercises.ipynb`);
      const cellOf = await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.get_cells().findIndex((c) => c.get_text().includes('checkFile("01-local-rules.ts", "mul-backward")')));
      expect(cellOf).toBeGreaterThan(1);
      await page.evaluate((i) => (window as unknown as JupyterWindow).Jupyter.notebook.execute_cells([1, i]), cellOf);
      await waitIdle(page, LOADED);
      const table = await page.evaluate((i) => document.querySelectorAll(".cell")[i]!.querySelector(".output_area")?.textContent ?? "", cellOf);
      await page.screenshot({ path: join(shots, `${s.name}-exercises.png`) });
      expect(table).toContain("mul-backward");
      expect(table).toContain(`${s.score.toFixed(2)} / 1`);

      // 4. A terminal in the student's server: `npx backprop-lab grade` resolves the shared build.
      const out = await page.evaluate(async (u) => {
        const xsrf = document.cookie.split("; ").find((c) => c.startsWith("_xsrf="))?.slice(6) ?? "";
        const made = (await (await fetch(`${u}/api/terminals`, { method: "POST", headers: { "X-XSRFToken": decodeURIComponent(xsrf) } })).json()) as { name: string };
        const ws = new WebSocket(`${u.replace(/^http/, "ws")}/terminals/websocket/${made.name}`);
        let text = "";
        return await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve(`${text}\n[no end marker within 5 minutes]`), 300_000);
          ws.onmessage = (ev) => {
            const [kind, data] = JSON.parse(ev.data as string) as [string, string];
            if (kind === "stdout") text += data;
            if (/GRADE-EXIT=\d+/.test(text.split("echo GRADE-EXIT").slice(-1)[0]!)) {
              clearTimeout(timer);
              ws.close();
              resolve(text);
            }
          };
          ws.onopen = () => ws.send(JSON.stringify(["stdin", "cd ~/backprop-lab && npx backprop-lab grade exercises/ --exercise mul-backward; echo GRADE-EXIT=$?\r"]));
        });
      }, user);
      expect(out).toMatch(/GRADE-EXIT=0/);
      expect(out).toMatch(new RegExp(`mul-backward\\s+${s.score}/1`));
      expect(pageErrors).toEqual([]);
    });
  }

  it("isolation: neither student can read or list the other's copy", () => {
    const [a, b] = students;
    for (const [me, other] of [[a!, b!], [b!, a!]]) {
      const theirs = join(homeOf(other!.name), "backprop-lab");
      const read = asUser(me!.name, `cat ${theirs}/exercises/01-local-rules.ts`);
      expect(read.status, read.out).not.toBe(0);
      expect(read.out).toContain("Permission denied");
      expect(asUser(me!.name, `ls ${theirs}`).status).not.toBe(0);
      // …while their own is theirs
      expect(asUser(me!.name, "cat ~/backprop-lab/exercises/01-local-rules.ts").out).toContain(me!.mul);
    }
  });

  it("update: a new and a changed course arrive, every file a student edited or ran stays theirs", () => {
    // The instructor's next edition: one new notebook, a changed notebook nobody opened, a changed
    // exercise file and gallery (both edited or run by the students).
    const course = join(base, "course-v2");
    for (const f of ["notebooks", "exercises"]) cpSync(join(root, f), join(course, f), { recursive: true });
    const untouched = "05-worked-examples.ipynb";
    const nb = JSON.parse(readFileSync(join(course, "notebooks", untouched), "utf8")) as { cells: { source: string[] }[] };
    nb.cells[0]!.source.push("\n\n(Second edition.)");
    writeFileSync(join(course, "notebooks", untouched), JSON.stringify(nb, null, 1) + "\n");
    writeFileSync(join(course, "notebooks", "11-new-in-v2.ipynb"), readFileSync(join(root, "notebooks", "09-looking-ahead.ipynb")));
    writeFileSync(join(course, "exercises", "01-local-rules.ts"), readFileSync(join(root, "exercises", "01-local-rules.ts"), "utf8") + "\n// second edition\n");
    writeFileSync(join(course, "notebooks", GALLERY), readFileSync(join(root, "notebooks", GALLERY), "utf8").replace('"cells": [', '"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["v2"]},'));
    const saved = new Map(students.map((s) => [s.name, readFileSync(join(homeOf(s.name), "backprop-lab", "notebooks", GALLERY), "utf8")]));

    execFileSync(process.execPath, [join(root, "scripts", "hub.mjs"), "update", "--course", course, ...hubArgs()], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    expect(readFileSync(join(prefix, "course", "notebooks", untouched), "utf8")).toContain("Second edition");
    for (const s of students) {
      const copy = join(homeOf(s.name), "backprop-lab");
      expect(readFileSync(join(copy, "notebooks", untouched), "utf8"), `${s.name}: the unedited notebook is the new edition`).toContain("Second edition");
      expect(existsSync(join(copy, "notebooks", "11-new-in-v2.ipynb")), `${s.name}: the new notebook arrived`).toBe(true);
      expect(sh("stat", ["-c", "%U", join(copy, "notebooks", "11-new-in-v2.ipynb")]).trim()).toBe(s.name);
      const mine = readFileSync(join(copy, "exercises", "01-local-rules.ts"), "utf8");
      expect(mine, `${s.name}: their exercise answer is kept`).toContain(s.mul);
      expect(mine).not.toContain("second edition");
      expect(readFileSync(join(copy, "notebooks", GALLERY), "utf8"), `${s.name}: the gallery they ran and saved is kept`).toBe(saved.get(s.name));
      // the pristine new edition stays readable in the shared build
      expect(asUser(s.name, `cat ${prefix}/course/exercises/01-local-rules.ts`).out).toContain("second edition");
    }
  });

  it("collect + grade --class: each student's exercises graded unchanged; a planted symlink is not followed", () => {
    const [, b] = students;
    // Bob tries to smuggle a file he cannot read into the instructor's class folder.
    expect(asUser(b!.name, "ln -s /etc/shadow ~/backprop-lab/exercises/zz-shadow.ts").status).toBe(0);
    const classDir = join(base, "class");
    execFileSync(process.execPath, [join(root, "scripts", "hub.mjs"), "collect", classDir, "--state", state], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    expect(readdirSync(classDir).sort()).toEqual(students.map((s) => s.name).sort());
    for (const s of students) {
      const files = readdirSync(join(classDir, s.name)).sort();
      expect(files).toEqual(readdirSync(join(root, "exercises")).filter((f) => f.endsWith(".ts")).sort());
      expect(readFileSync(join(classDir, s.name, "01-local-rules.ts"), "utf8")).toContain(s.mul);
    }
    const out = join(base, "grades");
    execFileSync(process.execPath, [join(root, "dist", "grader", "cli.js"), "grade", "--class", classDir, "--exercise", "mul-backward", "--out", out], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const rows = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    expect(rows.map((r) => [r[0], Number(r[1])])).toEqual(students.map((s) => [s.name, s.score]));
  });

  it("stops everything it started: the hub, the proxy and both students' servers", async () => {
    expect(hub, "the hub was not started").toBeDefined();
    await stopAll();
    expect(hub!.exitCode ?? hub!.signalCode, `hub log:\n${hubLog.slice(-3000)}`).not.toBeNull();
    expect(await fetch(`http://127.0.0.1:${port}/hub/login`).then(() => "answers", () => "closed")).toBe("closed");
    for (const s of students) {
      const left = (() => {
        try {
          return sh("pgrep", ["-u", s.name, "-a"]).trim();
        } catch {
          return ""; // pgrep exits 1 when nothing matches
        }
      })();
      expect(left, `processes of ${s.name} still running`).toBe("");
    }
  });
});
