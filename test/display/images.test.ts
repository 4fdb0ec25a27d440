/**
 * Images drawn as PNG data URLs: the PNG is checked with Node's own zlib (inflate, crc32), so the
 * encoder is judged by an independent decoder; pixel values are derived by hand from the colormaps.
 * That a browser shows them is checked on the real notebooks (test/notebooks/notebooks.test.ts).
 */
import { crc32, inflateSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { confusionMatrixPlot, encodePng, imageGrid, imageGridHtml, weightImages} from "../../src/display";
import { capture } from "./capture";
import { Matrix } from "../../src/nn/matrix";

/** A PNG's chunks, each CRC checked with zlib.crc32; IHDR fields and the inflated, unfiltered pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; colorType: number; pixels: number[] } {
  expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8, width = 0, height = 0, colorType = -1;
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    expect(view.getUint32(at + 8 + len), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    types.push(type);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect(data[8]).toBe(8); // bit depth
      colorType = data[9]!;
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * (colorType === 0 ? 1 : 3);
  const pixels: number[] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)], `filter byte of row ${y}`).toBe(0);
    pixels.push(...raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
  }
  return { width, height, colorType, pixels };
}

/** The PNGs of a grid's HTML, in order. */
function pngsIn(html: string): Uint8Array[] {
  return [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => new Uint8Array(Buffer.from(m[1]!, "base64")));
}

afterEach(() => vi.restoreAllMocks());

describe("encodePng", () => {
  it("writes a PNG that zlib reads back: grey and RGB, row by row", () => {
    const grey = decodePng(encodePng(3, 2, 1, Uint8Array.from([0, 10, 20, 30, 40, 255])));
    expect(grey).toEqual({ width: 3, height: 2, colorType: 0, pixels: [0, 10, 20, 30, 40, 255] });
    const rgb = decodePng(encodePng(1, 2, 3, Uint8Array.from([1, 2, 3, 4, 5, 6])));
    expect(rgb).toEqual({ width: 1, height: 2, colorType: 2, pixels: [1, 2, 3, 4, 5, 6] });
    expect(() => encodePng(2, 2, 1, new Uint8Array(3))).toThrow(/3 bytes for 2 × 2 pixels of 1 channel/);
  });
});

describe("imageGrid", () => {
  it("draws each column of a matrix as one image: ink maps 0 to white paper and 1 to black", () => {
    // Two 2×2 images as the columns of a 4×2 matrix: [0, 1, 0.5, 0.25] and [1, 1, 0, 0].
    const M = Matrix.fromColumns([[0, 1, 0.5, 0.25], [1, 1, 0, 0]]);
    const html = imageGridHtml(M, { captions: ["a <b>", "second"], scale: 10 });
    const pngs = pngsIn(html).map(decodePng);
    expect(pngs.map((p) => p.pixels)).toEqual([[255, 0, 128, 191], [0, 0, 255, 255]]); // 255·(1 − v), rounded
    expect(pngs.every((p) => p.width === 2 && p.height === 2 && p.colorType === 0)).toBe(true);
    expect(html.match(/<img class="bpl-image"/g)).toHaveLength(2);
    expect(html).toContain('width="20" height="20"');
    expect(html).toContain("<figcaption");
    expect(html).toContain("a &lt;b&gt;"); // captions are text, not markup
  });

  it("scales each image to its own values with range 'each', and a fixed range clips", () => {
    const [each] = pngsIn(imageGridHtml([[2, 4, 3, 2]], { range: "each" })).map(decodePng);
    expect(each!.pixels).toEqual([255, 0, 128, 255]);
    const [fixed] = pngsIn(imageGridHtml([[-1, 0, 2, 0.5]], { range: [0, 1] })).map(decodePng);
    expect(fixed!.pixels).toEqual([255, 255, 0, 128]);
  });

  it("diverging: white at 0, full red at +max and full blue at −max, halfway in between", () => {
    const [img] = pngsIn(imageGridHtml([[-2, 0, 1, 2]], { colormap: "diverging" })).map(decodePng);
    expect(img!.colorType).toBe(2);
    // 255 + (c − 255)·t with red (178, 24, 43) and blue (33, 102, 172); t = |v| / 2.
    expect(img!.pixels).toEqual([33, 102, 172, 255, 255, 255, 217, 140, 149, 178, 24, 43]);
  });

  it("names the problem for images that do not fit", () => {
    expect(() => imageGridHtml([[1, 2, 3]])).toThrow(/images of 3 values cannot be drawn as 2 × 1.5 pixels/);
    expect(() => imageGridHtml([[1, 2, 3, 4], [1, 2]])).toThrow(/image 1 has 2 values but image 0 has 4/);
    expect(() => imageGridHtml([])).toThrow(/no images/);
    expect(imageGridHtml([[1, 2, 3, 4, 5, 6]], { width: 3 })).toContain('width="6" height="4"');
  });

  it("emits one HTML output in a notebook and a line of text on a terminal", () => {
    const outs = capture(() => imageGrid([[0, 1, 1, 0]], { title: "one", captions: ["x"] }));
    expect(outs).toHaveLength(1);
    expect(outs[0]!.mime).toBe("text/html");
    expect(outs[0]!.data).toContain("bpl-image-grid");
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
    imageGrid([[0, 1, 1, 0], [1, 0, 0, 1]], { title: "two", captions: ["7", "1"] });
    expect(lines).toEqual(["[images] two: 2 image(s) (7, 1)"]);
  });
});

describe("weightImages", () => {
  it("draws the chosen rows of W on their own symmetric diverging scale, captioned by unit", () => {
    const W = Matrix.from([[1, -1, 0, 0.5], [0, 0, 0, 0], [-4, 4, 2, 0]]);
    const outs = capture(() => weightImages(W, { units: [2, 0] }));
    const html = outs[0]!.data;
    expect(html).toContain(">unit 2</figcaption>");
    const [u2, u0] = pngsIn(html).map(decodePng);
    expect(u2!.pixels.slice(0, 6)).toEqual([33, 102, 172, 178, 24, 43]); // −4 full blue, +4 full red
    expect(u0!.pixels.slice(0, 3)).toEqual([178, 24, 43]); // its own max |w| is 1
    expect(() => weightImages(W, { units: [3] })).toThrow(/unit 3 is not a row of the 3 × 4 weight matrix/);
  });
});

describe("confusionMatrixPlot", () => {
  it("is a heatmap of the counts with the numbers written in, true classes down and predictions across", () => {
    const counts = [[5, 1], [0, 4]];
    const html = capture(() => confusionMatrixPlot(counts, { title: "c" }))[0]!.data;
    const m = /Plotly\.react\(el,(\[.*?\]),(\{.*?\}),\{responsive/.exec(html)!;
    const [trace] = JSON.parse(m[1]!) as Record<string, unknown>[];
    const layout = JSON.parse(m[2]!) as { xaxis: { title: { text: string } }; yaxis: { title: { text: string }; autorange: string } };
    expect(trace!.type).toBe("heatmap");
    expect(trace!.z).toEqual(counts);
    expect(trace!.texttemplate).toBe("%{z}");
    expect(layout.xaxis.title.text).toBe("predicted class");
    expect(layout.yaxis.title.text).toBe("true class");
    expect(layout.yaxis.autorange).toBe("reversed");
    expect(() => confusionMatrixPlot([[1, 2], [3]])).toThrow(/square k × k table, row 1 has 1 entries for k = 2/);
  });
});
