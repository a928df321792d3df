// What `npm pack` makes installs into an empty project, and loads both as an ES module and from CommonJS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });

test("npm pack installs into an empty project and loads with import and require", () => {
  const folder = mkdtempSync(join(tmpdir(), "hub-client-pack-"));
  try {
    const tarball = npm(["pack", "--silent", "--pack-destination", folder], root).trim().split("\n").pop();
    writeFileSync(join(folder, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    npm(["install", "--offline", "--no-audit", "--no-fund", join(folder, tarball)], folder);
    const run = (args) => execFileSync(process.execPath, args, { cwd: folder, encoding: "utf8", timeout: 30_000 }).trim();
    assert.equal(run(["--input-type=module", "-e", 'import { connect, RpcError } from "@hub-rpc/client"; console.log(typeof connect, typeof RpcError)']), "function function");
    assert.equal(run(["-e", 'const { connect } = require("@hub-rpc/client"); console.log(typeof connect)']), "function");
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
