// The mlp bench's round arithmetic (bench/mlp.bench.mjs): no timing here, only the summary of
// given per-round figures and the load warning for wall-clock rows.
import { expect, test } from "vitest";
// @ts-expect-error -- a plain .mjs bench file without type declarations
import { loadWarning, summarise } from "../../bench/mlp.bench.mjs";

test("summarise: the median of the rounds (odd count) and their min–max", () => {
  expect(summarise([0.7, 0.54, 0.66, 0.73, 0.61])).toEqual({ median: 0.66, spread: { min: 0.54, max: 0.73, rounds: 5 } });
});

test("loadWarning: only for several threads, and only when the load exceeds the cores", () => {
  expect(loadWarning([8.5, 9], 2, 1)).toBeUndefined();
  expect(loadWarning([1.2, 1.9], 2, 2)).toBeUndefined();
  expect(loadWarning([1.2, 2.5], 2, 2)).toContain("load average 2.50 exceeds the 2 cores");
});
