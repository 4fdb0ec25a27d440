/**
 * Unpacking student zips: every limit is counted on the bytes inflation really produces, whatever
 * the headers claim; every malformed entry is skipped with a note naming it; the work runs in a
 * child process that the grader stops at its time limit. Zips are built here byte by byte
 * (independently of the reader), because the hostile ones are exactly what zip tools refuse to
 * write; a well-formed one also comes from fflate's writer.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deflateRawSync } from "node:zlib";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_ZIP_LIMITS, extractZip, type UnpackResult } from "../../src/grader/zip/extract";
import { unpackZip } from "../../src/grader/zip/unpack";

const root = mkdtempSync(path.join(os.tmpdir(), "bpl-zip-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const outDir = (): string => mkdtempSync(path.join(root, `out${n++}-`));

interface Entry {
  name: string | Buffer;
  data?: Buffer;
  /** the stored bytes (default: data deflated) */
  packed?: Buffer;
  /** the size the headers claim (default: the data's) */
  size?: number;
  /** 0 stored, 8 deflated (default 8) */
  method?: number;
  flags?: number;
  unixMode?: number;
  /** reuse the local header (and data) of entry number `at` */
  at?: number;
}

/** A zip file: local headers with data, central directory, end record (APPNOTE 4.3). */
function zipOf(entries: Entry[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? Buffer.from(e.name, "utf8") : e.name;
    const method = e.method ?? 8;
    const data = e.data ?? Buffer.alloc(0);
    const packed = e.packed ?? (method === 8 ? deflateRawSync(data) : data);
    const size = e.size ?? data.length;
    const flags = e.flags ?? 0;
    let at = offset;
    if (e.at !== undefined) at = offsets[e.at]!;
    else {
      const h = Buffer.alloc(30);
      h.writeUInt32LE(0x04034b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(flags, 6);
      h.writeUInt16LE(method, 8);
      h.writeUInt32LE(packed.length, 18);
      h.writeUInt32LE(size, 22);
      h.writeUInt16LE(name.length, 26);
      local.push(h, name, packed);
      offset += 30 + name.length + packed.length;
    }
    offsets.push(at);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((e.unixMode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(at, 42);
    central.push(c, name);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

const text = (s: string): Buffer => Buffer.from(s, "utf8");
/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
}
function extract(entries: Entry[], limits = DEFAULT_ZIP_LIMITS): { r: UnpackResult; dir: string } {
  const dir = outDir();
  return { r: extractZip(zipOf(entries), dir, limits), dir };
}

describe("well-formed zips", () => {
  it("unpacks what fflate writes (folders, UTF-8 names, stored and deflated entries) byte for byte", () => {
    const files = { "exercises/01-local-rules.ts": strToU8("export const a = 1;\n".repeat(100)), "exercises/notes é.md": strToU8("é"), "top.ts": strToU8("x") };
    const dir = outDir();
    const r = extractZip(Buffer.from(zipSync({ ...files, "empty/": new Uint8Array(0) }, { level: 6 })), dir);
    expect(r).toEqual({ files: Object.keys(files), notes: [], fatal: null });
    for (const [f, d] of Object.entries(files)) expect(readFileSync(path.join(dir, f))).toEqual(Buffer.from(d));
    const stored = extract([{ name: "a.ts", data: text("stored"), method: 0 }]);
    expect(readFileSync(path.join(stored.dir, "a.ts"), "utf8")).toBe("stored");
  });
  it("skips node_modules, __MACOSX and .git without a note", () => {
    const { r, dir } = extract([{ name: "a.ts", data: text("1") }, { name: "__MACOSX/._a.ts", data: text("x") }, { name: "node_modules/x/index.js", data: text("x") }, { name: ".git/HEAD", data: text("x") }]);
    expect(r).toEqual({ files: ["a.ts"], notes: [], fatal: null });
    expect(tree(dir)).toEqual(["a.ts"]);
  });
});

describe("malformed entries: skipped with a note, never a crash", () => {
  it("a file and a folder of the same name, either way round", () => {
    const { r, dir } = extract([
      { name: "work", data: text("notes") },
      { name: "work/a.ts", data: text("a") },
      { name: "lib/b.ts", data: text("b") },
      { name: "lib", data: text("x") },
      { name: "lib/", data: Buffer.alloc(0) },
      { name: "docs/", data: Buffer.alloc(0) },
      { name: "docs", data: text("x") },
    ]);
    expect(r.fatal).toBeNull();
    expect(r.notes).toEqual([
      'skipped the zip entry "work/a.ts": "work" is a file in the zip, so it cannot also be a folder',
      'skipped the zip entry "lib": a folder of the same name is already in the zip',
      'skipped the zip entry "docs": a folder of the same name is already in the zip',
    ]);
    expect(tree(dir)).toEqual(["lib/b.ts", "work"]);
  });
  it("NUL, other control characters, line separators and bidi controls in names", () => {
    const { r, dir } = extract([
      { name: Buffer.from("a.ts\u0000.pdf", "latin1"), data: text("1") },
      { name: "b\n.ts", data: text("1") },
      { name: "c\u2028.ts", data: text("1") },
      { name: "d\u202egnp.ts", data: text("1") },
      { name: "ok.ts", data: text("1") },
    ]);
    expect(r.notes).toEqual([
      'skipped the zip entry "a.ts\\u0000.pdf": its name contains the NUL character U+0000',
      'skipped the zip entry "b\\n.ts": its name contains the control character U+000A',
      'skipped the zip entry "c\\u2028.ts": its name contains the control character U+2028',
      'skipped the zip entry "d\\u202egnp.ts": its name contains the control character U+202E',
    ]);
    expect(tree(dir)).toEqual(["ok.ts"]);
  });
  it("absolute, drive-letter and .. paths never leave the folder; backslashes are folder separators", () => {
    const { r, dir } = extract([
      { name: "/etc/evil.ts", data: text("1") },
      { name: "C:/evil.ts", data: text("1") },
      { name: "c:\\Users\\evil.ts", data: text("1") },
      { name: "../evil.ts", data: text("1") },
      { name: "a/../../evil.ts", data: text("1") },
      { name: "..\\evil.ts", data: text("1") },
      { name: "exercises\\01.ts", data: text("1") },
      { name: "./b.ts", data: text("1") },
    ]);
    expect(r.notes[0]).toBe('read "\\" in zip entry names as a folder separator (the zip was made on Windows)');
    expect(r.notes.slice(1).map((x) => x.replace(/^skipped the zip entry ".*?": /, ""))).toEqual([
      "its path is absolute",
      "its path is absolute",
      "its path is absolute",
      "its path climbs out of the folder (..)",
      "its path climbs out of the folder (..)",
      "its path climbs out of the folder (..)",
    ]);
    expect(tree(dir)).toEqual(["b.ts", "exercises/01.ts"]);
    expect(existsSync(path.join(path.dirname(dir), "evil.ts"))).toBe(false);
  });
  it("symbolic links and other special files", () => {
    const { r, dir } = extract([
      { name: "link.ts", data: text("/etc/passwd"), unixMode: 0o120777 },
      { name: "fifo", data: Buffer.alloc(0), unixMode: 0o010644 },
      { name: "a.ts", data: text("1") },
    ]);
    expect(r.notes).toEqual(['skipped the zip entry "link.ts": it is a symbolic link; submit the file itself', 'skipped the zip entry "fifo": it is not a regular file']);
    expect(tree(dir)).toEqual(["a.ts"]);
  });
  it("the same name twice (also in another letter case): the first copy is used", () => {
    const { r, dir } = extract([
      { name: "a.ts", data: text("first") },
      { name: "a.ts", data: text("second") },
      { name: "A.TS", data: text("third") },
    ]);
    expect(r.notes).toEqual(['skipped the zip entry "a.ts": the zip holds this name twice; the first copy was used', 'skipped the zip entry "A.TS": the zip holds this name twice; the first copy was used']);
    expect(readFileSync(path.join(dir, "a.ts"), "utf8")).toBe("first");
  });
  it("encrypted entries, unknown methods and damaged data", () => {
    const { r, dir } = extract([
      { name: "secret.ts", data: text("1"), flags: 1 },
      { name: "bz.ts", data: text("1"), method: 12 },
      { name: "broken.ts", packed: Buffer.from([0xff, 0xff, 0xff]), size: 3 },
      { name: "short.ts", data: text("12345"), size: 9 },
      { name: "ok.ts", data: text("1") },
    ]);
    expect(r.notes.map((x) => x.replace(/ \(.*\)$/, ""))).toEqual([
      'skipped the zip entry "secret.ts": it is encrypted; submit a zip without a password',
      'skipped the zip entry "bz.ts": it is compressed with method 12, which the grader does not read; use a standard zip tool',
      'skipped the zip entry "broken.ts": its data is damaged',
      'skipped the zip entry "short.ts": its data is damaged',
    ]);
    expect(tree(dir)).toEqual(["ok.ts"]);
  });
  it("hundreds of bad entries give ten notes and a count, not hundreds of lines", () => {
    const { r } = extract(Array.from({ length: 300 }, (_, i) => ({ name: `/abs/${i}.ts`, data: text("1") })));
    expect(r.notes).toHaveLength(11);
    expect(r.notes[10]).toBe("skipped 290 more zip entries");
  });
});

describe("limits, counted on the bytes produced", () => {
  const MB = 1024 * 1024;
  const zeros = deflateRawSync(Buffer.alloc(32 * MB)); // 32 MB of zeros in about 32 KB
  it("an entry that inflates past the size its header claims is stopped there, and the zip refused", () => {
    const { r, dir } = extract([{ name: "a.ts", data: text("fine") }, { name: "bomb.ts", packed: zeros, size: 10 }]);
    expect(r.fatal).toBe('the zip entry "bomb.ts" inflates to more than the 10 bytes its header declares: the zip is damaged or built to deceive (a zip bomb), so it was not unpacked');
    expect(tree(dir)).toEqual(["a.ts"]); // nothing of the bomb was written
  });
  it("a stored entry that holds more than its header claims is refused", () => {
    expect(extract([{ name: "a.ts", method: 0, packed: Buffer.alloc(100), size: 10 }]).r.fatal).toMatch(/^the zip entry "a\.ts" holds more than the 10 bytes its header declares/);
  });
  it("the per-file, total, ratio and entry limits, from the headers before anything is inflated", () => {
    const KB = 1024;
    const small = { ...DEFAULT_ZIP_LIMITS, maxFileBytes: 8 * KB, maxTotalBytes: 10 * KB, maxEntries: 3, ratioFloorBytes: 100, maxRatio: 10 };
    expect(extract([{ name: "a.ts", data: Buffer.alloc(9 * KB, 65), method: 0 }], small).r.fatal).toBe('the zip entry "a.ts" is 9 KB; the limit is 8 KB per file');
    expect(extract([{ name: "a.ts", data: Buffer.alloc(6 * KB, 65), method: 0 }, { name: "b.ts", data: Buffer.alloc(6 * KB, 65), method: 0 }], small).r.fatal).toBe("the zip expands to 12 KB; the limit is 10 KB");
    expect(extract([{ name: "a.ts", data: Buffer.alloc(900, 65) }], small).r.fatal).toMatch(/^the zip entry "a\.ts" would inflate \d+ times \(the limit is 10\): a zip bomb/);
    expect(extract([{ name: "a", data: text("1") }, { name: "b", data: text("1") }, { name: "c", data: text("1") }, { name: "d", data: text("1") }], small).r.fatal).toBe("the zip holds 4 entries; the limit is 3");
  });
  it("overlapping entries (hundreds of names over one stream) are refused before any inflation", () => {
    const entries: Entry[] = [{ name: "0.ts", packed: zeros, size: 10 }, ...Array.from({ length: 299 }, (_, i) => ({ name: `${i + 1}.ts`, packed: zeros, size: 10, at: 0 }))];
    const { r, dir } = extract(entries);
    expect(r.fatal).toBe("the zip's entries overlap (300 names share 1 data block(s)): it is built to inflate far more than it holds (a zip bomb), so it was not unpacked");
    expect(tree(dir)).toEqual([]);
  });
  it("damaged archives: not a zip, cut off, entries pointing outside the file", () => {
    expect(extract([]).r.fatal).toBeNull();
    const dir = outDir();
    expect(extractZip(Buffer.from("PK not really"), dir).fatal).toMatch(/^this is not a zip file/);
    const good = zipOf([{ name: "a.ts", data: text("1") }]);
    expect(extractZip(Buffer.concat([good.subarray(0, 20), good.subarray(good.length - 22)]), dir).fatal).toMatch(/^the zip is damaged \(/);
  });
});

describe("the unpacking child process", () => {
  it("unpacks in a separate process and reports the same result", async () => {
    const file = path.join(root, "ok.zip");
    writeFileSync(file, zipOf([{ name: "exercises/a.ts", data: text("export const a = 1;\n") }, { name: "/abs.ts", data: text("1") }]));
    const dir = outDir();
    expect(await unpackZip(file, dir)).toEqual({ files: ["exercises/a.ts"], notes: ['skipped the zip entry "/abs.ts": its path is absolute'], fatal: null });
    expect(readFileSync(path.join(dir, "exercises", "a.ts"), "utf8")).toBe("export const a = 1;\n");
  });
  it("refuses the 260 KB bomb of the hostile corpus (300 names over 256 MB) well within its time limit", async () => {
    const bomb = path.join(__dirname, "..", "hostile", "zip-bomb-overlap", "submission.zip");
    const r = await unpackZip(bomb, outDir());
    expect(r.fatal).toMatch(/a zip bomb/);
  });
  it("a child that finished while the grader's own event loop was busy past the time limit is not taken for a stall", async () => {
    const file = path.join(root, "ok3.zip");
    writeFileSync(file, zipOf([{ name: "a.ts", data: text("1") }]));
    const dir = outDir();
    const pending = unpackZip(file, dir, { ...DEFAULT_ZIP_LIMITS, timeoutMs: 100 });
    // Block this thread (as compiling a classmate does) until the child has written its file and
    // exited: no live process names the output folder any more (a zombie's cmdline is empty).
    const running = (): boolean =>
      readdirSync("/proc").some((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, "utf8").includes(dir);
        } catch {
          return false;
        }
      });
    while (!existsSync(path.join(dir, "a.ts")) || running()) {
      /* busy, far past the 100 ms limit */
    }
    expect(await pending).toEqual({ files: ["a.ts"], notes: [], fatal: null });
  });
  it("a child that overruns its time limit is stopped, and that is reported as the grader's failure, not the student's", async () => {
    const file = path.join(root, "ok2.zip");
    writeFileSync(file, zipOf([{ name: "a.ts", data: text("1") }]));
    // 1 ms: no process can start, let alone unpack, in that time
    await expect(unpackZip(file, outDir(), { ...DEFAULT_ZIP_LIMITS, timeoutMs: 1 })).rejects.toThrow(
      "the grader's zip unpacker did not finish (unpacking the zip did not finish within 0.001 s); this is a problem of the grader or the machine",
    );
  });
});
