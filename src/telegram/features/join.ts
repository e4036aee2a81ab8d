/**
 * The bot added to a group (or channel). By an owner: it says hello there with the next steps. By anyone else it
 * leaves at once, saying nothing: a stranger's group is no place for a shop's buyers. The exception is a chat the
 * owners already chose (TELEGRAM_CHAT_ID or a /setup place): whoever adds the bot back there, it stays, since the
 * owners want buyer chats there. Who added it is the `from` of the my_chat_member update (Bot API). Mounted before
 * the gate, which would drop an outsider's update unseen.
 */
import { Composer, type Context } from 'grammy';
import type { ChatMember } from 'grammy/types';
import { shopsPlacedIn } from '../../db/places.js';
import { t } from '../../texts.js';
import { describe } from '../echo.js';
import type { Services } from '../services.js';

function isIn(m: ChatMember): boolean {
  return m.status === 'member' || m.status === 'administrator' || m.status === 'creator' || (m.status === 'restricted' && m.is_member);
}

export function join(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.on('my_chat_member', async (ctx, next) => {
    const u = ctx.myChatMember;
    if (u.chat.type === 'private' || isIn(u.old_chat_member) || !isIn(u.new_chat_member)) return next();
    const tgChatId = u.chat.id;
    const by = u.from.id;
    if (s.isOwner(by)) {
      s.log.info({ tgChatId, by }, 'the bot was added to a chat by an owner');
      if (u.chat.type !== 'channel') {
        await ctx.api
          .sendMessage(tgChatId, t('join.hello'))
          .catch((err: unknown) => s.log.warn({ tgChatId, err: describe(err) }, 'could not say hello in the new group'));
      }
      return next();
    }
    if (s.group.isGroup(tgChatId) || shopsPlacedIn(s.db, tgChatId).length > 0) {
      s.log.info({ tgChatId, by }, 'the bot was added back to a chat the owners chose, by someone who is not an owner; staying');
      return next();
    }
    s.log.warn({ tgChatId, by, title: 'title' in u.chat ? u.chat.title : undefined }, 'the bot was added to a chat by someone who is not an owner; leaving it');
    await ctx.api.leaveChat(tgChatId).catch((err: unknown) => s.log.warn({ tgChatId, err: describe(err) }, 'could not leave the chat'));
  });
  return c;
}
