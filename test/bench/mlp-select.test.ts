// Which of the mlp bench's workloads a name filter runs (bench/mlp.bench.mjs's selectWork), with the
// harness's own wants (bench/run.mjs): nothing is timed here.
import { expect, test } from "vitest";
// @ts-expect-error -- a plain .mjs bench file without type declarations
import { selectWork, workloads } from "../../bench/mlp.bench.mjs";
// @ts-expect-error -- a plain .mjs bench file without type declarations
import { wantsFor } from "../../bench/run.mjs";

const select = (filter: string) => selectWork(wantsFor([filter], false)) as { keys: string[]; twoThreads: boolean };

test("the two-thread rows alone: selected by their own name, with no one-thread workload before them", () => {
  expect(select("mlp-mnist-step-2threads")).toEqual({ keys: [], twoThreads: true });
  expect(select("2threads")).toEqual({ keys: [], twoThreads: true });
});

test("the one-thread filters run what their rows need, and not the two-thread rows unless those match too", () => {
  expect(selectWork(wantsFor([], true))).toEqual({ keys: ["small", "mnist"], twoThreads: true });
  expect(select("mlp-mnist-step")).toEqual({ keys: ["mnist"], twoThreads: true });
  expect(select("mlp-small")).toEqual({ keys: ["small"], twoThreads: false });
  expect(select("mlp-backward-forward-ratio")).toEqual({ keys: ["mnist"], twoThreads: false });
});

test("every workload the file declares selects something, so no name on --list runs empty", () => {
  for (const w of workloads as string[]) {
    const s = select(w);
    expect(s.keys.length > 0 || s.twoThreads, w).toBe(true);
  }
});
