/**
 * The benchmark's baseline: the smallest grammY bot that does the bridge's job, run as its own process with plain
 * `node` (no TypeScript, no build): long polling, one handler that POSTs the text to Market and sets 👍 on the
 * message. No database, no ledger, no inbox, no limits beyond Market's 4 in flight: what the bridge adds on top of
 * this is what `npm run bench` reports.
 *
 * Polling: @grammyjs/runner with its default sink (up to 500 updates at once), so getUpdates asks for 100 updates
 * with a 30 s timeout and the same allowed_updates, as the bridge's own loop does (src/telegram/polling.ts), and
 * handling is concurrent like the bridge's dispatch. Market allows 4 requests in flight per business (the fake
 * refuses a fifth), so the POSTs pass a 4-slot gate.
 *
 * Env: BOT_TOKEN, BOT_API_ROOT (the fake Telegram), MARKET_URL, MARKET_API_KEY, MARKET_BUSINESS_ID, and either
 * CHAT_MAP (JSON: {"<message_thread_id>": <market chat id>}) or CHAT_ID (one Market chat for every message).
 * SIGTERM stops polling, waits for the handlers and confirms the last batch (so the next bot on this token is not
 * sent it again).
 */
import { Bot } from 'grammy';
import { run } from '@grammyjs/runner';
import axios from 'axios';

const env = process.env;
const map = env.CHAT_MAP ? JSON.parse(env.CHAT_MAP) : {};
const single = env.CHAT_ID ? Number(env.CHAT_ID) : undefined;
const market = axios.create({ baseURL: env.MARKET_URL, headers: { 'Api-Key': env.MARKET_API_KEY } });
const url = `/v2/businesses/${env.MARKET_BUSINESS_ID}/chats/message`;

// Market: at most 4 requests in flight per business. A finished request hands its slot straight to the next waiter,
// so a newcomer cannot slip in between.
let inFlight = 0;
const waiting = [];
async function gated(fn) {
  if (inFlight >= 4) await new Promise((r) => waiting.push(r));
  else inFlight++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  }
}

const bot = new Bot(env.BOT_TOKEN, { client: { apiRoot: env.BOT_API_ROOT } });
let lastUpdateId;
bot.use((ctx, next) => {
  lastUpdateId = Math.max(lastUpdateId ?? 0, ctx.update.update_id);
  return next();
});
bot.on('message:text', async (ctx) => {
  const chatId = single ?? map[String(ctx.msg.message_thread_id)];
  if (chatId === undefined) return;
  await gated(() => market.post(url, { message: ctx.msg.text }, { params: { chatId } }));
  await ctx.react('👍');
});
bot.catch((err) => console.error('bare bot:', err.message));

const handle = run(bot, {
  runner: { fetch: { timeout: 30, allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'] }, silent: true },
});

process.once('SIGTERM', async () => {
  await handle.stop();
  if (lastUpdateId !== undefined) {
    await bot.api.getUpdates({ offset: lastUpdateId + 1, limit: 1, timeout: 0 }).catch(() => undefined);
  }
  process.exit(0);
});
