/**
 * The student process. Started by the grader under Node's permission model with a heap limit; it
 * loads the student's compiled files (one module each), calls an export on the arguments it is
 * sent, and answers with plain data. It computes no verdicts: the grader does that.
 *
 * This entry only wires the parts, in an order that matters:
 * - child-builtins.ts is imported first: importing it captures the built-ins (`P`) everything
 *   after relies on, so patched prototypes cannot change what is reported;
 * - before any student code: signals locked (child-signals), stdout and stderr counted and
 *   discarded (child-output), faults outside a call's stack caught (child-faults), the grader's
 *   messages read (child-messages);
 * - last, the baselines that later reports compare with: built-ins (child-tamper) and open
 *   resources (child-leftovers). Everything before them is the grader's own doing.
 * Loads and calls (child-requests, with child-loader and the answer encoder child-encode) then
 * run one at a time as the grader asks.
 */
import "./child-builtins"; // first: it captures the built-ins
import { catchFaults } from "./child-faults";
import { recordResourceBaseline } from "./child-leftovers";
import { send, serve } from "./child-messages";
import { countOutput } from "./child-output";
import { call, load } from "./child-requests";
import { lockSignals } from "./child-signals";
import { recordBaseline } from "./child-tamper";

lockSignals();
countOutput([process.stdout, process.stderr]);
catchFaults();
serve({ load: (m) => load(m, send), call: (m) => call(m, send) });
recordBaseline();
recordResourceBaseline();
