/**
 * The grader's oracle is finite differences of trusted forwards, never the worked answers: nothing
 * under src/ may import (or require, or read a path into) solutions/.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";

const SRC = path.join(__dirname, "..", "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

it("no file under src/ refers to solutions/", () => {
  const all = files(SRC);
  expect(all.length).toBeGreaterThan(20);
  const offenders = all.filter((f) => /(from\s+|require\(\s*|import\(\s*)["'][^"']*solutions|["'`][^"'`]*\/solutions\//.test(readFileSync(f, "utf8")));
  expect(offenders).toEqual([]);
});

it("src/grader imports only from engine, nn and itself (dependency direction)", () => {
  const bad: string[] = [];
  for (const f of files(path.join(SRC, "grader"))) {
    for (const m of readFileSync(f, "utf8").matchAll(/from\s+["'](\.[^"']+)["']/g)) {
      const target = path.resolve(path.dirname(f), m[1]!);
      const rel = path.relative(SRC, target).split(path.sep)[0];
      if (!["grader", "engine", "nn"].includes(rel!)) bad.push(`${path.relative(SRC, f)} → ${m[1]}`);
    }
  }
  expect(bad).toEqual([]);
});
