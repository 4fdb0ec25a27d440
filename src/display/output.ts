/** Where output goes: tslab's display when a kernel is running, plain text (or a sink) otherwise. */

/** One output slot; `update` replaces its content in place (used by progress bars and live plots). */
export interface OutputSlot {
  html(s: string): void;
  markdown(s: string): void;
  text(s: string): void;
}

interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  text(s: string): void;
}
interface TslabModule {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}
interface JupyterModule {
  lastWriteDisplayData: unknown;
}

let cached: { tslab: TslabModule; jupyter: JupyterModule } | null | undefined;

/** Loads tslab lazily and only counts it as live when its kernel has wired up display output. */
function kernel(): TslabModule | null {
  if (cached === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tslab = require("tslab") as TslabModule;
      const jupyter = require("tslab/dist/jupyter") as JupyterModule;
      cached = { tslab, jupyter };
    } catch {
      cached = null;
    }
  }
  if (!cached || cached.jupyter.lastWriteDisplayData == null) return null;
  return cached.tslab;
}

/** True inside a running tslab kernel; outside, every helper prints text instead of failing. */
export function inNotebook(): boolean {
  return kernel() !== null;
}

/** A captured output, for tests and for tools that want the HTML without a kernel. */
export interface CapturedOutput {
  mime: "text/html" | "text/markdown" | "text/plain";
  data: string;
  slot?: number;
}

let sink: ((o: CapturedOutput) => void) | null = null;

/** Redirects every output to `fn` (pass null to restore) so tests can inspect the generated HTML. */
export function captureOutput(fn: ((o: CapturedOutput) => void) | null): void {
  sink = fn;
}

/** True while `captureOutput` redirects output. */
export function captureActive(): boolean {
  return sink !== null;
}

let slotCounter = 0;

function terminal(text: string): void {
  console.log(text);
}

/** Emits one rich output; `fallback` is what a terminal user sees instead. */
export function emitHtml(htmlString: string, fallback: string): void {
  if (sink) return sink({ mime: "text/html", data: htmlString });
  const k = kernel();
  if (k) k.display.html(htmlString);
  else terminal(fallback);
}

/** Emits Markdown (rendered by Jupyter itself, including $…$ math). */
export function emitMarkdown(text: string): void {
  if (sink) return sink({ mime: "text/markdown", data: text });
  const k = kernel();
  if (k) k.display.markdown(text);
  else terminal(text);
}

/** A slot whose content is replaced on each call: in the kernel via update_display_data, in a terminal by printing a new line. */
export function newSlot(): OutputSlot {
  const id = ++slotCounter;
  const k = kernel();
  const d = k ? k.newDisplay() : null;
  return {
    html(s: string) {
      if (sink) return sink({ mime: "text/html", data: s, slot: id });
      if (d) d.html(s);
    },
    markdown(s: string) {
      if (sink) return sink({ mime: "text/markdown", data: s, slot: id });
      if (d) d.markdown(s);
      else terminal(s);
    },
    text(s: string) {
      if (sink) return sink({ mime: "text/plain", data: s, slot: id });
      if (d) d.text(s);
      else terminal(s);
    },
  };
}

/** Escapes text for safe inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Formats a number compactly: integers as-is, others with `digits` significant digits, tiny/huge ones in exponent form. */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(Math.max(0, digits - 1));
  return String(Number(x.toPrecision(digits)));
}
