/**
 * Several Market cabinets behind one MARKET_API_URL, as the real Partner API is one host for every business: a
 * FakeMarket per business (its own Api-Key, campaigns, chats, parallel limit and quotas), and a front that hands each
 * request to the fake whose key it carries. A key of business A used on business B's paths reaches A's fake, which
 * refuses B's businessId with 403 as Market does; an unknown key reaches the first fake and gets its 401.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMarket, type FakeMarketOptions, type SpecViolation } from './market.js';

export class FakeMarketShops {
  private constructor(
    readonly markets: FakeMarket[],
    /** Which key each request carried (the fakes themselves record it redacted). */
    readonly keys: { path: string; key: string | undefined }[],
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** `extraKeys`: more Api-Keys of a cabinet (a cabinet holds up to 30), as key -> business id. */
  static async start(shops: FakeMarketOptions[], extraKeys: Record<string, number> = {}): Promise<FakeMarketShops> {
    const markets = await Promise.all(shops.map((o) => FakeMarket.start(o)));
    const keys: FakeMarketShops['keys'] = [];
    const server = createServer((req, res) => {
      keys.push({ path: (req.url ?? '/').split('?')[0]!, key: req.headers['api-key'] as string | undefined });
      forward(markets, extraKeys, req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    return new FakeMarketShops(markets, keys, server, `http://127.0.0.1:${port}`);
  }

  /** The fake of one business. */
  of(businessId: number): FakeMarket {
    const m = this.markets.find((x) => x.businessId === businessId);
    if (!m) throw new Error(`FakeMarketShops: no business ${businessId}`);
    return m;
  }

  get violations(): SpecViolation[] {
    return this.markets.flatMap((m) => m.violations);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    agent.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
    await Promise.all(this.markets.map((m) => m.stop()));
  }
}

/** Connections to the fakes are kept open, so the front adds no connection set-up to each request. */
const agent = new Agent({ keepAlive: true });

function forward(markets: FakeMarket[], extraKeys: Record<string, number>, req: IncomingMessage, res: ServerResponse): void {
  const key = req.headers['api-key'];
  const alias = typeof key === 'string' ? extraKeys[key] : undefined;
  const target = markets.find((m) => m.apiKey === key || m.businessId === alias) ?? markets[0]!;
  // Another key of the same cabinet: the fake knows one key per business, so it is handed that one.
  const headers = alias !== undefined ? { ...req.headers, 'api-key': target.apiKey } : req.headers;
  const url = new URL(req.url ?? '/', target.url);
  const out = request(url, { method: req.method, headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  // The client gave up (a timeout): the fake sees the connection go too, as Market would.
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
  out.on('error', () => res.destroy());
  req.pipe(out);
}
