/**
 * `npm run hub`'s command line: a mistake is refused with exit status 2 and the usage before any
 * set-up runs (nothing installed, nothing started), the dummy authenticator only with --testing, and
 * without root the set-up stops with a message instead of half-installing. The hub itself runs in
 * test/hub/hub.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
/**
 * A Node the other user can run: this one, unless it lives where that user cannot reach (the version
 * matrix runs from binaries cached under root's home); then the system's own `node` on PATH. The
 * refusal under test comes from hub.mjs itself, whatever Node runs it.
 */
function nodeFor(user: string): string {
  const probe = spawnSync("runuser", ["-u", user, "--", process.execPath, "--version"], { encoding: "utf8" });
  return probe.status === 0 ? process.execPath : "node";
}

const hub = (args: string[], asUser?: string) =>
  asUser
    ? spawnSync("runuser", ["-u", asUser, "--", nodeFor(asUser), join(root, "scripts", "hub.mjs"), ...args], { encoding: "utf8" })
    : spawnSync(process.execPath, [join(root, "scripts", "hub.mjs"), ...args], { encoding: "utf8" });

describe("npm run hub: options", () => {
  it.each([
    [["--prot", "8000"], "unknown option --prot"],
    [["--port", "80000"], '--port needs a port number, got "80000"'],
    [["--users"], "--users needs a value"],
    [["--users", "alice,Bob Smith"], '--users: "Bob Smith" is not a local account name'],
    [["--authenticator", "ldap"], '--authenticator is pam or dummy, got "ldap"'],
    [["--authenticator", "dummy"], "--authenticator dummy lets anyone in with any password: add --testing"],
    [["collect"], "collect needs the class folder to write"],
    [["serve"], 'unknown command "serve"'],
  ])("refuses %j with exit status 2 and the usage", (args, message) => {
    const r = hub(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("usage: npm run hub");
  });

  it("--help prints the usage and exits 0", () => {
    const r = hub(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("collect DIR");
  });

  it.skipIf(process.getuid?.() !== 0)("without root, install stops with a message and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "bpl-hub-cli-"));
    try {
      const r = hub(["install", "--prefix", join(dir, "opt"), "--kernel-prefix", join(dir, "kernel")], "nobody");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("run it as root");
      expect(existsSync(join(dir, "opt"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
