/**
 * The student process. Started by the grader under Node's permission model with a heap limit; it
 * loads the student's compiled files (one module each), calls an export on the arguments it is
 * sent, and answers with plain data. It computes no verdicts: the grader does that.
 *
 * This entry only wires the parts, in an order that matters:
 * - child-builtins.ts is imported first: importing it captures the built-ins (`P`) everything
 *   after relies on, so patched prototypes cannot change what is reported;
 * - before any student code: signals locked (child-signals), stdout and stderr counted and
 *   discarded (child-output), faults outside a call's stack caught (child-faults), the parts'
 *   exports frozen, the grader's messages read (child-messages);
 * - last, the baselines that later reports compare with: built-ins (child-tamper) and open
 *   resources (child-leftovers). Everything before them is the grader's own doing.
 * Loads and calls (child-requests, with child-loader and the answer encoder child-encode) then
 * run one at a time as the grader asks. What the parts record lives in the objects made here,
 * which only this entry holds.
 */
import "./child-builtins"; // first: it captures the built-ins
import { catchFaults } from "./child-faults";
import { watchResources } from "./child-leftovers";
import { moduleRegistry } from "./child-loader";
import { serve } from "./child-messages";
import { countOutput } from "./child-output";
import { handleRequests } from "./child-requests";
import { lockSignals } from "./child-signals";
import { watchBuiltins } from "./child-tamper";

/**
 * Student code can reach this process's modules (`process.mainModule.children`, Node's module
 * cache): their exports are frozen, so it cannot replace what one part calls in another
 * (`tamperedSince` to hide a change, `P.writeSync` to read the token). Node's own modules and
 * other packages are not this process's to freeze.
 */
function freezeParts(m: NodeModule, seen: Set<NodeModule>): void {
  if (seen.has(m) || !m.filename.startsWith(__dirname)) return;
  seen.add(m);
  Object.freeze(m.exports);
  for (const c of m.children) freezeParts(c, seen);
}

lockSignals();
const printed = countOutput([process.stdout, process.stderr]);
const faults = catchFaults();
freezeParts(module, new Set());
// The baselines are taken last, once stdin is open: everything before is the grader's own doing.
serve(() => handleRequests({ printed, faults, modules: moduleRegistry(), builtins: watchBuiltins(), settle: watchResources() }));
