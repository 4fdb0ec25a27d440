/**
 * Where output goes: tslab's display when a kernel is running; otherwise plain text on the terminal,
 * and optionally a standalone HTML page (`htmlFile(path)` or the BACKPROP_LAB_HTML variable) so a
 * script run with plain Node can still show its charts, formulas and graphs in a browser.
 */
import { writeFileSync } from "node:fs";

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
  if (text !== "") console.log(text);
}

/** The standalone page that outputs are mirrored to outside Jupyter, when one was asked for. */
interface HtmlPage {
  path: string;
  title: string;
  /** Each output as HTML, in order; a slot keeps its first position and is replaced in place. */
  parts: { slot?: number; html: string }[];
  /** Script placed in the page head before any output (the plotly bundle, once). */
  head: () => string;
}

let page: HtmlPage | null = null;
let envChecked = false;
let headProvider: () => string = () => "";

/** Lets the chart module put the plotly bundle into the head of an HTML page (set once by charts.ts). */
export function setHtmlPageHead(provider: () => string): void {
  headProvider = provider;
}

/**
 * Outside Jupyter, also write every output to a standalone HTML page at `path` (rewritten after each
 * output), so charts, formulas and graphs from a plain Node script can be opened in a browser, offline.
 * Pass null to stop. Inside a kernel this has no effect: the notebook shows the outputs itself.
 */
export function htmlFile(path: string | null, opts: { title?: string } = {}): void {
  envChecked = true;
  flushPage(); // the previous page, if any, gets its final state
  page = path === null ? null : { path, title: opts.title ?? "Backprop Lab output", parts: [], head: () => headProvider() };
  if (page) flushPage();
}

/** The path outputs are mirrored to, or null. BACKPROP_LAB_HTML=file.html turns it on without code. */
export function htmlFilePath(): string | null {
  if (!envChecked) {
    envChecked = true;
    const p = process.env.BACKPROP_LAB_HTML;
    if (p) htmlFile(p);
  }
  return page?.path ?? null;
}

function flushPage(): void {
  if (!page) return;
  const body = page.parts.map((p) => `<div class="bpl-output">${p.html}</div>`).join("\n");
  const needsHead = page.parts.some((p) => p.html.includes('class="bpl-plot"'));
  const doc =
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:1em auto;padding:0 1em}.bpl-output{margin:0.8em 0}</style>` +
    (needsHead ? page.head() : "") +
    `</head><body>\n${body}\n</body></html>\n`;
  writeFileSync(page.path, doc);
}

let lastFlush = 0;
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let exitHook = false;

/** Rewrites the page at most every 300 ms (a training loop updates a slot many times), and once more at exit. */
function scheduleFlush(): void {
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => flushPage());
  }
  const wait = 300 - (Date.now() - lastFlush);
  if (wait <= 0) {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    lastFlush = Date.now();
    flushPage();
  } else if (!flushTimer) {
    flushTimer = setTimeout(() => {
      flushTimer = null;
      lastFlush = Date.now();
      flushPage();
    }, wait);
    flushTimer.unref?.();
  }
}

function toPage(htmlString: string, slot?: number): void {
  if (htmlFilePath() === null || !page) return;
  const i = slot === undefined ? -1 : page.parts.findIndex((p) => p.slot === slot);
  if (i >= 0) page.parts[i] = { slot, html: htmlString };
  else page.parts.push({ slot, html: htmlString });
  scheduleFlush();
}

/** Markdown for the HTML page: no Markdown engine here, so the text is kept as written. */
function markdownAsHtml(text: string): string {
  return `<div style="white-space:pre-wrap">${escapeHtml(text)}</div>`;
}

/** Emits one rich output; `fallback` is what a terminal user sees instead (and the HTML page, if any, gets the HTML). */
export function emitHtml(htmlString: string, fallback: string): void {
  if (sink) return sink({ mime: "text/html", data: htmlString });
  const k = kernel();
  if (k) return k.display.html(htmlString);
  terminal(fallback);
  toPage(htmlString);
}

/** Emits Markdown (rendered by Jupyter itself, including $…$ math). */
export function emitMarkdown(text: string): void {
  if (sink) return sink({ mime: "text/markdown", data: text });
  const k = kernel();
  if (k) return k.display.markdown(text);
  terminal(text);
  toPage(markdownAsHtml(text));
}

/**
 * A slot whose content is replaced on each call: in the kernel via update_display_data; outside it
 * `html` only updates the HTML page (if any) and `markdown`/`text` print a new line.
 */
export function newSlot(): OutputSlot {
  const id = ++slotCounter;
  const k = kernel();
  const d = k ? k.newDisplay() : null;
  return {
    html(s: string) {
      if (sink) return sink({ mime: "text/html", data: s, slot: id });
      if (d) return d.html(s);
      toPage(s, id);
    },
    markdown(s: string) {
      if (sink) return sink({ mime: "text/markdown", data: s, slot: id });
      if (d) return d.markdown(s);
      terminal(s);
      toPage(markdownAsHtml(s), id);
    },
    text(s: string) {
      if (sink) return sink({ mime: "text/plain", data: s, slot: id });
      if (d) return d.text(s);
      terminal(s);
      toPage(`<pre>${escapeHtml(s)}</pre>`, id);
    },
  };
}

/** Escapes text for safe inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** How every helper prints a number (engine/format.ts): the same in graphs, reports, tables and formulas. */
export { formatNumber } from "../engine/format";
