// A TCP proxy on a free loopback port that injects the faults a long S3 read meets in the wild:
// a connection cut in the middle of a response, and throttling (503 SlowDown) answered in place
// of the server. Everything else is forwarded byte for byte.

import net from 'node:net';

export interface FaultProxy {
  readonly port: number;
  readonly endpoint: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Cuts the next `times` connections once they have carried `bytes` bytes of response. */
  cutResponsesAfter(bytes: number, times: number): void;
  /** Answers the next `times` new connections with `503 SlowDown` and closes them. */
  throttleNext(times: number): void;
  stop(): Promise<void>;
}

const SLOW_DOWN_BODY = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  let connections = 0;
  let cuts = 0;
  let cutAfter = 0;
  let cutTimes = 0;
  let throttle = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (throttle > 0) {
      throttle--;
      client.once('data', () => {
        client.end(
          `HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(SLOW_DOWN_BODY)}\r\nConnection: close\r\n\r\n${SLOW_DOWN_BODY}`,
        );
      });
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    let forwarded = 0;
    let armed = false;
    upstream.on('data', (chunk: Buffer) => {
      if (!armed && cutTimes > 0) {
        armed = true;
        cutTimes--;
      }
      if (armed && forwarded + chunk.length > cutAfter) {
        const keep = Math.max(0, cutAfter - forwarded);
        cuts++;
        armed = false;
        client.write(chunk.subarray(0, keep), () => {
          // A reset, not a clean close: what a dropped connection looks like to the reader.
          client.resetAndDestroy();
          upstream.destroy();
        });
        forwarded = Number.POSITIVE_INFINITY;
        return;
      }
      if (forwarded === Number.POSITIVE_INFINITY) return;
      forwarded += chunk.length;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get cuts() {
      return cuts;
    },
    cutResponsesAfter(bytes, times) {
      cutAfter = bytes;
      cutTimes = times;
    },
    throttleNext(times) {
      throttle = times;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
