// child-requests: a load answers with the export names, a call with the encoded answer and
// whether the arguments changed, each with its side effects taken from the parts it is given;
// failures say what happened and where. Runs in this process with stand-in parts.
import { describe, expect, it } from "vitest";
import { moduleRegistry } from "../../../src/grader/sandbox/child-loader";
import { handleRequests, type Parts } from "../../../src/grader/sandbox/child-requests";
import type { CallMessage, LoadMessage } from "../../../src/grader/sandbox/protocol";

/** Stand-in parts whose records the test sets. */
function parts(): Parts & { set: { printed: number; fault: string | null; dirty: boolean; tampered: string[] }; baselines: number } {
  const set = { printed: 0, fault: null as string | null, dirty: false, tampered: [] as string[] };
  const p = {
    set,
    baselines: 0,
    printed: () => set.printed,
    faults: { clear: () => void (set.fault = null), current: () => set.fault },
    settle: async () => set.dirty,
    builtins: { recordBaseline: () => void p.baselines++, tamperedSince: () => set.tampered },
    modules: moduleRegistry(),
  };
  return p;
}

/**
 * The one reply a request sends, parsed. Before it, exactly one `running` notice, with the
 * process's resident memory (MB), must have gone out: the grader measures growth from there.
 */
async function answer(run: (reply: (text: string) => void, notice: (text: string) => void) => Promise<void>): Promise<Record<string, unknown>> {
  const sent: string[] = [];
  const notices: string[] = [];
  await run(
    (t) => sent.push(t),
    (t) => {
      expect(sent).toHaveLength(0);
      notices.push(t);
    },
  );
  expect(sent).toHaveLength(1);
  const reply: Record<string, unknown> = JSON.parse(sent[0]!);
  if (reply.error === undefined || !String(reply.error).includes("is not a function")) {
    expect(notices).toHaveLength(1);
    const n: { type: string; rssMb: number } = JSON.parse(notices[0]!);
    expect(n.type).toBe("running");
    expect(n.rssMb).toBeCloseTo(process.memoryUsage.rss() / 1048576, -2); // within ~50 MB of this process's size
  } else expect(notices).toHaveLength(0); // nothing of the student's runs
  return reply;
}

const load = (key: string, js: string, wanted: string[] = []): LoadMessage => ({ type: "load", key, js, filename: `/sub/${key}.js`, wanted });
const call = (id: number, key: string, exportName: string, args: unknown[]): CallMessage => ({ type: "call", id, key, exportName, args });

describe("child-requests", () => {
  it("loads a file and calls its exports; the answer is encoded and a changed argument noticed", async () => {
    const p = parts();
    const h = handleRequests(p);
    const js = `exports.double = (xs) => xs.map((x) => 2 * x); exports.grow = (xs) => { xs.push(NaN); return xs.length; }; exports.n = 1;`;
    expect(await answer((r, n) => h.load(load("a", js, ["grow"]), r, n))).toEqual({ type: "loaded", key: "a", ok: true, exports: ["grow", "double", "n"], hasDefault: false, tampered: [], printed: 0, dirty: false });
    expect(p.baselines).toBe(1); // the file's own top level is the baseline of its calls
    expect(await answer((r, n) => h.call(call(1, "a", "double", [[1, -0.5]]), r, n))).toEqual({ type: "result", id: 1, ok: true, value: [2, -1], mutated: false, tampered: [], printed: 0, dirty: false });
    expect(await answer((r, n) => h.call(call(2, "a", "grow", [[1]]), r, n))).toMatchObject({ ok: true, value: 2, mutated: true });
    expect(await answer((r, n) => h.call(call(3, "a", "n", []), r, n))).toMatchObject({ ok: false, error: "`n` is not a function (it is a number)" });
    expect(await answer((r, n) => h.call(call(4, "nope", "f", []), r, n))).toMatchObject({ ok: false, error: "`f` is not a function (it is missing)" });
  });

  it("reports side effects from the parts: printed bytes over the request, changed built-ins, dirty", async () => {
    const p = parts();
    const h = handleRequests(p);
    await answer((r, n) => h.load(load("a", `exports.f = () => 1;`), r, n));
    p.set.printed = 10;
    const before = p.set.printed;
    const reply = await answer((r, n) => {
      const done = h.call(call(1, "a", "f", []), r, n);
      p.set.printed = before + 7; // printed during the call
      p.set.tampered = ["Math.exp"];
      return done;
    });
    expect(reply).toMatchObject({ ok: true, value: 1, printed: 7, tampered: ["Math.exp"], dirty: true });
    p.set.tampered = [];
    p.set.dirty = true; // a timer left open
    expect(await answer((r, n) => h.call(call(2, "a", "f", []), r, n))).toMatchObject({ ok: true, dirty: true });
  });

  it("failures: a throw with its place, a late fault, a Promise, a load that throws", async () => {
    const p = parts();
    const h = handleRequests(p);
    const js = `exports.boom = () => { throw new RangeError("bad"); };\nexports.later = () => 1;\nexports.promise = async () => 1;`;
    await answer((r, n) => h.load(load("a", js), r, n));
    expect(await answer((r, n) => h.call(call(1, "a", "boom", []), r, n))).toMatchObject({ ok: false, error: "threw RangeError: bad", where: { line: 1 } });
    const late = await answer((r, n) => {
      const done = h.call(call(2, "a", "later", []), r, n);
      p.set.fault = "an uncaught error escaped from a timer or callback: Error: x";
      return done;
    });
    expect(late).toMatchObject({ ok: false, error: "an uncaught error escaped from a timer or callback: Error: x", async: true, dirty: true });
    expect(await answer((r, n) => h.call(call(3, "a", "promise", []), r, n))).toMatchObject({ ok: false, error: "returned a Promise; the function must return its result directly" });
    expect(await answer((r, n) => h.load(load("b", `throw new TypeError("top");`), r, n))).toMatchObject({ type: "loaded", key: "b", ok: false, error: "loading /sub/b.js threw TypeError: top", where: { line: 1 } });
  });
});
