/**
 * `npm start` for real: scripts/start.mjs on a free port with --no-browser and --ip passed through;
 * it must print the server's URL, the server must answer with the token, list the course notebooks
 * and have the project's TypeScript kernel; Ctrl-C (SIGINT) must stop the server and the script.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, notebookNames, root, toolGate, waitForHttp, failWhenMissing } from "./helpers";

const gate = toolGate(false);

describe.skipIf(gate.skip)("npm start", () => {
  if (failWhenMissing(gate.missing, "has Jupyter and the tslab kernel")) return;

  it("starts the classic Notebook on notebooks/, prints its URL, lists the notebooks, stops on Ctrl-C", async () => {
    const port = await freePort();
    const started = Date.now();
    const child = spawn(process.execPath, [join(root, "scripts", "start.mjs"), "--no-browser", "--port", String(port), "--ip", "127.0.0.1"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
    const base = `http://127.0.0.1:${port}`;
    const urlPattern = new RegExp(`${base.replace(/[.]/g, "\\.")}/\\?token=([0-9a-f]{16,})`);
    try {
      // The URL a student copies into the browser, with the server's own token.
      let gone = false;
      void exited.then(() => (gone = true));
      for (let i = 0; i < 480 && !urlPattern.test(output) && !gone; i++) await new Promise((r) => setTimeout(r, 250));
      expect(gone, `start.mjs exited before serving; output:\n${output}`).toBe(false);
      const m = urlPattern.exec(output);
      expect(m, `no URL with a token printed; output:\n${output}`).not.toBeNull();
      const token = m![1];
      expect(await waitForHttp(`${base}/api/status?token=${token}`, 30_000), `server did not answer; output:\n${output}`).toBe(true);
      const seconds = (Date.now() - started) / 1000;
      console.log(`npm start printed its URL and answered after ${seconds.toFixed(1)} s (set-up already done)`);

      const contents = (await (await fetch(`${base}/api/contents?token=${token}`)).json()) as { content: { name: string; type: string }[] };
      const listed = contents.content.filter((c) => c.type === "notebook").map((c) => c.name).sort();
      expect(listed).toEqual(notebookNames());
      const tree = await fetch(`${base}/tree?token=${token}`);
      expect(tree.status).toBe(200);
      const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, { spec: { display_name: string; argv: string[] } }> };
      expect(specs.kernelspecs.tslab!.spec.display_name).toBe("TypeScript");
      expect(specs.kernelspecs.tslab!.spec.argv[0]).toBe(join(root, "node_modules", ".bin", "tslab"));
      // Without a token the server refuses the API.
      expect((await fetch(`${base}/api/contents`)).status).toBe(403);
    } finally {
      child.kill("SIGINT");
    }
    const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 30_000))]);
    if (code === "timeout") child.kill("SIGKILL");
    expect(code, `start.mjs did not stop on SIGINT; output:\n${output}`).not.toBe("timeout");
  });

  it("rejects an unknown option before doing any set-up", async () => {
    const child = spawn(process.execPath, [join(root, "scripts", "start.mjs"), "--prot", "8888"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((res) => child.on("exit", res));
    expect(code).toBe(2);
    expect(err).toContain("unknown option --prot");
    expect(err).toContain("usage: npm start");
  });
});
