/**
 * A seller's photo or document is fetched from Telegram only when it is its turn to go to Market (the relay
 * ledger keeps the file id, not the bytes): getFile, then GET {apiRoot}/file/bot<token>/<file_path>. That URL holds
 * the bot token, so it is built here, used once, and never logged or put into an error message.
 */
import type { Api } from 'grammy';
import type { RelayFiles } from '../bridge/relay.js';
import { MAX_FILE_BYTES } from '../market/client.js';

/** Why a file could not be fetched; the message is safe to log (no URL, no token). */
export class TelegramFileError extends Error {
  override readonly name = 'TelegramFileError';
  constructor(
    readonly reason: 'too_large' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface TelegramFilesOptions {
  api: Pick<Api, 'getFile'>;
  token: string;
  /** TELEGRAM_API_ROOT, without a trailing slash. */
  apiRoot: string;
  /** Files larger than this are not downloaded (Market's own limit; Telegram's download limit is 20 MB). */
  maxBytes?: number;
  /** For the download itself; 5 MB at a slow link still fits. */
  timeoutMs?: number;
}

export class TelegramFiles implements RelayFiles {
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TelegramFilesOptions) {
    this.maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  async load(fileId: string): Promise<Uint8Array> {
    const file = await this.opts.api.getFile(fileId);
    if (!file.file_path) throw new TelegramFileError('unavailable', 'Telegram gave no download path for the file');
    if (file.file_size !== undefined && file.file_size > this.maxBytes) {
      throw new TelegramFileError('too_large', `the file has ${file.file_size} bytes, more than ${this.maxBytes}`);
    }
    let res: Response;
    try {
      res = await fetch(`${this.opts.apiRoot}/file/bot${this.opts.token}/${file.file_path}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      // The error's cause may describe the request; only its kind is kept.
      const kind = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'failed';
      throw new TelegramFileError('unavailable', `the download from Telegram ${kind}`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new TelegramFileError('unavailable', `the download from Telegram answered HTTP ${res.status}`);
    }
    return readCapped(res, this.maxBytes);
  }
}

/** Reads the body, giving up as soon as it is larger than `max` (so a wrong file_size cannot fill the memory). */
async function readCapped(res: Response, max: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new TelegramFileError('too_large', `the file has ${declared} bytes, more than ${max}`);
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw new TelegramFileError('too_large', `the file is larger than ${max} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof TelegramFileError) throw err;
    throw new TelegramFileError('unavailable', 'the download from Telegram was cut off');
  }
  return Buffer.concat(chunks, size);
}
