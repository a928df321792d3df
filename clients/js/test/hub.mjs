// Starts a real hub (the repository's Hub.Host, demo service on) on a free port for the tests, and stops it.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";

const repo = new URL("../../..", import.meta.url).pathname;
const builds = ["Release", "Debug"].map((c) => `${repo}src/Hub.Host/bin/${c}/net10.0/Hub.Host.dll`);

function hostDll() {
  const built = builds.filter(existsSync).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (built.length > 0) {
    return built[0];
  }

  execFileSync("dotnet", ["build", "-c", "Debug", `${repo}src/Hub.Host`], { stdio: "inherit", timeout: 600_000 });
  return builds[1];
}

/** A hub on 127.0.0.1 and a free port: `{ url, http, stop() }`; `url` is its WebSocket endpoint. */
export async function startHub(...args) {
  const child = spawn("dotnet", [hostDll(), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
    "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start within 60 s:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk;
      const match = /Now listening on: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    exited.then((code) => reject(new Error(`the hub exited (${code}) before it listened:\n${output}`)));
  });
  const http = await listening;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }

    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 300; i++) {
    const ready = await fetch(`${http}/readyz`).then((r) => r.ok, () => false);
    if (ready) {
      return { url: `${http.replace("http", "ws")}/rpc`, http, stop };
    }

    await delay(100);
  }

  await stop();
  throw new Error(`the hub was not ready within 30 s:\n${output}`);
}

/** A token for `user` signed with `signingKey`, made by the host's own `token` command. */
export function token(user, signingKey, ...permissions) {
  const args = [hostDll(), "token", "--user", user, ...permissions.flatMap((p) => ["--permission", p]), "--Hub:Auth:SigningKey", signingKey];
  return execFileSync("dotnet", args, { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
}
