// The client against a real hub (the demo service), over Node's WebSocket.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect, RpcError, ConnectionError } from "../dist/index.js";
import { startHub, token } from "./hub.mjs";

const signingKey = "client-js-tests-signing-key-0123456789abcdef";
let hub;

/** Runs `body` with a client connected to the test hub, and closes it after. */
async function withClient(body) {
  const client = await connect(hub.url);
  try {
    await body(client);
  } finally {
    await client.close();
  }
}

before(async () => {
  hub = await startHub("--Hub:Auth:SigningKey", signingKey);
});

after(async () => {
  await hub?.stop();
});

test("a call resolves with its result, by position and by name", async () => {
  await withClient(async (client) => {
    assert.equal(await client.call("ping"), "pong");
    assert.equal(await client.call("add", [2, 3]), 5);
    assert.equal(await client.call("subtract", { minuend: 42, subtrahend: 23 }), 19);
    assert.deepEqual(await client.call("echo", { a: [1, "x", null] }), { a: [1, "x", null] });
  });
});

test("errors reject with RpcError: unknown method, a handler's own code, a handler that throws", async () => {
  await withClient(async (client) => {
    await assert.rejects(client.call("no_such_method"), (e) => e instanceof RpcError && e.code === -32601 && e.message === "Method not found");
    await assert.rejects(client.call("computer_says_no"), (e) => e instanceof RpcError && e.code === -32050 && e.message === "Computer says no.");
    await assert.rejects(client.call("divide", [1, 0]), (e) => e instanceof RpcError && e.code === -32603);
    await assert.rejects(client.call("add", [1]), (e) => e instanceof RpcError && e.code === -32602 && typeof e.data === "string");
    assert.equal(await client.call("ping"), "pong", "the connection stays open");
  });
});

test("a call past its timeout rejects with TimeoutError; an aborted one with the signal's reason", async () => {
  await withClient(async (client) => {
    await assert.rejects(client.call("sleep", [2000], { timeout: 100 }), { name: "TimeoutError" });
    const controller = new AbortController();
    const call = client.call("sleep", [2000], { signal: controller.signal });
    controller.abort(new Error("user went away"));
    await assert.rejects(call, { message: "user went away" });
  });
});

test("a batch answers each call in its own promise; notifications in it get nothing", async () => {
  await withClient(async (client) => {
    const batch = client.batch();
    const sum = batch.call("sum", [1, 2, 4]);
    const missing = batch.call("nope");
    batch.notify("update", [1]);
    const data = batch.call("get_data");
    const settled = await batch.send();
    assert.equal(await sum, 7);
    await assert.rejects(missing, (e) => e.code === -32601);
    assert.deepEqual(await data, ["hello", 5]);
    assert.equal(settled.length, 3);
  });
});

test("a batch over the server's limit rejects all of its calls with its one -32600", async () => {
  await withClient(async (client) => {
    const batch = client.batch();
    const calls = Array.from({ length: 101 }, () => batch.call("ping"));
    await batch.send();
    for (const call of calls) {
      await assert.rejects(call, (e) => e instanceof RpcError && e.code === -32600);
    }
  });
});

test("a subscriber gets the retained value first, then what is published, in order", async () => {
  const publisher = await connect(hub.url);
  const subscriber = await connect(hub.url);
  try {
    await publisher.call("publish", ["demo", { n: 0 }, true]);
    const seen = [];
    const three = new Promise((resolve) => {
      const subscription = subscriber.subscribe("demo", (data) => {
        seen.push(data);
        if (seen.length === 3) {
          resolve(subscription);
        }
      });
      subscription.ready.then(async () => {
        await publisher.call("publish", ["demo", { n: 1 }]);
        await publisher.call("publish", ["demo", { n: 2 }]);
      });
    });
    const subscription = await three;
    assert.deepEqual(seen, [{ n: 0 }, { n: 1 }, { n: 2 }]);
    await subscription.unsubscribe();
    assert.deepEqual(await subscriber.call("get_subscriptions"), []);
  } finally {
    await publisher.call("publish", ["demo", null, true]);
    await publisher.close();
    await subscriber.close();
  }
});

test("for await reads a topic; leaving the loop unsubscribes", async () => {
  await withClient(async (client) => {
    const subscription = client.subscribe("bench");
    await subscription.ready;
    await client.call("publish", ["bench", [1]]);
    await client.call("publish", ["bench", [2]]);
    const seen = [];
    for await (const data of subscription) {
      seen.push(data);
      if (seen.length === 2) {
        break;
      }
    }

    assert.deepEqual(seen, [[1], [2]]);
    assert.deepEqual(await client.call("get_subscriptions"), []);
  });
});

test("a topic the server refuses rejects ready with -32602 and ends the iterator with it", async () => {
  await withClient(async (client) => {
    const subscription = client.subscribe("no-such-topic");
    await assert.rejects(subscription.ready, (e) => e instanceof RpcError && e.code === -32602);
    await assert.rejects(subscription[Symbol.asyncIterator]().next(), (e) => e.code === -32602);
  });
});

test("the access token provider's token logs the connection in", async () => {
  const anonymous = await connect(hub.url);
  const alice = await connect(hub.url, { accessToken: () => token("alice", signingKey, "secret") });
  try {
    await assert.rejects(anonymous.call("whoami"), (e) => e.code === -32601);
    assert.deepEqual(await alice.call("whoami"), { user: "alice", permissions: ["secret"] });
    assert.ok((await alice.call("get_topics")).includes("secret"));
  } finally {
    await anonymous.close();
    await alice.close();
  }
});

test("a bad token is refused before the upgrade: connect rejects with ConnectionError", async () => {
  await assert.rejects(connect(hub.url, { accessToken: () => "not-a-token" }), ConnectionError);
});

test("after close, closed settles and calls reject with ConnectionError", async () => {
  const client = await connect(hub.url);
  const pending = assert.rejects(client.call("sleep", [5000]), ConnectionError);
  const why = await client.close();
  assert.equal(why.code, 1000);
  await pending;
  await assert.rejects(client.call("ping"), ConnectionError);
  assert.equal(client.connected, false);
});

/** Waits, at most `ms`, for `condition`. */
async function until(condition, what, ms = 30_000) {
  for (const deadline = Date.now() + ms; !condition(); ) {
    assert.ok(Date.now() < deadline, `not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("across a hub restart the client reconnects, resubscribes, then reports connected", async () => {
  const first = await startHub("--Hub:Auth:SigningKey", signingKey);
  const port = new URL(first.http).port;
  const client = await connect(first.url, { reconnect: { initialDelay: 100, maxDelay: 500 } });
  let second;
  let publisher;
  try {
    const states = [];
    client.onStateChange((state) => states.push(state));
    const seen = [];
    await client.subscribe("demo", (data) => seen.push(data)).ready;
    // The draining hub answers it -32004, or the connection ends first: either way it ends.
    const inFlight = assert.rejects(client.call("sleep", [10_000]), (e) => e instanceof ConnectionError || e.code === -32004);

    await first.stop();
    await inFlight;
    await until(() => client.state === "reconnecting", "reconnecting");
    second = await startHub("--Hub:Auth:SigningKey", signingKey, "--urls", `http://127.0.0.1:${port}`);
    publisher = await connect(second.url);
    await until(() => client.state === "connected", "connected again");
    assert.deepEqual(await client.call("get_subscriptions"), ["demo"]);
    await publisher.call("publish", ["demo", { after: "restart" }]);
    await until(() => seen.length === 1, "the notification after the restart");
    assert.deepEqual(seen, [{ after: "restart" }]);
    assert.deepEqual(states, ["reconnecting", "connected"]);
  } finally {
    await publisher?.close();
    await client.close();
    await first.stop();
    await second?.stop();
  }
});
