/**
 * The unpacking child: `node child.js ZIP OUTDIR LIMITS` unpacks one student zip into OUTDIR and
 * prints one JSON line, an `UnpackResult`, or `{ "error": … }` when the unpacker itself failed. It
 * runs as its own process so that inflating a hostile archive can never stall or exhaust the
 * grader: the grader stops it at its time limit, and its heap is capped.
 */
import { readFileSync } from "node:fs";
import { extractZip, type UnpackResult, type ZipLimits } from "./extract";

const [zip, outDir, limits] = process.argv.slice(2);
let reply: UnpackResult | { error: string };
try {
  reply = extractZip(readFileSync(zip!), outDir!, JSON.parse(limits!) as ZipLimits);
} catch (e) {
  reply = { error: (e as Error)?.message ?? String(e) };
}
process.stdout.write(JSON.stringify(reply) + "\n");
