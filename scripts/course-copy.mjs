#!/usr/bin/env node
// A student's own copy of the course on a class hub, made and refreshed by the student's own account
// (it runs before each single-user server starts, and `npm run hub -- update` runs it for every
// student). The rule that keeps student work safe, per file of the course's notebooks/ and exercises/:
//   - not in the student's copy and never copied before       -> copied (first login, or a new file);
//   - unchanged since it was copied (same bytes as recorded)   -> replaced by the course's new version;
//   - edited by the student (bytes differ from the record)     -> left alone, reported as kept;
//   - deleted by the student after it was copied               -> stays deleted.
// The record is COPY/.course-manifest.json: the SHA-256 of every file as it was last copied.
// Only this module's Node built-ins are used, so the shared build can run it as any user.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The folders of the course a student gets a copy of. */
export const COURSE_FOLDERS = ["notebooks", "exercises"];
/** Name of the record of what was copied, inside the student's copy. */
export const MANIFEST = ".course-manifest.json";

const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Every regular file below `dir` as a path relative to `base`, skipping Jupyter's checkpoints and dot files. */
function files(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith(".")) return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p, base);
    return e.isFile() ? [relative(base, p)] : [];
  });
}

/**
 * Makes or refreshes `dest` from `course` (a folder holding notebooks/ and exercises/) by the rule
 * above, and links `node_modules/backprop-lab` to the shared build `library` so notebooks import the
 * package and `npx backprop-lab grade` finds its command. Returns what happened to each file.
 */
export function syncCourse({ course, dest, library }) {
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  const manifestPath = join(dest, MANIFEST);
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : { files: {} };
  const result = { copied: [], updated: [], kept: [], deleted: [] };
  for (const folder of COURSE_FOLDERS) {
    for (const rel of files(join(course, folder))) {
      const key = `${folder}/${rel}`;
      const from = join(course, key);
      const to = join(dest, key);
      const fresh = sha256(from);
      const recorded = manifest.files[key];
      let present = false;
      try {
        present = lstatSync(to) !== undefined;
      } catch {
        /* absent */
      }
      if (!present) {
        if (recorded !== undefined) {
          result.deleted.push(key);
          continue;
        }
        result.copied.push(key);
      } else {
        const mine = lstatSync(to).isFile() ? sha256(to) : null;
        if (mine === null || mine !== recorded) {
          if (mine !== fresh) result.kept.push(key);
          else manifest.files[key] = fresh; // the student's bytes are the course's: nothing to keep apart
          continue;
        }
        if (recorded === fresh) continue;
        result.updated.push(key);
      }
      mkdirSync(dirname(to), { recursive: true });
      // write beside, then rename: a half-written notebook is never seen. Written, not copied: the
      // course's files are read-only, the student's copy gets the student's own default mode.
      const tmp = `${to}.course-copy-${process.pid}`;
      writeFileSync(tmp, readFileSync(from));
      renameSync(tmp, to);
      manifest.files[key] = fresh;
    }
  }
  const tmp = `${manifestPath}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(manifest, null, 1) + "\n");
  renameSync(tmp, manifestPath);
  linkLibrary(dest, library);
  return result;
}

/**
 * node_modules/backprop-lab -> the shared build, and node_modules/.bin/backprop-lab, the command
 * `npx backprop-lab grade` runs (a two-line script: the build's files are read-only, not executable).
 */
function linkLibrary(dest, library) {
  const modules = join(dest, "node_modules");
  const link = join(modules, "backprop-lab");
  mkdirSync(join(modules, ".bin"), { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(library, link, "dir");
  const bin = join(modules, ".bin", "backprop-lab");
  writeFileSync(bin, `#!/bin/sh\nexec node "${join(library, "dist", "grader", "cli.js")}" "$@"\n`, { mode: 0o755 });
}

/** One line per non-empty group, for the log of a server start or an update. */
export function describeSync(r) {
  const line = (what, list) => (list.length ? [`${what} (${list.length}): ${list.join(", ")}`] : []);
  return [
    ...line("copied", r.copied),
    ...line("updated (unchanged by you)", r.updated),
    ...line("kept your edited version", r.kept),
    ...line("you deleted, not restored", r.deleted),
  ].join("\n");
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // Run as the student: the shared build is the folder above scripts/, the copy goes to
  // $BPL_COURSE_DIR or ~/backprop-lab.
  const library = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const dest = process.env.BPL_COURSE_DIR || join(homedir(), "backprop-lab");
  const r = syncCourse({ course: join(library, "course"), dest, library });
  const text = describeSync(r);
  console.error(`[course] ${dest}${text ? `\n${text.replace(/^/gm, "[course] ")}` : ": up to date"}`);
}
