/**
 * /setup: an owner chooses, in a group or in the private chat, which shops' buyer chats appear there. The shops are
 * buttons that switch on and off (stored in `shop_places`, db/places.ts; a shop without a place goes to
 * TELEGRAM_CHAT_ID); Done closes the question and says whether the bot can work there (an administrator with
 * "Manage topics", Topics on) and what is missing. Only owners' presses count.
 */
import { Composer, type Context } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { appearsIn } from '../../bridge/destination.js';
import { clearPlace, placeOf, setPlace } from '../../db/places.js';
import { t } from '../../texts.js';
import { describe } from '../echo.js';
import type { Services } from '../services.js';
import { sentAsChat } from './relay.js';

const TOGGLE = 'setup';
const DONE = 'setupDone';

export function setup(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  /** Whether the shop's chats appear in this Telegram chat now (placed here, or TELEGRAM_CHAT_ID is here). */
  const isHere = (businessId: number, tgChatId: number): boolean => appearsIn(s.db, s.group, businessId, tgChatId);

  const keyboard = (tgChatId: number): InlineKeyboardButton[][] => [
    ...s.shops().map((shop) => [
      {
        text: isHere(shop.businessId, tgChatId) ? t('setup.shopHere', { name: shop.name }) : t('setup.shopNotHere', { name: shop.name }),
        callback_data: `${TOGGLE}:${shop.businessId}`,
      },
    ]),
    [{ text: t('setup.done'), callback_data: DONE }],
  ];

  c.command('setup', async (ctx) => {
    const msg = ctx.msg;
    const answer = (text: string) => ctx.reply(text, { reply_parameters: { message_id: msg.message_id } });
    if (sentAsChat(msg)) return void (await answer(t('auth.anonymous')));
    if (!s.isOwner(ctx.from?.id)) return void (await answer(t('setup.ownersOnly')));
    await ctx.reply(t('setup.ask'), {
      reply_parameters: { message_id: msg.message_id },
      reply_markup: { inline_keyboard: keyboard(msg.chat.id) },
    });
  });

  c.callbackQuery(new RegExp(`^${TOGGLE}:(\\d{1,16})$`), async (ctx) => {
    if (!s.isOwner(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('setup.ownersOnly'), show_alert: true }));
    const question = ctx.callbackQuery.message;
    const businessId = Number(ctx.match[1]);
    const shop = s.shops().find((x) => x.businessId === businessId);
    if (!question || !shop) return void (await ctx.answerCallbackQuery({ text: t('setup.stale'), show_alert: true }));
    const tgChatId = question.chat.id;
    let said: string;
    if (!isHere(businessId, tgChatId)) {
      setPlace(s.db, businessId, tgChatId, ctx.from.id);
      said = t('setup.placed', { name: shop.name });
    } else if (placeOf(s.db, businessId) !== undefined) {
      clearPlace(s.db, businessId);
      said = isHere(businessId, tgChatId) ? t('setup.placed', { name: shop.name }) : t('setup.unplaced', { name: shop.name });
    } else {
      // Here because TELEGRAM_CHAT_ID names this chat: there is no "off" short of placing the shop elsewhere.
      said = t('setup.placed', { name: shop.name });
    }
    s.log.info({ businessId, tgChatId, by: ctx.from.id, place: placeOf(s.db, businessId) ?? null }, 'setup: shop placed');
    await s.placesChanged?.().catch((err: unknown) => s.log.warn({ err: describe(err) }, 'setup: the inbound sync could not move'));
    await ctx.answerCallbackQuery({ text: said });
    await ctx
      .editMessageReplyMarkup({ reply_markup: { inline_keyboard: keyboard(tgChatId) } })
      .catch((err: unknown) => s.log.debug({ err: describe(err) }, 'setup: buttons unchanged'));
  });

  c.callbackQuery(DONE, async (ctx) => {
    if (!s.isOwner(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('setup.ownersOnly'), show_alert: true }));
    const question = ctx.callbackQuery.message;
    if (!question) return void (await ctx.answerCallbackQuery({ text: t('setup.stale'), show_alert: true }));
    await ctx.answerCallbackQuery();
    const tgChatId = question.chat.id;
    const here = s.shops().filter((shop) => isHere(shop.businessId, tgChatId));
    const lines =
      here.length === 0
        ? [t('setup.summaryNone')]
        : [t('setup.summaryHere', { names: here.map((x) => `“${x.name}”`).join(', ') }), ...(await checkWorkplace(ctx, tgChatId))];
    await ctx
      .editMessageText(lines.join('\n'), { reply_markup: { inline_keyboard: [] } })
      .catch(async (err: unknown) => {
        s.log.debug({ err: describe(err) }, 'setup: could not edit the question; answering anew');
        await ctx.reply(lines.join('\n'));
      });
  });

  /** What the bot needs to work in this chat and lacks, in the seller's words (or that all is well). */
  async function checkWorkplace(ctx: Context, tgChatId: number): Promise<string[]> {
    if (ctx.chat?.type === 'private') return [t('setup.checkPrivate')];
    try {
      const chat = await ctx.api.getChat(tgChatId);
      const me = await ctx.api.getChatMember(tgChatId, ctx.me.id);
      const admin = me.status === 'administrator' || me.status === 'creator';
      const topicsRight = me.status === 'creator' || (me.status === 'administrator' && me.can_manage_topics === true);
      const forum = chat.type === 'supergroup' && chat.is_forum === true;
      const missing: string[] = [];
      if (!admin) missing.push(t('setup.checkNotAdmin'));
      else if (!topicsRight) missing.push(t('setup.checkNoTopicsRight'));
      if (!forum) missing.push(t('setup.checkTopicsOff'));
      s.log.info({ tgChatId, admin, topicsRight, forum }, 'setup: checked the bot’s standing');
      return missing.length > 0 ? missing : [t('setup.checkOk')];
    } catch (err) {
      return [t('setup.checkFailed', { detail: describe(err).message })];
    }
  }
  return c;
}
