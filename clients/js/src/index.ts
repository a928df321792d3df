// Hub's JSON-RPC 2.0 client for browsers and Node: the wire protocol of ../../shared/PROTOCOL.md over one WebSocket.
// No runtime dependencies; the WebSocket is the platform's (a constructor may be passed in where there is none).

/** A JSON-RPC error the server answered with. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = "RpcError";
  }
}

/** A call that got no answer within its timeout. */
export class TimeoutError extends Error {
  constructor(readonly method: string, readonly timeoutMs: number) {
    super(`'${method}' got no answer within ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

/** The connection is gone (or never opened): the calls in flight and the subscriptions end with it. */
export class ConnectionError extends Error {
  constructor(message: string, readonly code?: number, readonly reason?: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

/** What a WebSocket constructor must offer: the browser's and Node's global WebSocket do. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** How a client whose connection was lost connects again (to each URL given to {@link connect} in turn). */
export interface ReconnectOptions {
  /** The first wait, in ms (500); it doubles after each failed attempt, up to `maxDelay`. */
  initialDelay?: number;
  /** The longest wait between attempts, in ms (10,000). Each wait is jittered down by up to a half. */
  maxDelay?: number;
  /** Attempts before the client gives up for good (default: no limit). */
  maxAttempts?: number;
}

/** `connected`; `reconnecting` after the connection was lost; `disconnected` for good (`closed` settles). */
export type ConnectionState = "connected" | "reconnecting" | "disconnected";

export interface ConnectOptions {
  /** Default time a call waits for its answer, in ms (30,000). */
  timeout?: number;
  /** Where an error thrown by a subscription handler or a state listener goes (default: thrown on its own, uncaught). */
  onError?: (error: unknown) => void;
  /** How to connect again when the connection is lost; `false`: never (the client then ends with its connection). */
  reconnect?: ReconnectOptions | false;
  /** Asked at each connect; sent as the `access_token` query parameter (browsers cannot set headers on a WebSocket). */
  accessToken?: () => string | undefined | Promise<string | undefined>;
  /** The WebSocket constructor; default: the global one. */
  WebSocket?: WebSocketConstructor;
}

export interface CallOptions {
  /** Time to wait for the answer, in ms; default: the client's. */
  timeout?: number;
  /** Aborting it ends the wait (the call may still run on the server). */
  signal?: AbortSignal;
}

export type Params = unknown[] | Record<string, unknown>;
type Handler = (params: unknown) => unknown;

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  done(): void;
}

const OPEN = 1;

/** A request (with `id`) or a notification (without), `params` left out when there are none. */
function message(method: string, params?: Params, id?: number): object {
  return { jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }), ...(id === undefined ? {} : { id }) };
}


/**
 * One connection to a hub. Every call ends: with its result, an {@link RpcError}, a {@link TimeoutError}, the
 * signal's abort reason, or a {@link ConnectionError} when the connection closes first.
 */
export class HubClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly topics = new Map<string, Set<Subscription>>();
  private readonly joined = new Map<string, Promise<void>>();
  private readonly methods = new Map<string, Handler>();
  private readonly batches: number[][] = [];
  private readonly listeners = new Set<(state: ConnectionState, error?: ConnectionError) => void>();
  private readonly timeout: number;
  private failure: ConnectionError | undefined;
  private settle!: (info: ConnectionError) => void;
  private current: ConnectionState = "connected";
  private socket!: WebSocketLike;
  private stopping = false;
  private wake: (() => void) | undefined;

  /** Settles when the client has stopped for good (closed, or given up reconnecting), with why. */
  readonly closed: Promise<ConnectionError> = new Promise((resolve) => (this.settle = resolve));

  /** @internal use {@link connect}. */
  constructor(socket: WebSocketLike, private readonly urls: string[], private readonly options: ConnectOptions) {
    this.timeout = options.timeout ?? 30_000;
    this.attach(socket);
  }

  /** True while the connection is open and not reconnecting. */
  get connected(): boolean {
    return this.current === "connected" && this.socket.readyState === OPEN;
  }

  /** Where the client is: `connected`, `reconnecting` or `disconnected`. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Calls `listener` at each change of {@link state} (with the error that caused it); returns what stops that. */
  onStateChange(listener: (state: ConnectionState, error?: ConnectionError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `method` and resolves with its result. While reconnecting it rejects at once with a
   * {@link ConnectionError}; calls in flight when the connection is lost reject with one too (they may have run).
   */
  call<T = unknown>(method: string, params?: Params, options: CallOptions = {}): Promise<T> {
    if (this.current === "reconnecting") {
      return Promise.reject(new ConnectionError("reconnecting: the call was not sent"));
    }

    return this.request<T>(method, params, options);
  }

  private request<T>(method: string, params: Params | undefined, options: CallOptions): Promise<T> {
    const id = this.nextId++;
    const answer = this.expect<T>(id, method, options);
    this.send(message(method, params, id));
    return answer;
  }

  /** Sends a notification: run by the server, never answered. */
  notify(method: string, params?: Params): void {
    this.send(message(method, params));
  }

  /** Collects calls and notifications sent as one JSON-RPC batch by {@link Batch.send}. */
  batch(): Batch {
    return new Batch(this);
  }

  /**
   * Subscribes to `topic`: each notification goes to `handler`, or, without one, to the subscription's async iterator
   * (`for await (const data of client.subscribe("prices"))`). A retained value comes first. `ready` settles with the
   * server's answer; a topic the server refuses rejects it and ends the iterator with the error.
   */
  subscribe(topic: string, handler?: (data: unknown) => void): Subscription {
    const subscription = new Subscription(this, topic, handler);
    let local = this.topics.get(topic);
    const first = local === undefined;
    if (local === undefined) {
      this.topics.set(topic, (local = new Set()));
    }

    local.add(subscription);
    if (first) {
      // One subscribe per topic, whose answer every subscription of the topic on this client waits for.
      this.joined.set(topic, this.call("subscribe", [topic]).then(() => undefined));
    }

    subscription.ready = this.joined.get(topic)!.catch((error: Error) => {
      this.forget(subscription);
      subscription.end(error);
      throw error;
    });
    subscription.ready.catch(() => {});
    return subscription;
  }

  /** Answers server-to-client calls of `method` with what `handler` returns (or resolves to). */
  register(method: string, handler: (params: unknown) => unknown): void {
    this.methods.set(method, handler);
  }

  /** Closes the connection (1000) and stops reconnecting; resolves once the client has stopped. */
  close(): Promise<ConnectionError> {
    this.stopping = true;
    if (this.failure === undefined) {
      if (this.current === "reconnecting") {
        this.wake?.();
        this.end(new ConnectionError("closed while reconnecting", 1000));
      } else {
        this.socket.close(1000);
      }
    }

    return this.closed;
  }

  /** @internal Runs a callback of the user's: what it throws goes to `onError` and never stops the client's work. */
  guard(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      const report = this.options.onError ?? ((e: unknown) => queueMicrotask(() => {
        throw e;
      }));
      report(error);
    }
  }

  private attach(socket: WebSocketLike): void {
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.lost(socket, new ConnectionError(`closed: ${event.code} ${event.reason}`.trim(), event.code, event.reason));
    // Browsers follow an error with a close; some WebSocket implementations (Node 20's) may not.
    socket.onerror = () => this.lost(socket, new ConnectionError("the connection failed"));
  }

  private setState(state: ConnectionState, error?: ConnectionError): void {
    if (this.current !== state) {
      this.current = state;
      for (const listener of [...this.listeners]) {
        this.guard(() => listener(state, error));
      }
    }
  }

  /** The connection ended: calls in flight fail; the client reconnects, or stops for good. */
  private lost(socket: WebSocketLike, error: ConnectionError): void {
    if (socket !== this.socket || this.failure !== undefined) {
      return;
    }

    if (this.stopping || this.options.reconnect === false) {
      this.end(error);
      return;
    }

    this.failCalls(error);
    if (this.current !== "reconnecting") {
      this.setState("reconnecting", error);
      void this.reconnect(error);
    }
  }

  private async reconnect(lastError: ConnectionError): Promise<void> {
    const { initialDelay = 500, maxDelay = 10_000, maxAttempts = Infinity } = this.options.reconnect || {};
    for (let attempt = 1; attempt <= maxAttempts && !this.stopping; attempt++) {
      const delay = Math.min(maxDelay, initialDelay * 2 ** (attempt - 1)) * (0.5 + (Math.random() / 2));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.stopping) {
        return;
      }

      try {
        this.attach(await open(this.urls[attempt % this.urls.length], this.options));
        // Subscriptions first: a client reported connected receives what its subscriptions publish.
        await Promise.all([...this.topics.keys()].map((topic) => this.resubscribe(topic)));
        if (this.socket.readyState === OPEN && !this.stopping) {
          this.setState("connected");
          return;
        }
      } catch (error) {
        lastError = error instanceof ConnectionError ? error : new ConnectionError(String(error));
      }
    }

    this.end(lastError);
  }

  private async resubscribe(topic: string): Promise<void> {
    try {
      await this.request("subscribe", [topic], {});
    } catch (error) {
      if (!(error instanceof RpcError)) {
        throw error;
      }

      // Refused now (its rules changed): those subscriptions end with the refusal; the others carry on.
      for (const subscription of this.topics.get(topic) ?? []) {
        this.forget(subscription);
        subscription.end(error);
      }
    }
  }

  /** @internal */
  async unsubscribe(subscription: Subscription): Promise<void> {
    if (this.forget(subscription) && this.connected) {
      await this.request("unsubscribe", [subscription.topic], {});
    }
  }

  /** @internal */
  expect<T>(id: number, method: string, options: CallOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure !== undefined) {
        reject(this.failure);
        return;
      }

      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }

      const timeoutMs = options.timeout ?? this.timeout;
      const timer = setTimeout(() => finish(() => reject(new TimeoutError(method, timeoutMs))), timeoutMs);
      const abort = () => finish(() => reject(signal!.reason));
      const finish = (settle: () => void) => {
        if (this.pending.delete(id)) {
          entry.done();
          settle();
        }
      };
      const entry: Pending = {
        method,
        resolve: (value) => finish(() => resolve(value as T)),
        reject: (error) => finish(() => reject(error)),
        done: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", abort);
        },
      };
      signal?.addEventListener("abort", abort, { once: true });
      this.pending.set(id, entry);
    });
  }

  /** @internal */
  sendBatch(entries: object[], ids: number[]): void {
    if (this.current === "reconnecting") {
      for (const id of ids) {
        this.pending.get(id)?.reject(new ConnectionError("reconnecting: the batch was not sent"));
      }

      return;
    }

    if (ids.length > 0) {
      this.batches.push(ids);
    }

    this.send(entries);
  }

  /** @internal */
  takeId(): number {
    return this.nextId++;
  }

  private send(message: object): void {
    if (this.failure === undefined && this.socket.readyState === OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  private forget(subscription: Subscription): boolean {
    const local = this.topics.get(subscription.topic);
    if (local?.delete(subscription) && local.size === 0) {
      this.topics.delete(subscription.topic);
      this.joined.delete(subscription.topic);
      return true;
    }

    return false;
  }

  private receive(data: unknown): void {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return; // not JSON: nothing in it can be matched to a call
    }

    for (const entry of Array.isArray(message) ? message : [message]) {
      if (typeof entry === "object" && entry !== null) {
        this.handle(entry as Record<string, unknown>);
      }
    }
  }

  private handle(message: Record<string, unknown>): void {
    const { method, id } = message;
    if (typeof method === "string") {
      if ("id" in message) {
        void this.serve(method, message.params, id);
      } else {
        for (const subscription of this.topics.get(method) ?? []) {
          subscription.deliver(message.params ?? null);
        }
      }

      return;
    }

    const error = message.error as { code: number; message: string; data?: unknown } | undefined;
    if (typeof id === "number") {
      // A reply to a batch's call shows the server took that batch: it can no longer be the one a lone -32600 refuses.
      const taken = this.batches.findIndex((ids) => ids.includes(id));
      if (taken >= 0) {
        this.batches.splice(taken, 1);
      }

      const call = this.pending.get(id);
      if (error) {
        call?.reject(new RpcError(error.code, error.message, error.data));
      } else {
        call?.resolve(message.result);
      }
    } else if (id === null && error?.code === -32600 && this.batches.length > 0) {
      // A lone -32600 without an id refuses a whole batch (too long): none of its calls ran.
      for (const refused of this.batches.shift()!) {
        this.pending.get(refused)?.reject(new RpcError(error.code, error.message, error.data));
      }
    }
  }

  private async serve(method: string, params: unknown, id: unknown): Promise<void> {
    const handler = this.methods.get(method);
    let reply: object;
    if (handler === undefined) {
      reply = { error: { code: -32601, message: "Method not found" } };
    } else {
      try {
        reply = { result: (await handler(params)) ?? null };
      } catch (error) {
        reply = error instanceof RpcError
          ? { error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } }
          : { error: { code: -32603, message: "Internal error" } };
      }
    }

    this.send({ jsonrpc: "2.0", ...reply, id });
  }

  private failCalls(failure: ConnectionError): void {
    for (const call of [...this.pending.values()]) {
      call.reject(failure);
    }

    this.batches.length = 0;
  }

  private end(failure: ConnectionError): void {
    if (this.failure !== undefined) {
      return;
    }

    this.failure = failure;
    this.failCalls(failure);
    for (const local of this.topics.values()) {
      for (const subscription of local) {
        subscription.end(failure);
      }
    }

    this.topics.clear();
    this.joined.clear();
    this.setState("disconnected", failure);
    this.settle(failure);
  }
}

/** Calls and notifications to send as one JSON-RPC batch; each call's promise settles with its own reply. */
export class Batch {
  private readonly entries: object[] = [];
  private readonly ids: number[] = [];
  private readonly answers: Promise<unknown>[] = [];

  constructor(private readonly client: HubClient) {}

  call<T = unknown>(method: string, params?: Params, options: CallOptions = {}): Promise<T> {
    const id = this.client.takeId();
    const answer = this.client.expect<T>(id, method, options);
    this.entries.push(message(method, params, id));
    this.ids.push(id);
    this.answers.push(answer);
    return answer;
  }

  notify(method: string, params?: Params): this {
    this.entries.push(message(method, params));
    return this;
  }

  /** Sends the batch; resolves when every call in it has settled. */
  async send(): Promise<PromiseSettledResult<unknown>[]> {
    if (this.entries.length > 0) {
      this.client.sendBatch(this.entries, this.ids);
    }

    return Promise.allSettled(this.answers);
  }
}

/** One subscription to a topic; {@link unsubscribe} ends it. */
export class Subscription implements AsyncIterable<unknown> {
  /** Settles with the server's answer to the subscribe. */
  ready: Promise<void> = Promise.resolve();
  private readonly queue: unknown[] = [];
  private waiting: ((result: IteratorResult<unknown>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private ended = false;
  private error: Error | undefined;

  constructor(private readonly client: HubClient, readonly topic: string, private readonly handler?: (data: unknown) => void) {}

  /** Stops this subscription; the topic is unsubscribed at the server when no other subscription of this client is left. */
  async unsubscribe(): Promise<void> {
    this.end();
    await this.client.unsubscribe(this);
  }

  /** @internal */
  deliver(data: unknown): void {
    if (this.ended) {
      return;
    }

    if (this.handler) {
      this.client.guard(() => this.handler!(data));
    } else if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = this.failWaiting = undefined;
      waiting({ value: data, done: false });
    } else {
      this.queue.push(data);
    }
  }

  /** @internal */
  end(error?: Error): void {
    if (this.ended) {
      return;
    }

    this.ended = true;
    this.error = error;
    if (error && this.failWaiting) {
      this.failWaiting(error);
    } else {
      this.waiting?.({ value: undefined, done: true });
    }

    this.waiting = this.failWaiting = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return {
      next: () => {
        if (this.queue.length > 0) {
          return Promise.resolve({ value: this.queue.shift(), done: false });
        }

        if (this.ended) {
          return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
        }

        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failWaiting = reject;
        });
      },
      return: async () => {
        await this.unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }
}

/**
 * Opens a connection to the hub at `url` (`ws://host:port/rpc`), or at the first of several that answers when the
 * connection is lost later (they are tried in turn); rejects with a {@link ConnectionError} when the first cannot be
 * reached.
 */
export async function connect(url: string | string[], options: ConnectOptions = {}): Promise<HubClient> {
  const urls = typeof url === "string" ? [url] : url;
  if (urls.length === 0) {
    throw new ConnectionError("no URL to connect to");
  }

  return new HubClient(await open(urls[0], options), urls, options);
}

async function open(url: string, options: ConnectOptions): Promise<WebSocketLike> {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (Socket === undefined) {
    throw new ConnectionError("no WebSocket here: pass one as options.WebSocket");
  }

  const token = await options.accessToken?.();
  const target = new URL(url);
  if (token) {
    target.searchParams.set("access_token", token);
  }

  const socket = new Socket(target.toString());
  await new Promise<void>((resolve, reject) => {
    // A failed upgrade (a refused token answers 401) is an error event; browsers add a close, Node 20's WebSocket does not.
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new ConnectionError(`could not connect to ${url}`));
    socket.onclose = (event) => reject(new ConnectionError(`could not connect to ${url}: ${event.code} ${event.reason}`.trim(), event.code, event.reason));
  });
  return socket;
}
