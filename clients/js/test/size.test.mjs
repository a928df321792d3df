// The browser build's size budget (issue 16): at most 8 KB minified and gzipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const budget = 8 * 1024;

test(`dist/hub-client.min.js is at most ${budget} bytes gzipped`, () => {
  const minified = readFileSync(new URL("../dist/hub-client.min.js", import.meta.url));
  const gzipped = gzipSync(minified, { level: 9 }).length;
  assert.ok(gzipped <= budget, `${gzipped} bytes gzipped, over the budget of ${budget}`);
});
