/**
 * /team: who may write to buyers. Owners come from TELEGRAM_ADMIN_IDS; an owner adds a teammate with `/team add` as a
 * reply to one of their messages (or `/team add <user id>`) and removes with `/team remove` the same way; `/team`
 * lists everyone. Stored in SQLite (db/team.ts) and read on every check, so a change counts from the next message.
 */
import { Composer, type Context } from 'grammy';
import type { User } from 'grammy/types';
import { NOT_PEOPLE } from '../../config.js';
import { addMember, listMembers, memberName, removeMember } from '../../db/team.js';
import { t } from '../../texts.js';
import { describe } from '../echo.js';
import { explicitReplyTo } from '../messages.js';
import type { Services } from '../services.js';
import { sentAsChat } from './relay.js';

/** "Boris Petrov @boris": what Telegram shows of a person. */
export function personName(u: Pick<User, 'first_name' | 'last_name' | 'username'>): string {
  return [u.first_name, u.last_name, u.username ? `@${u.username}` : undefined].filter(Boolean).join(' ');
}

function who(name: string | null | undefined, userId: number): string {
  return name ? t('team.whoNamed', { name, userId: String(userId) }) : t('team.whoId', { userId: String(userId) });
}

export function team(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.command('team', async (ctx) => {
    const msg = ctx.msg;
    const answer = (text: string) => ctx.reply(text, { reply_parameters: { message_id: msg.message_id } });
    if (sentAsChat(msg)) return void (await answer(t('auth.anonymous')));
    const [sub = '', arg = ''] = ctx.match.trim().split(/\s+/);
    const action = sub.toLowerCase();
    if (action === '' || action === 'list') {
      if (!s.isTeam(ctx.from?.id)) return void (await answer(t('auth.refused')));
      const owners = [...s.config.telegram.adminIds].map((id) => who(id === ctx.from?.id ? personName(ctx.from) : null, id));
      const members = listMembers(s.db).map((m) => who(m.name, m.userId));
      const lines = [
        t('team.listOwners', { list: owners.join(', ') }),
        members.length > 0 ? t('team.listMembers', { list: members.join(', ') }) : t('team.listNoMembers'),
      ];
      return void (await answer(lines.join('\n')));
    }
    if (action !== 'add' && action !== 'remove') return void (await answer(t('team.usage')));
    if (!s.isOwner(ctx.from?.id)) return void (await answer(t('team.ownersOnly')));

    // Whom: the numeric id given, else the author of the message this command replies to.
    let userId: number;
    let name: string | null = null;
    if (arg !== '') {
      if (!/^[1-9][0-9]{0,15}$/.test(arg) || !Number.isSafeInteger(Number(arg))) return void (await answer(t('team.badId', { arg: arg.slice(0, 40) })));
      userId = Number(arg);
      name = await nameInChat(ctx, userId);
    } else {
      const replied = explicitReplyTo(msg);
      if (!replied) return void (await answer(t('team.usage')));
      // A message forwarded from the teammate (how an owner names someone in the private chat) stands for its author.
      const origin = replied.forward_origin;
      if (origin?.type === 'hidden_user') return void (await answer(t('team.forwardHidden')));
      if (origin && origin.type !== 'user') return void (await answer(t('team.notAPerson')));
      const person = origin?.type === 'user' ? origin.sender_user : replied.from;
      if (replied.sender_chat || !person || person.is_bot) return void (await answer(t('team.notAPerson')));
      userId = person.id;
      name = personName(person);
    }
    if (NOT_PEOPLE.has(userId) || userId === ctx.me.id) return void (await answer(t('team.notAPerson')));
    const whom = who(name ?? memberName(s.db, userId), userId);
    if (s.isOwner(userId)) return void (await answer(t('team.isOwner', { who: whom })));

    if (action === 'add') {
      const added = addMember(s.db, { userId, name, addedBy: ctx.from!.id });
      s.log.info({ userId, by: ctx.from?.id, added }, 'team: member added');
      return void (await answer(added ? t('team.added', { who: whom }) : t('team.already', { who: whom })));
    }
    const removed = removeMember(s.db, userId);
    s.log.info({ userId, by: ctx.from?.id, removed }, 'team: member removed');
    await answer(removed ? t('team.removed', { who: whom }) : t('team.notMember', { who: whom }));
  });

  /** The person's name as this group knows them, when Telegram tells (only groups have members to ask about). */
  async function nameInChat(ctx: Context, userId: number): Promise<string | null> {
    if (ctx.chat?.type === 'private') return null;
    try {
      const member = await ctx.api.getChatMember(ctx.chat!.id, userId);
      return member.status === 'left' || member.status === 'kicked' ? null : personName(member.user);
    } catch (err) {
      s.log.debug({ userId, err: describe(err) }, 'team: could not look up a name');
      return null;
    }
  }
  return c;
}
