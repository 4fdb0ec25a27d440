import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Dual, forwardGradient } from "../../src/engine/dual";
import type { ScalarOps } from "../../src/engine/rules";
import { sum, Value } from "../../src/engine/value";
import { fixtureDifference } from "../fixtures/same-numbers";

// Reference values and gradients computed once by PyTorch (float64) from the same graphs:
// test/fixtures/generate_value_torch.py wrote test/fixtures/value-torch.json.

type GraphNode = [string, ...(number | number[])[]];
interface Point {
  x: number[];
  value: number;
  grad: number[];
}
interface Case {
  name: string;
  inputs: number;
  nodes: GraphNode[];
  points: Point[];
}
const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/value-torch.json"), "utf8")) as { torch: string; cases: Case[] };

/** Builds a fixture graph with any scalar type of the engine (Value or Dual). */
function build<T extends ScalarOps<T>>(nodes: GraphNode[], inputs: T[], constant: (c: number) => T, total: (xs: T[]) => T): T {
  const vals: T[] = [];
  for (const node of nodes) {
    const [op, a, b] = node;
    const at = (i: unknown) => vals[i as number] as T;
    let v: T;
    switch (op) {
      case "x": v = inputs[a as number] as T; break;
      case "c": v = constant(a as number); break;
      case "pow": v = at(a).pow(b as number); break;
      case "sum": v = total((a as number[]).map(at)); break;
      case "neg": case "exp": case "log": case "tanh": case "sigmoid": case "relu": case "sin": case "cos":
        v = at(a)[op](); break;
      case "add": case "sub": case "mul": case "div":
        v = at(a)[op](at(b)); break;
      default:
        throw new Error(`fixture: unknown op ${op}`);
    }
    vals.push(v);
  }
  return vals[vals.length - 1] as T;
}

/** Both are float64 evaluations of the same graph; only summation order and rounding differ
 * (measured worst: 1.1e-15 of max(1, |expected|)). */
function expectNear(actual: number, expected: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: ours ${actual}, torch ${expected}`).toBeLessThanOrEqual(1e-13 * scale);
}

describe(`composite expressions against PyTorch ${fixture.torch} float64`, () => {
  it("the fixture is substantial", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(40);
    expect(fixture.cases.reduce((n, c) => n + c.points.length, 0)).toBeGreaterThanOrEqual(200);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: reverse mode (Value) gives torch's value and gradient`, () => {
      for (const p of c.points) {
        const xs = p.x.map((x) => new Value(x));
        const out = build<Value>(c.nodes, xs, (k) => new Value(k), (ts) => sum(ts));
        out.backward();
        expectNear(out.data, p.value, `${c.name} value at [${p.x}]`);
        xs.forEach((x, i) => expectNear(x.grad, p.grad[i] as number, `${c.name} ∂/∂x${i} at [${p.x}]`));
      }
    });
    it(`${c.name}: forward mode (Dual) gives the same gradient, one pass per input`, () => {
      for (const p of c.points) {
        const f = (...ds: Dual[]) => build<Dual>(c.nodes, ds, (k) => new Dual(k), (ts) => Dual.sum(ts));
        const r = forwardGradient(f, p.x);
        expect(r.passes).toBe(c.inputs);
        expectNear(r.value, p.value, `${c.name} value at [${p.x}]`);
        r.grad.forEach((g, i) => expectNear(g, p.grad[i] as number, `${c.name} ∂/∂x${i} at [${p.x}]`));
      }
    });
  }
});

describe("the fixture is what its generator makes", () => {
  // A missing torch is a failure, not a silent skip (CI installs python3-torch); opt out on purpose
  // with BPL_SKIP_TORCH_TESTS=1.
  it.skipIf(process.env.BPL_SKIP_TORCH_TESTS === "1")("generate_value_torch.py reproduces value-torch.json (numbers within float64 rounding, whatever the BLAS)", () => {
    const out = mkdtempSync(join(tmpdir(), "bpl-value-torch-"));
    try {
      try {
        execFileSync("/usr/bin/python3", [join(__dirname, "../fixtures/generate_value_torch.py")], { env: { ...process.env, BPL_FIXTURE_OUT: out }, stdio: "pipe" });
      } catch (e) {
        throw new Error(`the generator did not run (needs Debian's python3-torch: apt-get install -y python3-torch; or set BPL_SKIP_TORCH_TESTS=1): ${String((e as { stderr?: Buffer }).stderr ?? e).slice(-500)}`);
      }
      const made = JSON.parse(readFileSync(join(out, "value-torch.json"), "utf8")) as unknown;
      expect(fixtureDifference(made, JSON.parse(readFileSync(join(__dirname, "../fixtures/value-torch.json"), "utf8")))).toBeNull();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000); // OpenBLAS's threads on a loaded 2-core machine take minutes
});
