/**
 * Charts with plotly.js, fully offline: the first chart of a kernel session carries the whole
 * plotly bundle inline, later charts wait for it. Each output is plain HTML + script, so it renders
 * live in classic Notebook, in saved/reopened notebooks and in `nbconvert --to html` pages. If the
 * output that carried the bundle is gone (its cell was run again, then the notebook saved and
 * reopened), a chart on a live Notebook page loads the same file from the server's nbextensions
 * folder, where `npm start` puts it; nothing ever comes from the network.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { captureActive, emitHtml, formatNumber, inNotebook, newSlot, setHtmlPageHead } from "./output";

/** A plotly trace; kept open because plotly's schema is large, but `x`/`y` cover the common case. */
export interface Trace {
  x?: readonly (number | string)[];
  y?: readonly (number | string)[];
  z?: readonly (readonly number[])[];
  name?: string;
  type?: string;
  mode?: string;
  [key: string]: unknown;
}

/** A plotly layout (title, axes, size, ...). */
export type Layout = Record<string, unknown>;

/** The short options the course notebooks use instead of a full plotly layout. */
export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Extra plotly layout fields, merged last. */
  layout?: Layout;
}

let bundleCache: string | null = null;
/** Whether this kernel session has already emitted the inline bundle. */
let bundleSent = false;

/** Where plotly.js-dist's bundle lives; scripts/setup.mjs copies it into the Notebook server's nbextensions. */
export function plotlyBundlePath(): string {
  return require.resolve("plotly.js-dist/plotly.js");
}

/** The URL, relative to the Notebook server's base URL, under which setup serves the bundle. */
export const PLOTLY_NBEXTENSION = "nbextensions/backprop-lab/plotly.js";

/**
 * The 10 MB bundle gzipped and base64-encoded (about 2.6 MB): a notebook that carries it stays small
 * enough to save, share and export. Compressed once per kernel session (≈0.2 s).
 */
function plotlyBundleGzipBase64(): string {
  if (bundleCache === null) bundleCache = gzipSync(readFileSync(plotlyBundlePath()), { level: 6 }).toString("base64");
  return bundleCache;
}

/**
 * Loader that inflates the bundle with the browser's own DecompressionStream and runs it with
 * require.js's `define` hidden, so classic Notebook does not swallow plotly as an anonymous module.
 * `window.__bplPlotlyLoading` tells charts (and a second copy of this loader) that plotly is on its way.
 */
function loaderScript(): string {
  return (
    "<script>/*bpl-plotly-bundle*/(function(){var w=window;if(w.Plotly||w.__bplPlotlyLoading)return;" +
    "if(typeof w.DecompressionStream!=='function'){console.warn('backprop-lab: this browser cannot inflate the plotly bundle (no DecompressionStream)');return;}" +
    "w.__bplPlotlyLoading=1;var b=atob('" + plotlyBundleGzipBase64() + "');var u=new Uint8Array(b.length);for(var i=0;i<b.length;i++)u[i]=b.charCodeAt(i);" +
    "new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(function(src){" +
    "if(w.Plotly){w.__bplPlotlyLoading=0;return;}var d=w.define;w.define=undefined;try{var s=document.createElement('script');s.text=src;document.head.appendChild(s);}" +
    "finally{w.define=d;w.__bplPlotlyLoading=0;}},function(e){w.__bplPlotlyLoading=0;console.error('backprop-lab: could not inflate plotly',e);});})();</script>"
  );
}

setHtmlPageHead(loaderScript);

/** Forget that the bundle was sent (tests, or a notebook that wants each chart self-contained). */
export function resetPlotlyBundle(): void {
  bundleSent = false;
}

function safeJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

let plotCounter = 0;

const NOT_LOADED = "plotly.js is not on this page: the output that carried it is gone. Restart the kernel and run all cells (the first chart of a session carries the library).";

/** Builds the HTML of one chart; includes the bundle only for the first chart of the session. */
export function plotHtml(traces: readonly Trace[], layout: Layout = {}, opts: { includeBundle?: boolean; id?: string } = {}): string {
  const id = opts.id ?? `bpl-plot-${Date.now().toString(36)}-${++plotCounter}`;
  const include = opts.includeBundle ?? !bundleSent;
  if (include && opts.includeBundle === undefined) bundleSent = true;
  const fullLayout: Layout = { margin: { l: 60, r: 20, t: 50, b: 50 }, ...layout };
  const height = typeof fullLayout.height === "number" ? fullLayout.height : 380;
  // Waits for window.Plotly (an earlier output may still be loading it); after half a second on a
  // live Notebook page (require.js and data-base-url present) it asks the server's copy instead.
  const draw =
    `<script>(function(){var n=0,asked=0;function go(){var el=document.getElementById(${safeJson(id)});if(!el)return;` +
    `if(window.Plotly){window.Plotly.react(el,${safeJson(traces)},${safeJson(fullLayout)},{responsive:true,displaylogo:false});return;}` +
    `if(!asked&&n>=10&&!window.__bplPlotlyLoading){asked=1;fromServer();}` +
    `if(n++<1200){setTimeout(go,50);}else{el.textContent=${safeJson(NOT_LOADED)};}}` +
    `function fromServer(){var b=document.body&&document.body.getAttribute("data-base-url"),r=window.requirejs;` +
    `if(b==null||typeof r!=="function")return;r([b+${safeJson(PLOTLY_NBEXTENSION)}],function(P){if(!window.Plotly)window.Plotly=P;},function(){});}` +
    `go();})();</script>`;
  return `<div id="${id}" class="bpl-plot" style="width:100%;min-height:${height}px"></div>${include ? loaderScript() : ""}${draw}`;
}

/** True when chart HTML reaches a page that runs it now (a kernel, or a capture in tests). */
function richOutput(): boolean {
  return inNotebook() || captureActive();
}

function textSummary(traces: readonly Trace[], layout: Layout): string {
  const title = typeof layout.title === "string" ? layout.title : ((layout.title as { text?: string } | undefined)?.text ?? "chart");
  const lines = [`[chart] ${title}`];
  for (const t of traces) {
    const ys = (t.y ?? []).filter((v): v is number => typeof v === "number");
    const range = ys.length ? `y in [${formatNumber(Math.min(...ys))}, ${formatNumber(Math.max(...ys))}]` : "";
    lines.push(`  ${t.name ?? t.type ?? "trace"}: ${t.x?.length ?? t.z?.length ?? ys.length} points ${range}`);
  }
  return lines.join("\n");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Turns the notebooks' short options into a plotly layout. An `xaxis`/`yaxis` given in `layout` is
 * merged into the axis built from the short options, so `{ xTitle, layout: { xaxis: { dtick: 1 } } }`
 * keeps its title.
 */
export function layoutFrom(opts: ChartOptions = {}): Layout {
  const extra = opts.layout ?? {};
  const axis = (title: string | undefined, log: boolean | undefined, more: unknown) => ({
    title: { text: title ?? "" },
    ...(log ? { type: "log" } : {}),
    ...(isRecord(more) ? more : {}),
  });
  return {
    ...(opts.title ? { title: { text: opts.title } } : {}),
    ...(opts.width ? { width: opts.width } : {}),
    ...(opts.height ? { height: opts.height } : {}),
    ...extra,
    xaxis: axis(opts.xTitle, opts.logX, extra.xaxis),
    yaxis: axis(opts.yTitle, opts.logY, extra.yaxis),
  };
}

/**
 * Log axes left to plotly label every digit of a decade when the data spans only a few, which prints
 * a column of overlapping 2, 3, 4, … Unless the layout says otherwise, label 1-2-5 within a decade
 * for short spans and powers of ten for long ones, written as powers when the values are tiny or huge.
 */
function tidyLogAxes(traces: readonly Trace[], layout: Layout): Layout {
  const out: Layout = { ...layout };
  for (const [key, field] of [["xaxis", "x"], ["yaxis", "y"]] as const) {
    const ax = layout[key];
    if (!isRecord(ax) || ax.type !== "log" || "dtick" in ax || "tickvals" in ax) continue;
    const vals = traces
      .filter((t) => (t[key] === undefined || t[key] === field) && t.type !== "heatmap" && t.type !== "contour")
      .flatMap((t) => (t[field] ?? []) as readonly (number | string)[])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v) && v > 0);
    if (vals.length === 0) continue;
    const lo = Math.min(...vals), hi = Math.max(...vals);
    const decades = Math.log10(hi / lo);
    out[key] = { ...ax, dtick: decades > 3 ? 1 : "D2", ...("exponentformat" in ax ? {} : lo < 1e-3 || hi >= 1e5 ? { exponentformat: "power" } : {}) };
  }
  return out;
}

/** General chart: any plotly traces and layout; the other chart helpers build on this. */
export function plot(traces: readonly Trace[], layout: Layout | ChartOptions = {}): void {
  const l = tidyLogAxes(traces, isChartOptions(layout) ? layoutFrom(layout) : layout);
  // Outside a kernel the HTML only goes to an HTML page (if any), whose head carries the bundle.
  emitHtml(plotHtml(traces, l, richOutput() ? {} : { includeBundle: false }), textSummary(traces, l));
}

function isChartOptions(l: Layout | ChartOptions): l is ChartOptions {
  return ["xTitle", "yTitle", "logX", "logY"].some((k) => k in l) || (typeof l.title === "string" && !("xaxis" in l));
}

/** Line chart of one or more named series, e.g. loss against epoch. */
export function linePlot(series: readonly Trace[], opts: ChartOptions = {}): void {
  plot(series.map((s) => ({ type: "scatter", mode: "lines", ...s })), layoutFrom(opts));
}

/** Scatter plot of one or more point sets. */
export function scatterPlot(series: readonly Trace[], opts: ChartOptions = {}): void {
  plot(series.map((s) => ({ type: "scatter", mode: "markers", ...s })), layoutFrom(opts));
}

/** Histogram of values, e.g. weights or gradients of a layer. */
export function histogram(values: readonly number[] | readonly { name?: string; values: readonly number[] }[], opts: ChartOptions & { bins?: number } = {}): void {
  const sets = typeof values[0] === "number" || values.length === 0 ? [{ values: values as readonly number[] }] : (values as { name?: string; values: readonly number[] }[]);
  const traces = sets.map((s) => ({ type: "histogram", x: s.values, name: s.name, opacity: sets.length > 1 ? 0.6 : 1, ...(opts.bins ? { nbinsx: opts.bins } : {}) }));
  plot(traces, { ...layoutFrom(opts), barmode: "overlay" });
}

/**
 * Blue for negative, white for zero, red for positive: the sign of a weight or gradient is what a
 * reader looks for first, and plotly's own RdBu puts grey, not white, in the middle.
 */
export const DIVERGING_COLORSCALE: readonly (readonly [number, string])[] = [
  [0, "#2166ac"], [0.25, "#67a9cf"], [0.5, "#f7f7f7"], [0.75, "#ef8a62"], [1, "#b2182b"],
];

/** White for zero up to dark blue: for counts and other values that are never negative. */
export const SEQUENTIAL_COLORSCALE: readonly (readonly [number, string])[] = [
  [0, "#ffffff"], [0.1, "#deebf7"], [0.4, "#6baed6"], [1, "#08306b"],
];

/** Options of `heatmap`. */
export interface HeatmapOptions extends ChartOptions {
  /** A plotly colorscale name or stops; default `DIVERGING_COLORSCALE` centred on zero. */
  colorscale?: string | readonly (readonly [number, string])[];
  /** Write each cell's value in it (for small matrices such as a confusion matrix). */
  showValues?: boolean;
}

/** Heatmap of a matrix, e.g. a weight matrix W (rows d_out, columns d_in): row 0 on top, zero white. */
export function heatmap(z: readonly (readonly number[])[], opts: HeatmapOptions = {}): void {
  const values = z.flat();
  const signed = values.some((v) => v < 0) && values.some((v) => v > 0);
  const integerTicks = (n: number) => (n <= 30 ? { dtick: 1 } : {});
  const base = layoutFrom(opts);
  plot([{
    type: "heatmap", z, colorscale: opts.colorscale ?? DIVERGING_COLORSCALE, ...(signed && !opts.colorscale ? { zmid: 0 } : {}),
    ...(opts.showValues ? { texttemplate: "%{z}", hovertemplate: "row %{y}, column %{x}: %{z}<extra></extra>" } : {}),
  }], {
    ...base,
    xaxis: { ...integerTicks(z[0]?.length ?? 0), ...(base.xaxis as Layout) },
    yaxis: { autorange: "reversed", ...integerTicks(z.length), ...(base.yaxis as Layout) },
  });
}

/**
 * A confusion matrix as a heatmap with the counts written in: row = true class, column = predicted
 * class, so the diagonal holds the right answers and every off-diagonal cell names one kind of mistake.
 */
export function confusionMatrixPlot(counts: readonly (readonly number[])[], opts: ChartOptions = {}): void {
  const k = counts.length;
  const bad = counts.findIndex((r) => r.length !== k);
  if (k === 0 || bad >= 0) throw new RangeError(`confusionMatrixPlot: counts must be a square k × k table, row ${bad} has ${counts[bad]?.length} entries for k = ${k}`);
  heatmap(counts, { xTitle: "predicted class", yTitle: "true class", height: 480, width: 560, ...opts, colorscale: SEQUENTIAL_COLORSCALE, showValues: true });
}

/** Points with class labels, for `decisionBoundary`. */
export interface LabelledPoints {
  /** Points as [x1, x2] pairs. */
  X: readonly (readonly number[])[];
  /** Class label per point. */
  y: readonly number[];
}

/** Contour of a classifier's output over the plane plus the labelled points: shows what the network learned. */
export function decisionBoundary(
  predict: (x1: number, x2: number) => number,
  data: LabelledPoints,
  opts: ChartOptions & { grid?: number; margin?: number; outputName?: string } = {},
): void {
  if (data.X.length !== data.y.length) throw new Error(`decisionBoundary: ${data.X.length} points but ${data.y.length} labels`);
  const n = opts.grid ?? 60;
  const m = opts.margin ?? 0.25;
  const pairs = data.X.map((p, i) => {
    const [x1, x2] = p;
    if (p.length !== 2 || x1 === undefined || x2 === undefined) throw new Error(`decisionBoundary: point ${i} has ${p.length} coordinates; the plane needs [x1, x2] pairs`);
    return [x1, x2] as const;
  });
  const xs1 = pairs.map((p) => p[0]);
  const xs2 = pairs.map((p) => p[1]);
  const [a1, b1] = [Math.min(...xs1) - m, Math.max(...xs1) + m];
  const [a2, b2] = [Math.min(...xs2) - m, Math.max(...xs2) + m];
  const g1 = Array.from({ length: n }, (_, i) => a1 + ((b1 - a1) * i) / (n - 1));
  const g2 = Array.from({ length: n }, (_, i) => a2 + ((b2 - a2) * i) / (n - 1));
  const z = g2.map((v) => g1.map((u) => predict(u, v)));
  const classes = [...new Set(data.y)].sort((p, q) => p - q);
  const traces: Trace[] = [{
    type: "contour", x: g1, y: g2, z, colorscale: DIVERGING_COLORSCALE, opacity: 0.55, showscale: true, contours: { coloring: "heatmap" }, name: "model",
    colorbar: { title: { text: opts.outputName ?? "model output", side: "right" }, thickness: 14 },
  }];
  // Two classes take the colours of the two ends of the scale, so a point sits on its own colour
  // when it is classified right and stands out when it is not.
  const [low, high] = classes;
  const ends: Record<number, string> = classes.length === 2 && low !== undefined && high !== undefined ? { [low]: "#2166ac", [high]: "#b2182b" } : {};
  for (const c of classes) {
    const mine = pairs.filter((_, i) => data.y[i] === c);
    traces.push({
      type: "scatter", mode: "markers", name: `class ${c}`, x: mine.map((p) => p[0]), y: mine.map((p) => p[1]),
      marker: { size: 7, line: { width: 1, color: "#fff" }, ...(ends[c] ? { color: ends[c] } : {}) },
    });
  }
  const base = layoutFrom({ xTitle: "x₁", yTitle: "x₂", ...opts });
  // The legend goes under the plot: on the right it would sit on top of the colour bar.
  plot(traces, { legend: { orientation: "h", x: 0, y: -0.18, yanchor: "top" }, margin: { l: 60, r: 20, t: 50, b: 90 }, ...base });
}

/** A loss curve that redraws in place during training instead of printing a new chart per epoch. */
export interface LiveLossCurve {
  /** Adds one point per named series (e.g. `{ train: 0.3, test: 0.4 }`) and redraws. */
  push(step: number, values: Record<string, number>): void;
  /** The data so far, per series. */
  readonly series: Record<string, { x: number[]; y: number[] }>;
}

/** Creates a live loss plot; call `push` every epoch (throttle yourself for very many steps). */
export function liveLossCurve(opts: ChartOptions = {}): LiveLossCurve {
  const slot = newSlot();
  const series: Record<string, { x: number[]; y: number[] }> = {};
  const id = `bpl-live-${Date.now().toString(36)}-${++plotCounter}`;
  const layout = layoutFrom({ title: "training loss", xTitle: "epoch", yTitle: "loss", ...opts });
  let started = false;
  return {
    series,
    push(step, values) {
      for (const [k, v] of Object.entries(values)) {
        const s = (series[k] ??= { x: [], y: [] });
        s.x.push(step);
        s.y.push(v);
      }
      const rich = richOutput();
      if (!started && rich && !bundleSent) {
        // The slot is redrawn on every push, so the bundle goes into its own output, once, before it.
        bundleSent = true;
        emitHtml(`<div class="bpl-plotly-bundle" style="display:none"></div>${loaderScript()}`, "");
      }
      started = true;
      const traces = Object.entries(series).map(([name, s]) => ({ type: "scatter", mode: "lines", name, x: s.x, y: s.y }));
      slot.html(plotHtml(traces, layout, { id, includeBundle: false }));
      if (!rich) console.log(`loss @ ${step}: ` + Object.entries(values).map(([k, v]) => `${k}=${formatNumber(v)}`).join(" "));
    },
  };
}
