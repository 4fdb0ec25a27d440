/**
 * The container image (deploy/Containerfile), built with Debian's podman and run: it is a Debian 12
 * image whose user is jovyan (uid 1000), whose entry point gives jovyan a copy of the course, where
 * a notebook executes through the tslab kernel with no error, `npx backprop-lab grade` grades the
 * exercises, the shared build is read-only and holds no solutions; and started by a real JupyterHub
 * (a spawner that runs `podman run`, as KubeSpawner runs the image on Zero to JupyterHub), a login in
 * Chromium opens the course, the gallery's charts draw and notebook 10 checks an exercise.
 *
 * Building takes several minutes (Debian's Jupyter and Node from the network, npm ci, tsc), too long
 * for every `npm test`, so this suite runs only with BPL_IMAGE_TESTS=1. The base is
 * $BPL_IMAGE_BASE, or localhost/debian:bookworm-debootstrap when that exists, or one made by
 * deploy/make-base.sh (debootstrap from Debian's mirror: no image registry is needed).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, freePort, root, waitForHttp } from "../notebooks/helpers";
import { LOADED, census, hubLogin, openNotebook, waitForCharts, waitIdle, type JupyterWindow } from "../notebooks/browser";

const run = promisify(execFile);
const wanted = process.env.BPL_IMAGE_TESTS === "1";
const skipReason = !wanted
  ? "set BPL_IMAGE_TESTS=1 to build and run the container image (several minutes)"
  : !existsSync("/usr/bin/podman")
    ? "podman is missing (apt-get install -y podman runc debootstrap)"
    : null;
if (skipReason) console.warn(`[image test] skipped: ${skipReason}`);

const IMAGE = "localhost/backprop-lab:test";
const gallery = readdirSync(join(root, "notebooks")).find((f) => /^\d+-display-gallery\.ipynb$/.test(f))!;
const tmp = wanted ? mkdtempSync("/tmp/bpl-image-test-") : "";

/**
 * Flags that let podman run inside a restricted machine like ours (a VM that is itself a container
 * host): runc, because crun refuses cgroup v1 with controllers on the v2 hierarchy ("cgroups in hybrid
 * mode not supported"); rlimits no higher than this process may set, because podman's defaults
 * (nofile 1048576) fail with "setrlimit RLIMIT_NOFILE: Operation not permitted" without CAP_SYS_RESOURCE.
 */
async function limits(): Promise<string[]> {
  const nofile = (await run("sh", ["-c", "ulimit -Hn"])).stdout.trim();
  return ["--ulimit", `nofile=${nofile}:${nofile}`, "--ulimit", "nproc=4096:4096"];
}
async function runFlags(): Promise<string[]> {
  return [...(existsSync("/usr/bin/runc") ? ["--runtime", "/usr/bin/runc"] : []), ...(await limits())];
}

/** The machine's extra CA certificates (a TLS-inspecting proxy's), for npm inside the build. */
function extraCa(): string[] {
  const dir = "/usr/local/share/ca-certificates";
  const certs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".crt")) : [];
  if (certs.length === 0) return [];
  const file = join(tmp, "extra-ca.pem");
  writeFileSync(file, certs.map((f) => readFileSync(join(dir, f), "utf8")).join("\n"));
  return ["--secret", `id=extra-ca,src=${file}`];
}

async function podman(args: string[], timeoutMs = 600_000): Promise<string> {
  const { stdout } = await run("podman", args, { maxBuffer: 256 << 20, timeout: timeoutMs });
  return stdout;
}

describe.skipIf(skipReason !== null)("container image (deploy/Containerfile)", () => {
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("builds from a Debian base with podman", async () => {
    let base = process.env.BPL_IMAGE_BASE;
    if (!base) {
      base = "localhost/debian:bookworm-debootstrap";
      const exists = await run("podman", ["image", "exists", base]).then(() => true, () => false);
      if (!exists) await run(join(root, "deploy", "make-base.sh"), [base], { timeout: 1_800_000 });
    }
    const started = Date.now();
    // chroot isolation: the RUN steps need no OCI runtime (see runFlags), only the network.
    await podman(["build", "--isolation", "chroot", ...(await limits()), ...extraCa(), "--build-arg", `BASE=${base}`, "-f", join(root, "deploy", "Containerfile"), "-t", IMAGE, root], 3_600_000);
    const size = (await podman(["image", "inspect", IMAGE, "--format", "{{.Size}}"])).trim();
    console.log(`[image test] built ${IMAGE} in ${((Date.now() - started) / 1000).toFixed(0)} s, ${(Number(size) / 1e6).toFixed(0)} MB`);
  });

  it("runs as jovyan (uid 1000) with the course in its home, the build read-only, no solutions", async () => {
    const out = await podman(["run", "--rm", ...(await runFlags()), IMAGE, "sh", "-c",
      "id -u; id -un; cat /etc/debian_version; node --version; ls ~/backprop-lab/notebooks/*.ipynb | wc -l; " +
      "test -e /opt/backprop-lab/solutions && echo has-solutions; touch /opt/backprop-lab/x 2>/dev/null && echo writable; " +
      "find /opt/backprop-lab -not -type l -perm /222 | head -1; jupyter kernelspec list"]);
    const [uid, name, debian, node, notebooks] = out.split("\n");
    expect(uid).toBe("1000");
    expect(name).toBe("jovyan");
    expect(debian).toMatch(/^12\./);
    expect(node).toMatch(/^v24\./);
    expect(Number(notebooks)).toBe(readdirSync(join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).length);
    expect(out).not.toContain("has-solutions");
    expect(out).not.toContain("writable");
    expect(out).toMatch(/tslab\s+\/usr\/local\/share\/jupyter\/kernels\/tslab/);
  });

  it("executes a notebook through the kernel and grades the exercises inside the container", async () => {
    const executed = await podman(["run", "--rm", ...(await runFlags()), IMAGE, "sh", "-c", `cd ~/backprop-lab/notebooks && jupyter nbconvert --to notebook --execute --stdout ${gallery} 2>/dev/null`], 900_000);
    const nb = JSON.parse(executed) as { cells: { cell_type: string; outputs?: { output_type: string; name?: string; data?: Record<string, unknown> }[] }[] };
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    expect(outputs.filter((o) => o.output_type === "error" || o.name === "stderr")).toEqual([]);
    expect(outputs.filter((o) => JSON.stringify(o.data ?? {}).includes("bpl-plot")).length).toBeGreaterThanOrEqual(7);
    const graded = await podman(["run", "--rm", ...(await runFlags()), IMAGE, "sh", "-c", "cd ~/backprop-lab && npx backprop-lab grade exercises/ --exercise mul-backward; echo exit=$?"]);
    expect(graded).toMatch(/mul-backward\s+0\/1/);
    expect(graded).toContain("not implemented: mul-backward");
    expect(graded).toContain("exit=0");
  });

  it("as a hub's single-user image: log in, the course opens, the gallery's charts draw, notebook 10 checks", async () => {
    // A real JupyterHub whose spawner starts this image (the role KubeSpawner plays on Zero to
    // JupyterHub): podman passes the hub's JUPYTERHUB_* variables in, the image's entry point and
    // its Jupyter config do the rest. Dummy login: the hub user exists only in the image.
    const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const name = `bpl-image-test-${process.pid}`;
    const py = (v: unknown) => JSON.stringify(v);
    const config = join(tmp, "jupyterhub_config.py");
    writeFileSync(config, [
      `c.JupyterHub.bind_url = ${py(`http://127.0.0.1:${port}`)}`,
      `c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${hubPort}`)}`,
      `c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${apiPort}`)}`,
      `c.JupyterHub.db_url = ${py(`sqlite:///${join(tmp, "hub.sqlite")}`)}`,
      `c.JupyterHub.cookie_secret_file = ${py(join(tmp, "cookie_secret"))}`,
      `c.ConfigurableHTTPProxy.pid_file = ${py(join(tmp, "proxy.pid"))}`,
      "c.JupyterHub.authenticator_class = 'dummy'",
      "c.DummyAuthenticator.password = 'image-test'",
      "c.JupyterHub.spawner_class = 'simple'",
      `c.SimpleLocalProcessSpawner.home_dir_template = ${py(join(tmp, "spawner-{username}"))}`,
      `c.Spawner.cmd = ${py(["podman", "run", "--rm", "--name", name, "--network", "host", ...(await runFlags()), "--env", "JUPYTERHUB_*", IMAGE, "jupyterhub-singleuser"])}`,
      "c.Spawner.start_timeout = 600",
      "c.Spawner.http_timeout = 600",
      "",
    ].join("\n"));
    const hub = spawn("/usr/bin/jupyterhub", ["-f", config], { cwd: tmp, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_PATH: "/usr/share/nodejs" } });
    let log = "";
    hub.stdout!.on("data", (d) => (log += d));
    hub.stderr!.on("data", (d) => (log += d));
    const exited = new Promise((r) => hub.on("exit", r));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      expect(await waitForHttp(`http://127.0.0.1:${port}/hub/login`, 300_000), `the hub did not start; log:\n${log}`).toBe(true);
      const page = await hubLogin(browser, `http://127.0.0.1:${port}`, "jovyan", "image-test");
      expect(page.url()).toContain("/user/jovyan/tree/notebooks");
      const user = `http://127.0.0.1:${port}/user/jovyan`;
      await openNotebook(page, `${user}/notebooks/notebooks/${gallery}`);
      await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.execute_all_cells());
      await waitIdle(page, LOADED);
      const before = await census(page);
      expect(before.chartDivs).toBeGreaterThanOrEqual(7);
      await waitForCharts(page, before.chartDivs, LOADED);
      expect((await census(page)).charts).toBe(before.chartDivs);
      await page.screenshot({ path: join(tmp, "gallery.png") });
      await openNotebook(page, `${user}/notebooks/notebooks/10-exercises.ipynb`);
      const cellOf = await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.get_cells().findIndex((c) => c.get_text().includes('checkFile("01-local-rules.ts", "mul-backward")')));
      await page.evaluate((i) => (window as unknown as JupyterWindow).Jupyter.notebook.execute_cells([1, i]), cellOf);
      await waitIdle(page, LOADED);
      const table = await page.evaluate((i) => document.querySelectorAll(".cell")[i]!.querySelector(".output_area")?.textContent ?? "", cellOf);
      expect(table).toContain("0.00 / 1");
      expect(table).toContain("not implemented: mul-backward");
    } catch (e) {
      throw new Error(`${(e as Error).message}\nhub log:\n${log.slice(-4000)}`);
    } finally {
      await browser.close();
      hub.kill("SIGINT"); // stops the server, i.e. the podman process, which stops the container
      const stopped = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 120_000))]);
      if (stopped === "timeout") process.kill(-hub.pid!, "SIGKILL");
      await run("podman", ["rm", "--force", "--ignore", name]).catch(() => undefined);
    }
  });
});
