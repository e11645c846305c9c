// Calls between the primary and its front-end workers over the node:cluster IPC channel. Either
// side may call the other; replies carry a value or an error. The channel is forked with
// `serialization: 'advanced'` (structured clone), so bigint, Buffer and Date values arrive as
// themselves — result rows need nothing else. An AbortSignal cannot cross a process boundary, so a
// call's signal crosses as an 'abort' message that aborts the callee's own controller.

import { SqlError } from '../protocol/sql-error.js';

const CHANNEL = 'loadwire.rpc';

/** An error as it crosses: a SqlError keeps its errno and SQLSTATE, anything else only its message. */
export interface WireError {
  message: string;
  errno?: number;
  sqlState?: string;
}

type RpcMessage =
  | { channel: typeof CHANNEL; type: 'call'; id: number; method: string; args: unknown[] }
  | { channel: typeof CHANNEL; type: 'reply'; id: number; ok: true; value: unknown }
  | { channel: typeof CHANNEL; type: 'reply'; id: number; ok: false; error: WireError }
  | { channel: typeof CHANNEL; type: 'abort'; id: number };

export type RpcHandler = (args: unknown[], signal: AbortSignal) => unknown;

export function toWireError(e: unknown): WireError {
  if (e instanceof SqlError) return { message: e.message, errno: e.errno, sqlState: e.sqlState };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function fromWireError(e: WireError): Error {
  if (e.errno !== undefined && e.sqlState !== undefined) return SqlError.fromServer(e.errno, e.sqlState, e.message);
  return new Error(e.message);
}

export class RpcChannel {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly running = new Map<number, AbortController>();
  private closedWith: Error | null = null;

  constructor(
    private readonly send: (message: RpcMessage) => void,
    private readonly handlers: Readonly<Record<string, RpcHandler>>,
  ) {}

  /** Feeds one IPC message in; messages of other channels (prom-client, Node internals) are ignored. */
  receive(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || (raw as { channel?: unknown }).channel !== CHANNEL) return;
    const message = raw as RpcMessage;
    switch (message.type) {
      case 'call':
        void this.answer(message.id, message.method, message.args);
        return;
      case 'reply': {
        const call = this.calls.get(message.id);
        if (!call) return;
        this.calls.delete(message.id);
        if (message.ok) call.resolve(message.value);
        else call.reject(fromWireError(message.error));
        return;
      }
      case 'abort':
        this.running.get(message.id)?.abort();
        return;
      default: {
        const never: never = message;
        return never;
      }
    }
  }

  call<T>(method: string, args: unknown[], signal?: AbortSignal): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => void this.post({ channel: CHANNEL, type: 'abort', id });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.calls.set(id, {
        resolve: (v) => {
          settle();
          resolve(v as T);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      if (!this.post({ channel: CHANNEL, type: 'call', id, method, args })) return;
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Fails every call in flight and every later one: the other process is gone. */
  close(reason: Error): void {
    this.closedWith = reason;
    for (const call of this.calls.values()) call.reject(reason);
    this.calls.clear();
    for (const controller of this.running.values()) controller.abort();
  }

  private post(message: RpcMessage): boolean {
    try {
      this.send(message);
      return true;
    } catch (e) {
      // The IPC channel closed under us; the caller hears it as a failed call.
      const call = message.type === 'call' ? this.calls.get(message.id) : undefined;
      if (call) {
        this.calls.delete(message.id);
        call.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return false;
    }
  }

  private async answer(id: number, method: string, args: unknown[]): Promise<void> {
    const handler = this.handlers[method];
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      if (!handler) throw new Error(`no such cluster call: ${method}`);
      const value = await handler(args, controller.signal);
      this.post({ channel: CHANNEL, type: 'reply', id, ok: true, value });
    } catch (e) {
      this.post({ channel: CHANNEL, type: 'reply', id, ok: false, error: toWireError(e) });
    } finally {
      this.running.delete(id);
    }
  }
}
