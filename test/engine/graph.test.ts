import { describe, expect, it } from "vitest";
import { backwardSteps, toDot, topologicalOrder, toSvg, trace } from "../../src/engine/graph";
import { Rng } from "../../src/engine/random";
import { Value } from "../../src/engine/value";

/** 001's example graph u4 = w·x, u5 = u4 + b, u6 = σ(u5), u7 = u6·u4 (u4 is used twice). */
function example() {
  const x = new Value(0.5, "x");
  const w = new Value(-1.5, "w");
  const b = new Value(0.25, "b");
  const u4 = w.mul(x);
  u4.label = "u4";
  const u5 = u4.add(b);
  u5.label = "u5";
  const u6 = u5.sigmoid();
  u6.label = "u6";
  const u7 = u6.mul(u4);
  u7.label = "u7";
  return { x, w, b, u4, u5, u6, u7 };
}

/** A random expression graph with shared nodes, for property checks. */
function randomGraph(seed: number): { root: Value; leaves: Value[] } {
  const r = new Rng(seed);
  const leaves = Array.from({ length: 3 }, (_, i) => new Value(r.uniform(-1, 1), `x${i}`));
  const pool: Value[] = [...leaves];
  for (let k = 0; k < 25; k++) {
    const a = pool[r.int(pool.length)]!;
    const b = pool[r.int(pool.length)]!;
    const pick = r.int(5);
    pool.push(pick === 0 ? a.add(b) : pick === 1 ? a.mul(b) : pick === 2 ? a.tanh() : pick === 3 ? a.sub(b).sin() : a.sigmoid());
  }
  return { root: pool.slice(-4).reduce((s, v) => s.add(v)), leaves };
}

describe("trace and topologicalOrder", () => {
  it("lists every node once and every parent→child edge", () => {
    const { x, w, b, u4, u5, u6, u7 } = example();
    const { nodes, edges } = trace(u7);
    expect(new Set(nodes)).toEqual(new Set([x, w, b, u4, u5, u6, u7]));
    expect(nodes).toHaveLength(7);
    // hand count: u4 ← w, x; u5 ← u4, b; u6 ← u5; u7 ← u6, u4
    expect(edges).toHaveLength(7);
    expect(edges).toContainEqual([u4, u7]);
    expect(edges).toContainEqual([u4, u5]);
  });
  it("orders parents before children", () => {
    for (let s = 0; s < 20; s++) {
      const order = topologicalOrder(randomGraph(s).root);
      const pos = new Map(order.map((n, i) => [n, i]));
      for (const n of order) for (const p of n.parents) expect(pos.get(p)!).toBeLessThan(pos.get(n)!);
    }
  });
});

describe("backwardSteps (the grad_table of algorithm 6.2 filling up)", () => {
  it("visits nodes in a valid reverse topological order and ends with backward()'s grads", () => {
    for (let s = 0; s < 20; s++) {
      const g1 = randomGraph(s);
      const steps = backwardSteps(g1.root);
      const visited = steps.map((st) => st.node);
      // every node that uses n (its consumers) is visited before n
      const pos = new Map(visited.map((n, i) => [n, i]));
      for (const n of visited) for (const p of n.parents) expect(pos.get(n)!).toBeLessThan(pos.get(p)!);
      expect(visited[0]).toBe(g1.root);
      // the same graph built again and differentiated with backward()
      const g2 = randomGraph(s);
      g2.root.backward();
      g1.leaves.forEach((leaf, i) => expect(leaf.grad).toBe(g2.leaves[i]!.grad));
      // each recorded grad is final: it equals the node's grad after the last step
      for (const st of steps) expect(st.grad).toBe(st.node.grad);
    }
  });
  it("on 001's example, u4's grad sums its two uses, and steps name their contributions", () => {
    const { x, w, u4, u5, u6, u7 } = example();
    const steps = backwardSteps(u7);
    const at = (v: Value) => steps.findIndex((st) => st.node === v);
    expect(steps).toHaveLength(7);
    expect(at(u7)).toBe(0);
    // u4 feeds u5 and u7, so its grad is final only after both have been processed.
    expect(at(u4)).toBeGreaterThan(at(u5));
    expect(at(u4)).toBeGreaterThan(at(u7));
    const s = 1 / (1 + Math.exp(-u5.data));
    // Hand-derived: ∂u7/∂u6 = u4; ∂u7/∂u4 = u6 + u4·σ′(u5)·1
    expect(steps.find((st) => st.node === u6)!.grad).toBe(u4.data);
    expect(u4.grad).toBeCloseTo(u6.data + u4.data * s * (1 - s), 15);
    expect(w.grad).toBeCloseTo(u4.grad * x.data, 15);
    expect(steps[0]!.contributedTo).toEqual([u6, u4]);
  });
  it("refuses a gradient that overflows float64, as backward() does", () => {
    const x = new Value(0.5, "x");
    const y = x.mul(1e308).add(x.mul(1e308)); // two paths each send 1e308 to x
    expect(() => backwardSteps(y)).toThrow(/^backward: the gradient of "x" \(data 0.5\) is Infinity/);
    expect(() => backwardSteps(new Value(1e-200).pow(-1))).toThrow(/^pow: the gradient sent to its input at x = 1e-200/);
  });
  it("resets grads first: replaying twice gives the same numbers (no accumulation)", () => {
    const { w, u7 } = example();
    u7.backward();
    u7.backward();
    backwardSteps(u7);
    const once = w.grad;
    backwardSteps(u7);
    expect(w.grad).toBe(once);
    expect(u7.grad).toBe(1);
  });
});

describe("toDot and toSvg", () => {
  it("DOT has one record per node with its label, data and grad, and an op node per operation", () => {
    const { u7 } = example();
    u7.backward();
    const dot = toDot(u7);
    expect(dot.startsWith("digraph G {")).toBe(true);
    expect(dot.trim().endsWith("}")).toBe(true);
    for (const n of trace(u7).nodes) {
      expect(dot).toContain(`{ ${n.label ?? ""} | data `);
    }
    expect(dot).toContain("data 0.5 | grad ");
    expect(dot).toContain(`data -1.5 | grad `);
    expect((dot.match(/shape=record/g) ?? []).length).toBe(7);
    expect((dot.match(/_op \[label=/g) ?? []).length).toBe(4);
    expect(dot).toContain('label="sigmoid"');
    expect(dot).toContain('label="*"');
  });
  it("formats tiny and huge numbers readably and can hide grads", () => {
    const a = new Value(1e-9, "tiny");
    const b = a.mul(3e7);
    b.label = "big";
    expect(toDot(b)).toContain("data 1.000e-9");
    expect(toDot(b, { showGrad: false })).not.toContain("grad");
    expect(toDot(b, { rankdir: "TB" })).toContain("rankdir=TB");
  });
  it("escapes labels that would break a record", () => {
    const v = new Value(1, 'a|b{c}"d"');
    expect(toDot(v)).toContain('a\\|b\\{c\\}\\"d\\"');
  });
  it("highlights chosen nodes", () => {
    const { u5, u7 } = example();
    const dot = toDot(u7, { highlight: [u5] });
    expect((dot.match(/fillcolor/g) ?? []).length).toBe(1);
  });
  it("toSvg renders real SVG through @viz-js/viz, with the node labels as text", async () => {
    const { u7 } = example();
    u7.backward();
    const svg = await toSvg(u7);
    expect(svg).toMatch(/^<\?xml|^<svg|<svg/);
    expect(svg).toContain("</svg>");
    expect((svg.match(/class="node"/g) ?? []).length).toBe(7 + 4);
    expect(svg).toContain("u6");
    expect(svg).toContain("sigmoid");
  });
});
