// The client against a scripted WebSocket: what a hub cannot be made to send on demand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, RpcError, ConnectionError } from "../dist/index.js";

/** A WebSocket whose peer is the test: `sent` holds what the client wrote, `receive` plays the server. */
class ScriptedSocket {
  static last;
  static refuse = false;
  readyState = 0;
  sent = [];
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;

  constructor(url) {
    this.url = url;
    ScriptedSocket.last = this;
    queueMicrotask(() => {
      if (ScriptedSocket.refuse) {
        this.readyState = 3;
        this.onerror?.({});
        return;
      }

      this.readyState = 1;
      this.onopen?.({});
    });
  }

  send(data) {
    this.sent.push(JSON.parse(data));
  }

  receive(message) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  close(code = 1005, reason = "") {
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  /** The next thing the client writes. */
  async next() {
    for (let i = 0; i < 100 && this.sent.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    return this.sent.shift();
  }
}

const open = (options = {}) => connect("ws://hub.test/rpc", { WebSocket: ScriptedSocket, ...options });

test("server-to-client calls are answered: a result, a handler's RpcError, -32603 for any other throw, -32601 unknown", async () => {
  const client = await open();
  const socket = ScriptedSocket.last;
  client.register("confirm", async (params) => params.question.length > 0);
  client.register("refuse", () => {
    throw new RpcError(-32010, "No.", { why: "policy" });
  });
  client.register("crash", () => {
    throw new Error("internal detail");
  });

  socket.receive({ jsonrpc: "2.0", method: "confirm", params: { question: "Sure?" }, id: "s:1" });
  assert.deepEqual(await socket.next(), { jsonrpc: "2.0", result: true, id: "s:1" });
  socket.receive({ jsonrpc: "2.0", method: "refuse", id: "s:2" });
  assert.deepEqual(await socket.next(), { jsonrpc: "2.0", error: { code: -32010, message: "No.", data: { why: "policy" } }, id: "s:2" });
  socket.receive({ jsonrpc: "2.0", method: "crash", id: "s:3" });
  assert.deepEqual(await socket.next(), { jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: "s:3" });
  socket.receive({ jsonrpc: "2.0", method: "unknown", id: "s:4" });
  assert.deepEqual(await socket.next(), { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: "s:4" });
  await client.close();
});

test("the access token goes in the access_token query parameter", async () => {
  const client = await open({ accessToken: async () => "a.b c" });
  assert.equal(new URL(ScriptedSocket.last.url).searchParams.get("access_token"), "a.b c");
  await client.close();
});

test("without reconnect, a close from the server ends calls in flight and subscriptions with a ConnectionError carrying its code", async () => {
  const client = await open({ reconnect: false });
  const socket = ScriptedSocket.last;
  const call = client.call("slow");
  const subscription = client.subscribe("prices");
  assert.equal((await socket.next()).method, "slow");
  const subscribe = await socket.next();
  socket.receive({ jsonrpc: "2.0", result: ["prices"], id: subscribe.id });
  await subscription.ready;
  const reading = subscription[Symbol.asyncIterator]().next();

  socket.close(1001, "going away");

  await assert.rejects(call, (e) => e instanceof ConnectionError && e.code === 1001 && e.reason === "going away");
  await assert.rejects(reading, (e) => e instanceof ConnectionError && e.code === 1001);
  assert.equal((await client.closed).code, 1001);
  assert.equal(client.state, "disconnected");
});

test("a lost connection fails the calls in flight, reconnects to the next URL, resubscribes, then reports connected", async () => {
  const client = await connect(["ws://a.test/rpc", "ws://b.test/rpc"], { WebSocket: ScriptedSocket, reconnect: { initialDelay: 1, maxDelay: 5 } });
  const first = ScriptedSocket.last;
  const states = [];
  client.onStateChange((state) => states.push(state));
  const seen = [];
  const subscription = client.subscribe("t", (data) => seen.push(data));
  const subscribe = await first.next();
  first.receive({ jsonrpc: "2.0", result: ["t"], id: subscribe.id });
  await subscription.ready;
  const inFlight = client.call("slow");
  await first.next();

  first.close(1001, "going away");
  await assert.rejects(inFlight, (e) => e instanceof ConnectionError && e.code === 1001);
  await assert.rejects(client.call("now"), ConnectionError, "not sent while reconnecting");
  let second;
  for (let i = 0; i < 100 && (second = ScriptedSocket.last) === first; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  assert.equal(new URL(second.url).host, "b.test");
  const again = await second.next();
  assert.deepEqual([again.method, again.params], ["subscribe", ["t"]]);
  assert.equal(client.state, "reconnecting", "connected only once subscribed again");
  second.receive({ jsonrpc: "2.0", result: ["t"], id: again.id });
  for (let i = 0; i < 100 && client.state !== "connected"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  assert.deepEqual(states, ["reconnecting", "connected"]);
  second.receive({ jsonrpc: "2.0", method: "t", params: [1] });
  assert.deepEqual(seen, [[1]]);
  await client.close();
  assert.equal(client.state, "disconnected");
});

test("reconnecting gives up after maxAttempts: the client stops for good and closed settles", async () => {
  const client = await connect("ws://a.test/rpc", { WebSocket: ScriptedSocket, reconnect: { initialDelay: 1, maxDelay: 2, maxAttempts: 3 } });
  const states = [];
  client.onStateChange((state) => states.push(state));
  ScriptedSocket.refuse = true;
  ScriptedSocket.last.close(1011, "internal error");

  const why = await client.closed.finally(() => (ScriptedSocket.refuse = false));
  assert.ok(why instanceof ConnectionError);
  assert.deepEqual(states, ["reconnecting", "disconnected"]);
  await assert.rejects(client.call("x"), ConnectionError);
});

test("notifications of a topic go to each of the client's subscriptions; the server hears one subscribe and one unsubscribe", async () => {
  const client = await open();
  const socket = ScriptedSocket.last;
  const a = [];
  const b = [];
  const first = client.subscribe("t", (data) => a.push(data));
  const second = client.subscribe("t", (data) => b.push(data));
  const subscribe = await socket.next();
  assert.deepEqual(subscribe.params, ["t"]);
  socket.receive({ jsonrpc: "2.0", result: ["t"], id: subscribe.id });
  await Promise.all([first.ready, second.ready]);

  socket.receive({ jsonrpc: "2.0", method: "t", params: { x: 1 } });
  socket.receive({ jsonrpc: "2.0", method: "t" });
  assert.deepEqual(a, [{ x: 1 }, null]);
  assert.deepEqual(b, [{ x: 1 }, null]);

  await first.unsubscribe();
  assert.equal(socket.sent.length, 0, "another subscription of the topic is left: nothing sent");
  const leaving = second.unsubscribe();
  const unsubscribe = await socket.next();
  assert.equal(unsubscribe.method, "unsubscribe");
  socket.receive({ jsonrpc: "2.0", result: [], id: unsubscribe.id });
  await leaving;
  socket.receive({ jsonrpc: "2.0", method: "t", params: [2] });
  assert.equal(a.length + b.length, 4, "nothing after the unsubscribe");
  await client.close();
});

test("a second subscription of a topic waits for the first one's answer, and fails with it", async () => {
  const client = await open();
  const socket = ScriptedSocket.last;
  const first = client.subscribe("t");
  const second = client.subscribe("t");
  const subscribe = await socket.next();
  assert.equal(socket.sent.length, 0, "one subscribe for both");
  socket.receive({ jsonrpc: "2.0", error: { code: -32602, message: "Invalid params", data: "unknown topic: t" }, id: subscribe.id });
  await assert.rejects(first.ready, (e) => e instanceof RpcError && e.code === -32602);
  await assert.rejects(second.ready, (e) => e instanceof RpcError && e.code === -32602);
  await client.close();
});

test("a subscription handler that throws does not stop the others nor the connection", async () => {
  let report;
  const thrown = new Promise((resolve) => (report = resolve));
  const client = await open({ onError: report });
  const socket = ScriptedSocket.last;
  const seen = [];
  client.subscribe("t", () => {
    throw new Error("handler bug");
  });
  client.subscribe("t", (data) => seen.push(data));
  const subscribe = await socket.next();
  socket.receive({ jsonrpc: "2.0", result: ["t"], id: subscribe.id });
  socket.receive({ jsonrpc: "2.0", method: "t", params: [1] });
  assert.equal((await thrown).message, "handler bug", "given to onError");
  assert.deepEqual(seen, [[1]]);
  const call = client.call("m");
  socket.receive({ jsonrpc: "2.0", result: 2, id: (await socket.next()).id });
  assert.equal(await call, 2);
  await client.close();
});

test("replies that match no call, and frames that are not JSON, are ignored", async () => {
  const client = await open();
  const socket = ScriptedSocket.last;
  const call = client.call("m");
  const request = await socket.next();
  socket.onmessage({ data: "not json" });
  socket.receive({ jsonrpc: "2.0", result: 1, id: 999 });
  socket.receive({ jsonrpc: "2.0", result: "late", id: request.id });
  assert.equal(await call, "late");
  await client.close();
});
