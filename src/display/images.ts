/**
 * Pictures made of pixels: digits, class means and a layer's weights drawn as small images, in a grid
 * with a caption under each. Each image is a PNG written here (no canvas, no network) and embedded as
 * a data URL, so it shows in a live notebook, in a saved one and in an exported HTML page alike, and
 * a 28 × 28 digit costs a few hundred bytes of the notebook.
 */
import { deflateSync } from "node:zlib";
import { Matrix } from "../nn/matrix";
import { emitHtml, escapeHtml } from "./output";

/** Images as a matrix whose columns are images (the course's layout) or as a list of flat images. */
export type ImageSource = Matrix | readonly ArrayLike<number>[];

/** How values become colours. */
export type ImageColormap = "ink" | "diverging";

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** Pixels per image row. Default: the square root of the image size (28 for a digit). */
  width?: number;
  /** Pixel rows per image. Default: size ÷ width. */
  height?: number;
  /** One line under each image (e.g. its label); shorter lists leave the rest bare. */
  captions?: readonly string[];
  /** Images per grid row. Default min(count, 10). */
  columns?: number;
  /** Screen pixels per image pixel. Default 2. */
  scale?: number;
  /**
   * "ink" (default): lo is white paper and hi black ink, for grey images. "diverging": white at 0,
   * red for positive and blue for negative values, for weights.
   */
  colormap?: ImageColormap;
  /**
   * The values that map to the ends of the scale: [lo, hi] for all images, or "each" to scale every
   * image to its own values (for "diverging": ± its largest |value|). Default [0, 1] for "ink",
   * "each" for "diverging".
   */
  range?: readonly [number, number] | "each";
  /** A heading over the grid. */
  title?: string;
}

/** The images of a source as flat arrays, checked to have one common size. */
function imagesOf(source: ImageSource): ArrayLike<number>[] {
  if (source instanceof Matrix) return Array.from({ length: source.cols }, (_, j) => Float64Array.from({ length: source.rows }, (_, i) => source.data[i * source.cols + j] as number));
  return [...source];
}

/** Width and height of every image, from the options or from a square size. */
function dimensions(size: number, options: ImageGridOptions): { width: number; height: number } {
  const width = options.width ?? Math.round(Math.sqrt(size));
  const height = options.height ?? size / width;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1 || width * height !== size) {
    throw new RangeError(`imageGrid: images of ${size} values cannot be drawn as ${width} × ${height} pixels; pass width (and height) so that width × height = ${size}`);
  }
  return { width, height };
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG chunks carry it (ISO 3309, the same as zlib's). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A PNG file of 8-bit pixels: `channels` 1 (grey) or 3 (RGB), `pixels` row by row. Written here so
 * that drawing an image needs neither a canvas nor a package.
 */
export function encodePng(width: number, height: number, channels: 1 | 3, pixels: Uint8Array): Uint8Array {
  if (pixels.length !== width * height * channels) throw new RangeError(`encodePng: ${pixels.length} bytes for ${width} × ${height} pixels of ${channels} channel(s)`);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, channels === 1 ? 0 : 2, 0, 0, 0], 8); // bit depth 8, grey or truecolour, no interlace
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height); // each row starts with filter type 0 (none)
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const RED: readonly number[] = [178, 24, 43];
const BLUE: readonly number[] = [33, 102, 172];

/** The 8-bit pixels of one image under a colormap and range (non-finite values are drawn black). */
function toPixels(values: ArrayLike<number>, colormap: ImageColormap, lo: number, hi: number): { channels: 1 | 3; pixels: Uint8Array } {
  const n = values.length;
  if (colormap === "ink") {
    const pixels = new Uint8Array(n);
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      const t = Number.isFinite(v) ? Math.min(1, Math.max(0, (v - lo) / span)) : 1;
      pixels[i] = Math.round(255 * (1 - t));
    }
    return { channels: 1, pixels };
  }
  const pixels = new Uint8Array(3 * n);
  const max = Math.max(Math.abs(lo), Math.abs(hi));
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue; // stays black
    const t = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
    const end = v >= 0 ? RED : BLUE;
    for (let c = 0; c < 3; c++) pixels[3 * i + c] = Math.round(255 + ((end[c] as number) - 255) * t);
  }
  return { channels: 3, pixels };
}

/** Smallest and largest finite value of an image. */
function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** HTML of the grid: one `img.bpl-image` (a PNG data URL) per image, captions under them. */
export function imageGridHtml(source: ImageSource, options: ImageGridOptions = {}): string {
  const images = imagesOf(source);
  if (images.length === 0) throw new RangeError("imageGrid: no images to draw");
  const size = (images[0] as ArrayLike<number>).length;
  const { width, height } = dimensions(size, options);
  images.forEach((img, k) => {
    if (img.length !== size) throw new RangeError(`imageGrid: image ${k} has ${img.length} values but image 0 has ${size}`);
  });
  const colormap = options.colormap ?? "ink";
  const range = options.range ?? (colormap === "ink" ? ([0, 1] as const) : "each");
  const scale = options.scale ?? 2;
  const columns = options.columns ?? Math.min(images.length, 10);
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`imageGrid: columns must be a positive integer, got ${columns}`);
  if (!(scale > 0)) throw new RangeError(`imageGrid: scale must be positive, got ${scale}`);
  const cells = images.map((img, k) => {
    let [lo, hi] = range === "each" ? extent(img) : range;
    if (colormap === "diverging" && range === "each") [lo, hi] = [-Math.max(Math.abs(lo), Math.abs(hi)), Math.max(Math.abs(lo), Math.abs(hi))];
    const { channels, pixels } = toPixels(img, colormap, lo, hi);
    const png = Buffer.from(encodePng(width, height, channels, pixels)).toString("base64");
    const caption = options.captions?.[k];
    return (
      `<figure style="margin:0;text-align:center"><img class="bpl-image" alt="image ${k}" width="${width * scale}" height="${height * scale}" ` +
      `style="image-rendering:pixelated;border:1px solid #ccc" src="data:image/png;base64,${png}">` +
      (caption === undefined ? "" : `<figcaption style="font:11px sans-serif;max-width:${Math.max(width * scale, 40)}px;line-height:1.2">${escapeHtml(caption)}</figcaption>`) +
      `</figure>`
    );
  });
  const title = options.title === undefined ? "" : `<div style="font:bold 13px sans-serif;margin:4px 0">${escapeHtml(options.title)}</div>`;
  return (
    `<div class="bpl-image-grid">${title}<div style="display:grid;grid-template-columns:repeat(${columns},max-content);gap:6px 8px;align-items:start">` +
    cells.join("") +
    `</div></div>`
  );
}

/** Draws images in a grid with captions: digits, class means, anything that is a picture. */
export function imageGrid(source: ImageSource, options: ImageGridOptions = {}): void {
  const html = imageGridHtml(source, options);
  const count = source instanceof Matrix ? source.cols : source.length;
  const captions = options.captions?.slice(0, 10).join(", ");
  emitHtml(html, `[images] ${options.title ?? "image grid"}: ${count} image(s)${captions ? ` (${captions}${count > 10 ? ", …" : ""})` : ""}`);
}

/** Options of `weightImages`. */
export interface WeightImagesOptions extends Omit<ImageGridOptions, "captions" | "colormap"> {
  /** Which units (rows of W) to draw. Default the first min(rows, 40). */
  units?: readonly number[];
}

/**
 * Draws rows of a first-layer weight matrix W (d_out × d_in) as images: unit i's weights over the
 * input pixels, red where a bright pixel raises its pre-activation and blue where it lowers it, each
 * unit on its own symmetric scale.
 */
export function weightImages(W: Matrix, options: WeightImagesOptions = {}): void {
  const units = options.units ?? Array.from({ length: Math.min(W.rows, 40) }, (_, i) => i);
  const bad = units.find((u) => !Number.isInteger(u) || u < 0 || u >= W.rows);
  if (bad !== undefined) throw new RangeError(`weightImages: unit ${bad} is not a row of the ${W.rows} × ${W.cols} weight matrix`);
  const rows = units.map((u) => W.data.subarray(u * W.cols, (u + 1) * W.cols));
  imageGrid(rows, { ...options, colormap: "diverging", captions: units.map((u) => `unit ${u}`) });
}
