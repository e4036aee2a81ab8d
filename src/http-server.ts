/**
 * One small HTTP server for what Telegram and Market push to the bridge (the Telegram webhook, Market's API
 * notifications). Each mounted handler claims the requests it wants; the rest get 404. Plain node:http: two
 * routes do not need a framework.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = {
  /** True when this route handles the request. */
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
};

export interface RunningServer {
  port: number;
  /** Stops accepting connections and waits for requests in progress. */
  close(): Promise<void>;
}

export async function startHttpServer(
  port: number,
  routes: Route[],
  onError: (err: unknown) => void,
  /** HTTP_HOST: the address to bind; undefined = all interfaces. */
  host?: string,
): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const route = routes.find((r) => r.matches(req));
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    Promise.resolve()
      .then(() => route.handle(req, res))
      .catch((err: unknown) => {
        onError(err);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        if (!res.writableEnded) res.end('{"error":"internal error"}');
      });
  });
  server.keepAliveTimeout = 5_000;
  // Market gives up on a notification after 10 s and Telegram's updates are small: a slower client is neither.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still being handled finish on their sockets; nothing new is accepted.
      }),
  };
}
