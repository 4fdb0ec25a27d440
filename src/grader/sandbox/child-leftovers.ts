/**
 * Asynchronous work a load or call leaves behind. After each one the child lets queued callbacks
 * run for a short grace period (so their errors are charged to that call), then compares Node's
 * active resources with the baseline taken before any student code: a timer, socket or other
 * handle still open makes the reply `dirty`, and the grader replaces the process.
 */
import { P } from "./child-builtins";

/** How long timers a call leaves behind may still fire and be charged to it. */
const GRACE_MS = 25;

/** Node's active resources by kind ("Timeout", "TCPServerWrap", …). */
function resourceCounts(): Record<string, number> {
  const c: Record<string, number> = Object.create(null);
  const r = P.activeResources();
  // indexed, not for…of: student code may have replaced the array iterator
  for (let i = 0; i < r.length; i++) {
    const kind = r[i];
    if (kind !== undefined) c[kind] = (c[kind] ?? 0) + 1;
  }
  return c;
}

/** Resources open now beyond `baseline`: timers and immediates apart from all others. */
export function extraResources(baseline: Record<string, number>): { timers: number; other: number } {
  const c = resourceCounts();
  let timers = 0;
  let other = 0;
  for (const k in c) {
    const extra = (c[k] ?? 0) - (baseline[k] ?? 0);
    if (extra <= 0) continue;
    if (k === "Timeout" || k === "Immediate") timers += extra;
    else other += extra;
  }
  return { timers, other };
}

const tick = (): Promise<void> => new P.Promise<void>((r) => void P.setImmediate(r));
const sleep = (ms: number): Promise<void> =>
  new P.Promise<void>((r) => {
    const t = P.setTimeout(r, ms);
    t.unref();
  });

/**
 * Takes the resources open now as the baseline (the child does this once, when it has started)
 * and returns `settle`: let queued callbacks run (so their errors are charged to the load or call
 * that queued them); is anything beyond the baseline left open?
 */
export function watchResources(): () => Promise<boolean> {
  const baseline = resourceCounts();
  return async () => {
    await tick();
    const until = P.now() + GRACE_MS;
    let left = extraResources(baseline);
    // at least one pass through the timers phase, so a timer already due fires here even when a
    // loaded machine kept this process off the CPU for the whole grace period
    let first = true;
    while (left.timers > 0 && (first || P.now() < until)) {
      first = false;
      await sleep(2);
      left = extraResources(baseline);
    }
    return left.timers > 0 || left.other > 0;
  };
}
