import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { renderSparklinePng } from "./sparkline_png.ts";

/** Decodes what encodeRgbPng writes (one IDAT, filter 0) back into pixels. */
function decode(
  png: Uint8Array,
): { width: number; height: number; pixel(x: number, y: number): number[] } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      [width, height] = [view.getUint32(offset + 8), view.getUint32(offset + 12)];
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(idat[0]);
  return {
    width,
    height,
    pixel: (
      x,
      y,
    ) => [...raw.subarray(y * (1 + width * 3) + 1 + x * 3, y * (1 + width * 3) + 4 + x * 3)],
  };
}

const white = [255, 255, 255];

Deno.test("renderSparklinePng draws a rising series from bottom left to top right", () => {
  const points = Array.from({ length: 10 }, (_, i) => ({ ts: i * 1000, value: i }));
  const image = decode(renderSparklinePng({ metric: "m", points }, { width: 100, height: 40 })!);
  assert.equal(image.width, 100);
  assert.equal(image.height, 40);
  assert.notDeepEqual(image.pixel(4, 35), white, "line starts at the bottom left");
  assert.notDeepEqual(image.pixel(95, 4), white, "line ends at the top right");
  assert.deepEqual(image.pixel(95, 35), white, "bottom right stays empty");
  assert.deepEqual(image.pixel(4, 4), white, "top left stays empty");
});

Deno.test("renderSparklinePng draws the threshold as a red dashed line", () => {
  const points = [{ ts: 0, value: 0 }, { ts: 1, value: 0 }];
  const image = decode(
    renderSparklinePng({ metric: "m", points, threshold: 10 }, { width: 64, height: 32 })!,
  );
  assert.deepEqual(image.pixel(1, 4), [209, 36, 47]);
  assert.deepEqual(image.pixel(6, 4), white, "gap in the dash");
});

Deno.test("renderSparklinePng returns undefined for fewer than two samples", () => {
  assert.equal(renderSparklinePng({ metric: "m", points: [{ ts: 0, value: 1 }] }), undefined);
  assert.equal(
    renderSparklinePng({ metric: "m", points: [{ ts: 0, value: 1 }, { ts: 1, value: NaN }] }),
    undefined,
  );
});

Deno.test("renderSparklinePng rejects a size too small to draw", () => {
  assert.throws(
    () => renderSparklinePng({ metric: "m", points: [] }, { width: 8 }),
    /'width' and 'height' must be integers >= 16/,
  );
});
