// Builds dist/: ES module and CommonJS for bundlers and Node, a minified ES module for a page's
// <script type="module">, and the TypeScript declarations. esbuild bundles and minifies; tsc only types.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
const common = { entryPoints: [`${root}src/index.ts`], bundle: true, target: "es2020", logLevel: "warning" };
await build({ ...common, format: "esm", outfile: `${root}dist/index.js` });
await build({ ...common, format: "cjs", outfile: `${root}dist/index.cjs` });
await build({ ...common, format: "esm", minify: true, outfile: `${root}dist/hub-client.min.js` });
execFileSync(`${root}node_modules/.bin/tsc`, ["-p", `${root}tsconfig.json`], { stdio: "inherit" });
