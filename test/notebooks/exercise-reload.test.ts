/**
 * Editing an exercise file takes effect in the next notebook cell without restarting the kernel.
 * One real tslab kernel (driven by jupyter_client) runs the same checking cell three times; between
 * runs the test, from outside the kernel, rewrites a copy of exercises/01-local-rules.ts: first the
 * unfinished stub, then a correct mulBackward, then one with a classic slip. The score must follow.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifacts, jupyterEnv, notebooksDir, root, run, toolGate, failWhenMissing } from "./helpers";

const gate = toolGate(false);

interface StepResult {
  status?: string;
  outputs?: { type: string; name?: string; text?: string; data?: Record<string, string>; ename?: string; evalue?: string }[];
}

describe.skipIf(gate.skip)("exercise files reload in a running kernel", () => {
  if (failWhenMissing(gate.missing, "has Jupyter and the tslab kernel")) return;

  it("the same cell sees each new version of the file", async () => {
    const dir = join(artifacts, "reload");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "01-local-rules.ts");
    copyFileSync(join(root, "exercises", "01-local-rules.ts"), file);
    const stub = readFileSync(file, "utf8");
    const stubBody = 'throw new Error("not implemented: mul-backward");';
    expect(stub).toContain(stubBody);
    const withBody = (body: string) => stub.replace(stubBody, body);

    const cell = [
      'import { check, loadExercises } from "backprop-lab";',
      'import { checkResults } from "backprop-lab/grader";',
      `const r = checkResults("mul-backward", loadExercises(${JSON.stringify(file)}))[0];`,
      'console.log(`SCORE ${r.earned}/${r.points} ${r.cases.map((c) => c.diagnosis ?? "-").join(",")}`);',
      `check("mul-backward", loadExercises(${JSON.stringify(file)}));`,
    ].join("\n");
    const spec = {
      kernel: "tslab",
      cwd: notebooksDir,
      steps: [
        { code: cell },
        { write: file, text: withBody("return { da: g * b, db: g * a };") },
        { code: cell },
        { write: file, text: withBody("return { da: g * a, db: g * b };") }, // the two partials swapped
        { code: cell },
      ],
    };
    const specPath = join(dir, "steps.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const { stdout } = await run("/usr/bin/python3", [join(__dirname, "kernel_session.py"), specPath], { env: jupyterEnv(), maxBuffer: 16 << 20, timeout: 300_000 });
    const results = (JSON.parse(stdout) as { results: StepResult[] }).results.filter((r) => r.status !== undefined);
    expect(results).toHaveLength(3);
    const summary = results.map((r) => {
      expect(r.status).toBe("ok");
      expect(r.outputs!.filter((o) => o.type === "error" || o.name === "stderr")).toEqual([]);
      const line = r.outputs!.map((o) => o.text ?? "").join("").match(/SCORE (\S+)\/(\S+) (\S+)/);
      expect(line).not.toBeNull();
      const html = r.outputs!.filter((o) => o.type === "display_data").map((o) => o.data?.["text/html"] ?? "").join("");
      expect(html).toContain("mul-backward"); // check() showed its table in the notebook
      return { earned: Number(line![1]), points: Number(line![2]), diagnoses: line![3] };
    });
    const points = summary[0]!.points;
    expect(points).toBeGreaterThan(0);
    expect(summary[0]!.earned).toBe(0); // the stub throws "not implemented"
    expect(summary[1]!.earned).toBe(points); // the correct version, picked up without a restart
    expect(summary[2]!.earned).toBeLessThan(points); // the slip, picked up again
    expect(summary[2]!.diagnoses).not.toBe(summary[1]!.diagnoses);
  });
});
