/**
 * Reading a student's zip with every limit counted on the bytes actually produced. The central
 * directory is read by hand (it is small and fully bounds-checked), so nothing trusts a header:
 * entries whose data overlap (a zip bomb that points hundreds of names into one stream) are
 * refused before anything is inflated, claimed sizes are checked against the limits, and each
 * entry is inflated with `maxOutputLength` set to the size its header claims, so inflation stops
 * within one 16 KB chunk of a lie. A malformed entry (control characters, absolute or `..` paths,
 * symbolic links, duplicates, a file that collides with a folder) is skipped with a note; a
 * damaged, lying or oversized archive is refused as a whole. Runs in the unpacking child
 * (`child.ts`), never in the grader's process.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { inflateRawSync } from "node:zlib";
import { UNPRINTABLE_CLASS, fmtBytes } from "../report";

/** Caps on what one zip may unpack to. */
export interface ZipLimits {
  /** entries in the central directory, folders included */
  maxEntries: number;
  /** bytes of all files together */
  maxTotalBytes: number;
  /** bytes of one file */
  maxFileBytes: number;
  /** a file over `ratioFloorBytes` may not inflate to more than this many times its compressed size */
  maxRatio: number;
  ratioFloorBytes: number;
  /** wall-clock budget for unpacking, ms (enforced by the grader, which stops the child) */
  timeoutMs: number;
}

/** The limits the grader uses (documented in docs/grading.md). */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 500,
  maxTotalBytes: 20 * 1024 * 1024,
  maxFileBytes: 5 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  timeoutMs: 30_000,
};

/** Folders that tools leave in archives and that are never part of an answer. */
export const SKIP_DIRS = new Set(["node_modules", "__MACOSX", ".git", ".ipynb_checkpoints"]);

/** What unpacking produced: files written (relative, "/"-separated), notes for skipped entries, or why the zip was refused. */
export interface UnpackResult {
  files: string[];
  notes: string[];
  fatal: string | null;
}

/** One central-directory entry, as its header describes it. */
export interface ZipEntry {
  rawName: Uint8Array;
  utf8: boolean;
  madeBy: number;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  externalAttrs: number;
  localOffset: number;
  /** where the entry's data starts (after its local header) and ends */
  dataStart: number;
  dataEnd: number;
}

/** A zip that cannot be read at all; its message is the feedback. */
export class ZipError extends Error {}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
const SIG_CEN = 0x02014b50;
const SIG_LOC = 0x04034b50;

/** The central directory of `buf`, every offset checked against the buffer. */
export function readEntries(buf: Buffer, limits: Pick<ZipLimits, "maxEntries">): ZipEntry[] {
  const damaged = (what: string): never => {
    throw new ZipError(`the zip is damaged (${what}); make it again with a standard zip tool`);
  };
  const u16 = (at: number): number => (at + 2 <= buf.length ? buf.readUInt16LE(at) : damaged("it ends early"));
  const u32 = (at: number): number => (at + 4 <= buf.length ? buf.readUInt32LE(at) : damaged("it ends early"));
  const u64 = (at: number): number => {
    const v = at + 8 <= buf.length ? buf.readBigUInt64LE(at) : damaged("it ends early");
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? damaged("an offset is out of range") : Number(v);
  };
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("this is not a zip file (no end-of-archive record); make it again with a standard zip tool");
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) throw new ZipError("the zip is split over several parts; submit one ordinary zip");
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== SIG_LOC64) damaged("a ZIP64 record is missing");
    const at = u64(loc + 8);
    if (u32(at) !== SIG_EOCD64) damaged("a ZIP64 record is missing");
    count = u64(at + 32);
    cdSize = u64(at + 40);
    cdOffset = u64(at + 48);
  }
  if (count > limits.maxEntries) throw new ZipError(`the zip holds ${count} entries; the limit is ${limits.maxEntries}`);
  if (cdOffset + cdSize > buf.length) damaged("its table of contents lies outside the file");
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (u32(p) !== SIG_CEN) damaged(`entry ${k + 1} of its table of contents is unreadable`);
    const madeBy = u16(p + 4);
    const flags = u16(p + 8);
    const method = u16(p + 10);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    const externalAttrs = u32(p + 38);
    let localOffset = u32(p + 42);
    const nameStart = p + 46;
    const extraStart = nameStart + nameLen;
    const next = extraStart + extraLen + commentLen;
    if (next > buf.length) damaged(`entry ${k + 1} of its table of contents is cut off`);
    // ZIP64: the sizes and offset that do not fit 32 bits are in extra field 0x0001, in this order.
    for (let e = extraStart; e + 4 <= extraStart + extraLen; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = u64(q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(q)), (q += 8);
        if (localOffset === 0xffffffff) localOffset = u64(q);
      }
      e += 4 + len;
    }
    if (u32(localOffset) !== SIG_LOC) damaged(`entry ${k + 1} points at no file data`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > buf.length) damaged(`entry ${k + 1}'s data runs past the end of the file`);
    entries.push({ rawName: buf.subarray(nameStart, extraStart), utf8: (flags & 0x800) !== 0, madeBy, flags, method, compressedSize, size, externalAttrs, localOffset, dataStart, dataEnd });
    p = next;
  }
  return entries;
}

/**
 * Refuse entries whose bytes overlap: no zip tool writes them, and they are how a small file
 * makes hundreds of names that each inflate one huge stream.
 */
export function checkOverlap(entries: ZipEntry[]): void {
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.localOffset < sorted[i - 1]!.dataEnd)
      throw new ZipError(`the zip's entries overlap (${sorted.length} names share ${new Set(entries.map((e) => e.localOffset)).size} data block(s)): it is built to inflate far more than it holds (a zip bomb), so it was not unpacked`);
  }
}

/** The entry's name as text: UTF-8 when flagged or valid, else Latin-1 (close to the old DOS code page). */
export function entryName(e: Pick<ZipEntry, "rawName" | "utf8">): string {
  try {
    return new TextDecoder("utf-8", { fatal: !e.utf8 }).decode(e.rawName);
  } catch {
    return Buffer.from(e.rawName).toString("latin1");
  }
}

/** How a name is to be handled: a path to write (segments), a folder, silently ignored, or skipped with a reason. */
export type NameVerdict = { kind: "file" | "dir"; segments: string[]; backslashes: boolean } | { kind: "ignore" } | { kind: "skip"; why: string };

const BAD_CHAR = new RegExp(UNPRINTABLE_CLASS);
const BAD_CHARS = new RegExp(UNPRINTABLE_CLASS, "g");

/** The name policy: what may be written into the private copy, and why anything else is not. */
export function classifyName(name: string, isDir: boolean): NameVerdict {
  const bad = BAD_CHAR.exec(name);
  if (bad) {
    const cp = bad[0].codePointAt(0)!;
    return { kind: "skip", why: `its name contains the ${cp === 0 ? "NUL character" : "control character"} U+${cp.toString(16).toUpperCase().padStart(4, "0")}` };
  }
  const backslashes = name.includes("\\");
  // Zips made on Windows sometimes use "\" between folders; read it as the separator it is.
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) return { kind: "skip", why: "its path is absolute" };
  const segments = slashed.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length === 0) return { kind: "skip", why: "its name is empty" };
  if (segments.includes("..")) return { kind: "skip", why: "its path climbs out of the folder (..)" };
  if (segments.some((s) => Buffer.byteLength(s) > 255) || slashed.length > 1024) return { kind: "skip", why: "its name is too long" };
  if (segments.some((s) => SKIP_DIRS.has(s))) return { kind: "ignore" };
  return { kind: isDir || slashed.endsWith("/") ? "dir" : "file", segments, backslashes };
}

/** Unix file type from the external attributes, when a Unix tool made the entry. */
function unixType(e: ZipEntry): number | null {
  return e.madeBy >> 8 === 3 ? (e.externalAttrs >>> 16) & 0o170000 : null;
}

/** What `name` shows in a note: quoted with escapes, so a NUL or a line break is visible, and short. */
function shown(name: string): string {
  const q = JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
  return q.replace(BAD_CHARS, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

/** Notes beyond this many are summed up in one line. */
const MAX_NOTES = 10;

/**
 * Unpack `buf` into `outDir` (which must exist and be empty). Never throws for anything in the zip:
 * problems become notes (one entry skipped) or `fatal` (the whole zip refused).
 */
export function extractZip(buf: Buffer, outDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): UnpackResult {
  const notes: string[] = [];
  const skips: string[] = [];
  const skip = (name: string, why: string): void => void skips.push(`skipped the zip entry ${shown(name)}: ${why}`);
  const files: string[] = [];
  const finish = (fatal: string | null): UnpackResult => {
    notes.push(...skips.slice(0, MAX_NOTES));
    if (skips.length > MAX_NOTES) notes.push(`skipped ${skips.length - MAX_NOTES} more zip entries`);
    return { files, notes, fatal };
  };
  try {
    const entries = readEntries(buf, limits);
    checkOverlap(entries);
    // What the headers claim, checked before anything is inflated.
    let claimed = 0;
    for (const e of entries) {
      claimed += e.size;
      if (e.size > limits.maxFileBytes) return finish(`the zip entry ${shown(entryName(e))} is ${fmtBytes(e.size)}; the limit is ${fmtBytes(limits.maxFileBytes)} per file`);
      if (e.size > limits.ratioFloorBytes && e.size > limits.maxRatio * e.compressedSize)
        return finish(`the zip entry ${shown(entryName(e))} would inflate ${Math.round(e.size / Math.max(1, e.compressedSize))} times (the limit is ${limits.maxRatio}): a zip bomb, so it was not unpacked`);
    }
    if (claimed > limits.maxTotalBytes) return finish(`the zip expands to ${fmtBytes(claimed)}; the limit is ${fmtBytes(limits.maxTotalBytes)}`);

    /** lower-cased, NFC paths → what is there, so "A.ts"/"a.ts" collide as they would on macOS or Windows */
    const taken = new Map<string, "file" | "dir">();
    const keyOf = (segs: string[]): string => segs.join("/").normalize("NFC").toLowerCase();
    let produced = 0;
    let backslashNote = false;
    for (const e of entries) {
      const name = entryName(e);
      const type = unixType(e);
      const isDir = type === 0o040000 || (e.madeBy >> 8 === 0 && (e.externalAttrs & 0x10) !== 0);
      const v = classifyName(name, isDir);
      if (v.kind === "ignore") continue;
      if (v.kind === "skip") {
        skip(name, v.why);
        continue;
      }
      if (type === 0o120000) {
        skip(name, "it is a symbolic link; submit the file itself");
        continue;
      }
      if (type !== null && type !== 0 && type !== 0o100000 && type !== 0o040000) {
        skip(name, "it is not a regular file");
        continue;
      }
      // A file where a folder is, a folder where a file is, or the same name twice.
      const prefixFile = v.segments.slice(0, -1).map((_, i) => v.segments.slice(0, i + 1)).find((s) => taken.get(keyOf(s)) === "file");
      if (prefixFile) {
        skip(name, `${shown(prefixFile.join("/"))} is a file in the zip, so it cannot also be a folder`);
        continue;
      }
      const here = taken.get(keyOf(v.segments));
      if (v.kind === "dir") {
        if (here === "file") skip(name, "a file of the same name is already in the zip");
        else for (let i = 1; i <= v.segments.length; i++) taken.set(keyOf(v.segments.slice(0, i)), "dir");
        continue;
      }
      if (here === "dir") {
        skip(name, "a folder of the same name is already in the zip");
        continue;
      }
      if (here === "file") {
        skip(name, "the zip holds this name twice; the first copy was used");
        continue;
      }
      if (e.flags & 1) {
        skip(name, "it is encrypted; submit a zip without a password");
        continue;
      }
      if (e.method !== 0 && e.method !== 8) {
        skip(name, `it is compressed with method ${e.method}, which the grader does not read; use a standard zip tool`);
        continue;
      }
      // Inflate at most the claimed size: a lie shows within one 16 KB chunk of it.
      const cap = Math.min(e.size, limits.maxFileBytes, limits.maxTotalBytes - produced, Math.max(limits.ratioFloorBytes, limits.maxRatio * e.compressedSize));
      const packed = buf.subarray(e.dataStart, e.dataEnd);
      let data: Buffer;
      if (e.method === 0) {
        if (packed.length > cap) return finish(`the zip entry ${shown(name)} holds more than the ${e.size} bytes its header declares: the zip is damaged or built to deceive, so it was not unpacked`);
        data = packed;
      } else {
        try {
          data = inflateRawSync(packed, { maxOutputLength: cap + 1 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
            return finish(`the zip entry ${shown(name)} inflates to more than the ${e.size} bytes its header declares: the zip is damaged or built to deceive (a zip bomb), so it was not unpacked`);
          skip(name, `its data is damaged (${(err as Error).message})`);
          continue;
        }
        if (data.length > cap) return finish(`the zip entry ${shown(name)} inflates to more than the ${e.size} bytes its header declares: the zip is damaged or built to deceive (a zip bomb), so it was not unpacked`);
      }
      if (data.length !== e.size) {
        skip(name, `its data is damaged (${data.length} bytes where the header says ${e.size})`);
        continue;
      }
      produced += data.length;
      const target = path.join(outDir, ...v.segments);
      try {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, data, { flag: "wx" });
      } catch (err) {
        skip(name, `it could not be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        continue;
      }
      for (let i = 1; i < v.segments.length; i++) taken.set(keyOf(v.segments.slice(0, i)), "dir");
      taken.set(keyOf(v.segments), "file");
      files.push(v.segments.join("/"));
      if (v.backslashes && !backslashNote) {
        backslashNote = true;
        notes.push('read "\\" in zip entry names as a folder separator (the zip was made on Windows)');
      }
    }
    return finish(null);
  } catch (err) {
    if (err instanceof ZipError) return finish(err.message);
    throw err;
  }
}
