/**
 * Downloading the files buyers attach to Market messages (`payload[].url`), so they can be shown in Telegram as
 * photos or documents. Bounded in size and time; any failure is an answer ("show it as a link"), never a throw.
 */

export interface BuyerFile {
  name: string;
  url: string;
  /** Bytes, as Market reports it. */
  size: number;
}

export type FetchedFile = { ok: true; bytes: Uint8Array } | { ok: false; why: 'too_big' | 'unreachable' | 'refused' };

export interface BuyerFileOptions {
  /** Larger files are shown as links (Telegram bots upload at most 50 MB; this also bounds memory). */
  maxBytes: number;
  timeoutMs: number;
  /**
   * Market's API origin and key: the key is sent only to that exact origin (in case Market serves files behind it),
   * never to any other host a URL might name.
   */
  market?: { origin: string; apiKey: string };
}

export const DEFAULT_BUYER_FILE_OPTIONS: BuyerFileOptions = { maxBytes: 20 * 1024 * 1024, timeoutMs: 15_000 };

export async function fetchBuyerFile(file: BuyerFile, opts: BuyerFileOptions): Promise<FetchedFile> {
  if (file.size > opts.maxBytes) return { ok: false, why: 'too_big' };
  let url: URL;
  try {
    url = new URL(file.url);
  } catch {
    return { ok: false, why: 'unreachable' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, why: 'unreachable' };
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    let res: Response;
    if (opts.market && url.origin === new URL(opts.market.origin).origin) {
      // A redirect would carry the Api-Key header along to wherever it points: follow it by hand, without the key.
      res = await fetch(url, { headers: { 'Api-Key': opts.market.apiKey }, redirect: 'manual', signal });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel().catch(() => undefined);
        res = await fetch(new URL(location, url), { redirect: 'follow', signal });
      }
    } else {
      res = await fetch(url, { redirect: 'follow', signal });
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, why: 'refused' };
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await res.body.cancel().catch(() => undefined);
      return { ok: false, why: 'too_big' };
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > opts.maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, why: 'too_big' };
      }
      chunks.push(value);
    }
    if (total === 0) return { ok: false, why: 'refused' };
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch {
    return { ok: false, why: 'unreachable' };
  }
}
