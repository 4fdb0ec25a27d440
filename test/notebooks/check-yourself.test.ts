/**
 * The "check yourself" cells of notebooks 01–09 and 11, answered the way a student would: in one live tslab
 * kernel per notebook, every cell runs once as shipped, then each answer cell runs again with a wrong
 * answer and with the right one (followed by its verdict cell where the two are separate). A wrong
 * answer must get a hint and never an error; the right one must be accepted. The right answers are
 * worked out by hand from the course and the numbers each notebook prints.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { artifacts, jupyterEnv, notebooksDir, pool, run, selectedNotebooks, toolGate, failWhenMissing } from "./helpers";

const gate = toolGate(false);

/** One answer variable of a question: the cell that declares it, and a right and a wrong value (TypeScript source). */
interface Answer { cell: string; name: string; right: string; wrong: string; verdict?: string }

const answers: Record<string, Answer[]> = {
  // grad_table[u⁽⁴⁾] sums over its 2 children; 3 choices in each of 5 layers = 243 paths; ∂u⁽⁷⁾/∂w = x·grad_table[u⁽⁴⁾] = 0.5·0.2778.
  "01-computational-graphs.ipynb": [
    { cell: "c022", name: "myTermsU4", right: "2", wrong: "3", verdict: "c023" },
    { cell: "c022", name: "myPathsWidth3", right: "243", wrong: "125", verdict: "c023" },
    { cell: "c022", name: "myDu7Dw", right: "0.1389", wrong: "0.2778", verdict: "c023" },
  ],
  // ∂ℓ/∂ω₂ = h₂·∂ℓ/∂f₂ = 1.04696·0.26374; with β₁ = −2 the ReLU gate is shut, so ∂ℓ/∂h₁ = ω₁·0 = 0.
  "02-toy-chain-network.ipynb": [
    { cell: "c027", name: "myDlDomega2", right: "0.2761", wrong: "0.2097", verdict: "c028" },
    { cell: "c027", name: "myDlDh1Dead", right: "0", wrong: "2.4736", verdict: "c028" },
  ],
  // δ₁ = (1/m)(0.9 − 1) with m = 2; the reversed network's activation is the fixed gain (2); ∂C/∂b⁽¹⁾₂ = δ⁽¹⁾₂ = −0.22029.
  "03-delta-recurrences.ipynb": [
    { cell: "c024", name: "myDeltaL1", right: "-0.05", wrong: "-0.1", verdict: "c025" },
    { cell: "c024", name: "myReversedActivation", right: "2", wrong: "1", verdict: "c025" },
    { cell: "c024", name: "myDCdb12", right: "-0.2203", wrong: "0.2203", verdict: "c025" },
  ],
  // ∂L/∂W is d_out × d_in = 7 × 20; the bias gradient sums Δ: 0.2 − 0.1 + 0.4 + 0.3 = 0.8; three z are > 0.
  "04-matrix-form.ipynb": [
    { cell: "c023", name: "myShape", right: "[7, 20]", wrong: "[20, 7]", verdict: "c024" },
    { cell: "c023", name: "myBiasGrad", right: "0.8", wrong: "0.2", verdict: "c024" },
    { cell: "c023", name: "myNonZeros", right: "3", wrong: "6", verdict: "c024" },
  ],
  // 002's quiz answers: C, B, B, B, C.
  "05-worked-examples.ipynb": [
    { cell: "05-31", name: "q1", right: '"C"', wrong: '"A"' },
    { cell: "05-33", name: "q2", right: '"B"', wrong: '"C"' },
    { cell: "05-35", name: "q3", right: '"B"', wrong: '"D"' },
    { cell: "05-37", name: "q4", right: '"B"', wrong: '"C"' },
    { cell: "05-39", name: "q5", right: '"C"', wrong: '"A"' },
  ],
  // central differences in float64 are best near ε^(1/3) ≈ 1e-5 of the offered steps; a uniform 1/32 is the mean taken twice (D).
  "06-gradient-checking.ipynb": [
    { cell: "06-07", name: "myBestStep", right: "1e-5", wrong: "1e-11" },
    { cell: "06-21", name: "myDiagnosis", right: '"D"', wrong: '"B"' },
  ],
  // 16·(2+1) + 16·(16+1) + 1·(16+1) = 337 parameters; d(λW²)/dW = 2λW.
  "07-training.ipynb": [
    { cell: "07-05", name: "myCount", right: "337", wrong: "336" },
    { cell: "07-17", name: "myFactor", right: "2", wrong: "1" },
  ],
  // one pass at θ plus one per parameter.
  "08-what-backprop-costs.ipynb": [{ cell: "08-11", name: "myPasses", right: "1000001", wrong: "2000000" }],
  // He: c = 2.
  "09-looking-ahead.ipynb": [{ cell: "09-11", name: "myC", right: "2", wrong: "1" }],
  // 256·785 + 128·257 + 10·129 = 235 146 (without the biases 234 752); PyTorch's w·W equals 2λW for λ = w/2.
  "11-real-digits.ipynb": [
    { cell: "11-13", name: "myParams", right: "235146", wrong: "234752" },
    { cell: "11-17", name: "myLambda", right: "5e-5", wrong: "1e-4" },
  ],
};
const notebooks = selectedNotebooks(Object.keys(answers));

interface Cell { cell_type: string; id: string; source: string | string[] }
interface StepResult {
  status?: string;
  outputs?: { type: string; name?: string; text?: string; data?: Record<string, string>; ename?: string; evalue?: string }[];
}

const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
/** The cell's source with `const NAME … = VALUE;` given another value. */
function withAnswer(source: string, name: string, value: string): string {
  const re = new RegExp(`(const ${name}\\b[^=]*=\\s*)[^;]*;`);
  if (!re.test(source)) throw new Error(`no "const ${name} = …;" in the cell`);
  return source.replace(re, `$1${value};`);
}
const shown = (r: StepResult) => (r.outputs ?? []).map((o) => o.text ?? o.data?.["text/html"] ?? o.data?.["text/markdown"] ?? o.data?.["text/plain"] ?? "").join("\n");

const results = new Map<string, { label: string; result: StepResult }[]>();

describe.skipIf(gate.skip)("check-yourself cells answered in a live kernel", () => {
  if (failWhenMissing(gate.missing, "has Jupyter and the tslab kernel")) return;

  beforeAll(async () => {
    const dir = join(artifacts, "check-yourself");
    mkdirSync(dir, { recursive: true });
    await pool(notebooks, 2, async (name) => {
      const cells = (JSON.parse(readFileSync(join(notebooksDir, name), "utf8")) as { cells: Cell[] }).cells;
      const byId = (id: string) => {
        const c = cells.find((x) => x.id === id);
        if (!c) throw new Error(`${name}: no cell ${id}`);
        return text(c);
      };
      const steps: { code: string; label: string }[] = cells.filter((c) => c.cell_type === "code").map((c) => ({ code: text(c), label: `as shipped: ${c.id}` }));
      for (const a of answers[name]!) {
        for (const kind of ["wrong", "right"] as const) {
          steps.push({ code: withAnswer(byId(a.cell), a.name, a[kind]) + (a.verdict ? "\n" + byId(a.verdict) : ""), label: `${a.name} ${kind}` });
        }
      }
      const specPath = join(dir, name.replace(/\.ipynb$/, ".json"));
      writeFileSync(specPath, JSON.stringify({ kernel: "tslab", cwd: notebooksDir, steps: steps.map((s) => ({ code: s.code, timeout: 300 })) }));
      const { stdout } = await run("/usr/bin/python3", [join(__dirname, "kernel_session.py"), specPath], { env: jupyterEnv(), maxBuffer: 256 << 20, timeout: 600_000 });
      const out = (JSON.parse(stdout) as { results: StepResult[] }).results;
      if (out.length !== steps.length) throw new Error(`${name}: the kernel session returned ${out.length} results for ${steps.length} steps`);
      results.set(name, steps.map((s, i) => ({ label: s.label, result: out[i]! })));
    });
  }, 900_000);

  it.each(notebooks)("%s: wrong answers get a hint, right ones are accepted, nothing throws", (name) => {
    const rs = results.get(name);
    expect(rs, `${name} did not run`).toBeDefined();
    for (const { label, result } of rs!) {
      expect(result.status, `${name} ${label}: ${shown(result).slice(0, 400)}`).toBe("ok");
      expect((result.outputs ?? []).filter((o) => o.type === "error" || o.name === "stderr"), `${name} ${label}`).toEqual([]);
    }
    for (const a of answers[name]!) {
      const wrong = shown(rs!.find((r) => r.label === `${a.name} wrong`)!.result);
      const right = shown(rs!.find((r) => r.label === `${a.name} right`)!.result);
      // The verdict for this question: the separate verdict cells print every question, so pick its line.
      const q = a.verdict ? (s: string) => s.split("\n").filter((l) => l.includes(`${questionOf(name, a.name)}:`)).join("\n") : (s: string) => s;
      expect(q(wrong), `${name}: ${a.name} = ${a.wrong}`).toMatch(/✗|not quite/);
      expect(q(right), `${name}: ${a.name} = ${a.right}`).toMatch(/✓|✔|correct/);
      expect(q(right), `${name}: ${a.name} = ${a.right}`).not.toMatch(/✗|not quite/);
    }
  });
});

/** Q1, Q2, … : the label a separate verdict cell prints for the n-th answer variable of its cell. */
function questionOf(name: string, variable: string): string {
  const same = answers[name]!.filter((a) => a.verdict);
  return `Q${same.findIndex((a) => a.name === variable) + 1}`;
}
