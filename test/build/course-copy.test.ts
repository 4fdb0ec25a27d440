/**
 * The student's copy of the course on a class hub (scripts/course-copy.mjs), run as the single-user
 * server's start runs it: from a shared build's scripts/ folder, with $BPL_COURSE_DIR as the copy.
 * The rule, file by file: new files arrive, files the student never changed follow the course, files
 * the student edited or deleted stay as the student left them, and the copy is the student's (its
 * files writable, the folder private), with `backprop-lab` linked for imports and `npx`.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const base = mkdtempSync(join(tmpdir(), "bpl-course-copy-"));
const library = join(base, "opt");
const copy = join(base, "home", "backprop-lab");
afterAll(() => {
  chmodSync(join(library, "course", "notebooks"), 0o755);
  rmSync(base, { recursive: true, force: true });
});

/** Writes the course's files as a shared build holds them: read-only. */
function publish(files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(library, "course", rel);
    mkdirSync(join(p, ".."), { recursive: true });
    if (existsSync(p)) chmodSync(p, 0o644);
    writeFileSync(p, text);
    chmodSync(p, 0o444);
  }
}

/** Runs the script as the entry point does; returns its report. */
function run(): string {
  return execFileSync("sh", ["-c", `"${process.execPath}" "${join(library, "scripts", "course-copy.mjs")}" 2>&1`], { env: { ...process.env, BPL_COURSE_DIR: copy }, encoding: "utf8" });
}
const read = (rel: string) => readFileSync(join(copy, rel), "utf8");

describe("course-copy: a student's own copy of the course", () => {
  mkdirSync(join(library, "scripts"), { recursive: true });
  copyFileSync(join(root, "scripts", "course-copy.mjs"), join(library, "scripts", "course-copy.mjs"));
  mkdirSync(join(library, "dist", "grader"), { recursive: true });

  it("first start: copies notebooks/ and exercises/ (not other folders), private and writable, library linked", () => {
    publish({
      "notebooks/01.ipynb": "v1 nb1",
      "notebooks/02.ipynb": "v1 nb2",
      "notebooks/03.ipynb": "v1 nb3",
      "exercises/01.ts": "v1 ex1",
      "exercises/02.ts": "v1 ex2",
      "solutions/01.ts": "answers",
    });
    const out = run();
    expect(out).toContain("copied (5)");
    expect(read("notebooks/01.ipynb")).toBe("v1 nb1");
    expect(read("exercises/02.ts")).toBe("v1 ex2");
    expect(existsSync(join(copy, "solutions"))).toBe(false);
    expect(statSync(copy).mode & 0o777).toBe(0o700);
    // the course is read-only; the student's copy must not be (the Notebook refuses to save it)
    expect(statSync(join(copy, "notebooks", "01.ipynb")).mode & 0o200).toBe(0o200);
    expect(readlinkSync(join(copy, "node_modules", "backprop-lab"))).toBe(library);
    expect(read("node_modules/.bin/backprop-lab")).toContain(join(library, "dist", "grader", "cli.js"));
    expect(statSync(join(copy, "node_modules", ".bin", "backprop-lab")).mode & 0o111).toBe(0o111);
    // a second start with nothing new changes nothing
    expect(run()).toContain("up to date");
  });

  it("update: new and unchanged files follow the course; edited and deleted files stay the student's", () => {
    writeFileSync(join(copy, "exercises", "01.ts"), "my answer");
    writeFileSync(join(copy, "notebooks", "02.ipynb"), "v1 nb2 with my outputs");
    rmSync(join(copy, "notebooks", "03.ipynb"));
    publish({
      "notebooks/01.ipynb": "v2 nb1", // unchanged by the student: follows
      "notebooks/02.ipynb": "v2 nb2", // edited: kept
      "notebooks/03.ipynb": "v2 nb3", // deleted: stays deleted
      "notebooks/04.ipynb": "v2 nb4", // new: arrives
      "exercises/01.ts": "v2 ex1", // edited: kept
    });
    const out = run();
    expect(read("notebooks/01.ipynb")).toBe("v2 nb1");
    expect(read("notebooks/02.ipynb")).toBe("v1 nb2 with my outputs");
    expect(existsSync(join(copy, "notebooks", "03.ipynb"))).toBe(false);
    expect(read("notebooks/04.ipynb")).toBe("v2 nb4");
    expect(read("exercises/01.ts")).toBe("my answer");
    expect(read("exercises/02.ts")).toBe("v1 ex2");
    expect(out).toContain("copied (1): notebooks/04.ipynb");
    expect(out).toContain("updated (unchanged by you) (1): notebooks/01.ipynb");
    expect(out).toMatch(/kept your edited version \(2\): notebooks\/02\.ipynb, exercises\/01\.ts|kept your edited version \(2\): exercises\/01\.ts, notebooks\/02\.ipynb/);
    expect(out).toContain("you deleted, not restored (1): notebooks/03.ipynb");
    // A file the student edited back to exactly the course's new text counts as unchanged from then on.
    writeFileSync(join(copy, "exercises", "01.ts"), "v2 ex1");
    run();
    publish({ "exercises/01.ts": "v3 ex1" });
    run();
    expect(read("exercises/01.ts")).toBe("v3 ex1");
  });

  it("never writes through a link the student put in place of a course file", () => {
    const target = join(base, "elsewhere.txt");
    writeFileSync(target, "not the course's");
    rmSync(join(copy, "exercises", "02.ts"));
    execFileSync("ln", ["-s", target, join(copy, "exercises", "02.ts")]);
    publish({ "exercises/02.ts": "v2 ex2" });
    expect(run()).toMatch(/kept your edited version \(\d\): .*exercises\/02\.ts/);
    expect(readFileSync(target, "utf8")).toBe("not the course's");
  });
});
