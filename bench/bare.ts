/**
 * The bare grammY bot (bench/bare-bot.mjs) as its own process: `node` with the same flags as `npm start`, so the
 * difference the benchmark shows is the bridge's code, not the runtime's settings.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FakeTelegram } from '../test/fakes/telegram.js';
import { BridgeProcess, ROOT, startFlags } from '../test/helpers/process.js';

export const BARE_BOT = join(ROOT, 'bench', 'bare-bot.mjs');

export interface BareBotEnv {
  tg: FakeTelegram;
  marketUrl: string;
  apiKey: string;
  businessId: number;
  /** message_thread_id -> Market chat id; or one chat id for every message. */
  chats: Record<number, number> | number;
}

export function spawnBareBot(p: BareBotEnv): BridgeProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    BOT_TOKEN: p.tg.token,
    BOT_API_ROOT: p.tg.apiRoot,
    MARKET_URL: p.marketUrl,
    MARKET_API_KEY: p.apiKey,
    MARKET_BUSINESS_ID: String(p.businessId),
    ...(typeof p.chats === 'number' ? { CHAT_ID: String(p.chats) } : { CHAT_MAP: JSON.stringify(p.chats) }),
  };
  // cwd = the repository root, so `grammy`, `@grammyjs/runner` and `axios` resolve from its node_modules.
  const child = spawn(process.execPath, [...startFlags(), BARE_BOT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return BridgeProcess.of(child);
}

/** Resolves once the bot's first getUpdates reached the fake (it is polling); rejects if the process exits first. */
export async function firstPoll(tg: FakeTelegram, proc: BridgeProcess, fromCall: number, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (let i = fromCall; i < tg.calls.length; i++) if (tg.calls[i]!.method === 'getUpdates') return tg.calls[i]!.at;
    if (proc.exit) throw new Error(`process exited (${JSON.stringify(proc.exit)}) before polling:\n${proc.text().slice(-2000)}`);
    if (Date.now() > end) throw new Error(`no getUpdates within ${timeoutMs} ms:\n${proc.text().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}
