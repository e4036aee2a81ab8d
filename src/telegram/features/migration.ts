/**
 * The team group got a new id: a basic group upgraded to a supergroup (turning on Topics does it). Telegram says
 * so twice, and the bridge listens to both: a service message with `migrate_to_chat_id` in the old group and one
 * with `migrate_from_chat_id` in the new one; and, when those were missed, every send to the old id fails with 400
 * "group chat was upgraded to a supergroup chat" carrying `parameters.migrate_to_chat_id`. Either way the move is
 * recorded once (bridge/group.ts), the team is told in the new group, and the log names the id to put in
 * TELEGRAM_CHAT_ID.
 */
import { Composer, type Api, type Context, type RawApi, type Transformer } from 'grammy';
import { movePlaces, shopsPlacedIn } from '../../db/places.js';
import { t } from '../../texts.js';
import { moveChatLanguage } from '../../db/chat-languages.js';
import { textInChatLanguage } from '../language.js';
import { describe } from '../echo.js';
import type { Services } from '../services.js';

/** Parameters that name a message or topic of the chat: those ids mean something else in the new supergroup. */
const MESSAGE_REFERENCES = ['message_id', 'message_ids', 'reply_parameters', 'reply_to_message_id', 'message_thread_id', 'from_chat_id'];

/** Records the move; the first report of it tells the team and lets the inbound sync look at the new chat. */
async function groupMoved(s: Services, api: Api, from: number, to: number, via: string): Promise<void> {
  if (!s.group.isGroup(from)) {
    // A group /setup placed shops in: the places follow it (recorded once; both service messages report it).
    if (shopsPlacedIn(s.db, from).length > 0 && movePlaces(s.db, from, to) > 0) {
      s.group.migrate(from, to);
      s.log.warn({ from, to, via }, 'a group with shops placed by /setup was upgraded to a supergroup; its shops follow it');
      await api
        .sendMessage(to, t('setup.upgraded', { from: String(from), to: String(to) }))
        .catch((err: unknown) => s.log.warn({ err: describe(err), to }, 'could not tell the team about the new group id'));
      await s.placesChanged?.().catch((err: unknown) => s.log.warn({ err: describe(err) }, 'inbound: could not move to the new group'));
      return;
    }
    s.log.info({ from, to, via }, 'a group the bridge is not set up for was upgraded to a supergroup');
    return;
  }
  if (!s.group.migrate(from, to)) return;
  moveChatLanguage(s.db, from, to);
  s.log.warn(
    { from, to, via },
    `TELEGRAM_CHAT_ID ${from} was upgraded by Telegram to a supergroup with a new id; the bridge now posts there. Put TELEGRAM_CHAT_ID=${to} in the settings`,
  );
  await api
    .sendMessage(to, textInChatLanguage(s.db, to, () => t('group.upgraded', { from, to })))
    .catch((err: unknown) => s.log.warn({ err: describe(err), to }, 'could not tell the team about the new group id'));
  await s.onGroupMoved?.().catch((err: unknown) => s.log.warn({ err: describe(err) }, 'inbound: could not look at the new group'));
}

/** Mounted before the gate: the new supergroup's id is not known to it until the move is recorded. */
export function migration(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.on('message:migrate_to_chat_id', async (ctx) => {
    await groupMoved(s, ctx.api, ctx.msg.chat.id, ctx.msg.migrate_to_chat_id, 'migrate_to_chat_id');
  });
  c.on('message:migrate_from_chat_id', async (ctx) => {
    await groupMoved(s, ctx.api, ctx.msg.migrate_from_chat_id, ctx.msg.chat.id, 'migrate_from_chat_id');
  });
  return c;
}

/**
 * An API transformer: a call to the old id refused with migrate_to_chat_id records the move and, when the call
 * names no message of the old chat, is made once more to the new id. That is safe: Telegram refused the first one,
 * so nothing was posted. A call naming old messages (a reaction, a reply) is not redirected, as the same number
 * is a different message in the supergroup.
 */
export function followGroupUpgrade(s: Services, api: () => Api): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    const to = !res.ok && res.error_code === 400 ? res.parameters?.migrate_to_chat_id : undefined;
    const p = payload as Record<string, unknown> | undefined;
    const from = typeof p?.chat_id === 'number' ? p.chat_id : Number(p?.chat_id);
    if (to === undefined || !Number.isSafeInteger(from)) return res;
    await groupMoved(s, api(), from, to, `${method} refused`);
    if (!s.group.isGroup(from) || MESSAGE_REFERENCES.some((k) => p?.[k] !== undefined)) return res;
    return prev(method, { ...p, chat_id: to } as typeof payload, signal);
  };
}
