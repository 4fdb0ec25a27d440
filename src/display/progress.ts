/** Progress bars that redraw in place (tslab `newDisplay()`), so a training loop shows one line, not hundreds. */
import { captureActive, escapeHtml, formatNumber, inNotebook, newSlot } from "./output";

/** A progress bar; `update` replaces its content. */
export interface ProgressBar {
  /** Sets the current step and any metrics to show next to the bar (loss, acc, ...). */
  update(step: number, metrics?: Record<string, number | string>): void;
  /** Marks the bar complete. */
  done(metrics?: Record<string, number | string>): void;
}

/** HTML of a bar at `step` of `total`. */
export function progressHtml(label: string, step: number, total: number, metrics: Record<string, number | string> = {}): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, step / total)) : 0;
  const m = Object.entries(metrics).map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(typeof v === "number" ? formatNumber(v) : v)}`).join(" ");
  return (
    `<div class="bpl-progress" style="font-family:monospace;font-size:13px">${escapeHtml(label)} ` +
    `<progress value="${step}" max="${total}" style="width:240px;vertical-align:middle"></progress> ` +
    `${step}/${total} (${Math.round(frac * 100)}%) ${m}</div>`
  );
}

/** Text form of the same bar, for terminals. */
export function progressText(label: string, step: number, total: number, metrics: Record<string, number | string> = {}): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, step / total)) : 0;
  const filled = Math.round(frac * 20);
  const m = Object.entries(metrics).map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v) : v}`).join(" ");
  return `${label} [${"#".repeat(filled)}${".".repeat(20 - filled)}] ${step}/${total} ${m}`.trimEnd();
}

/** Creates a progress bar; outside Jupyter it prints at most ~10 lines over the whole run. */
export function progressBar(opts: { total: number; label?: string }): ProgressBar {
  if (!(opts.total > 0)) throw new Error(`progressBar: total must be a positive number, got ${opts.total}`);
  const label = opts.label ?? "progress";
  const slot = newSlot();
  let lastPrinted = -1;
  let lastLine = "";
  let last: Record<string, number | string> = {};
  let lastStep = 0;
  const show = (step: number, metrics: Record<string, number | string>, force: boolean) => {
    // In a kernel the slot redraws in place; outside it only an HTML page (if any) sees the HTML.
    slot.html(progressHtml(label, step, opts.total, metrics));
    if (inNotebook() || captureActive()) return;
    const decile = Math.floor((10 * step) / opts.total);
    const line = progressText(label, step, opts.total, metrics);
    if ((force || decile > lastPrinted) && line !== lastLine) {
      lastPrinted = decile;
      lastLine = line;
      console.log(line);
    }
  };
  show(0, {}, true);
  return {
    update(step, metrics = {}) {
      last = metrics;
      lastStep = step;
      show(step, metrics, false);
    },
    done(metrics) {
      show(Math.max(lastStep, opts.total), metrics ?? last, true);
    },
  };
}
