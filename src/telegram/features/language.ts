/**
 * /language ru|en|zh: the bot's language in the chat where it is sent, kept in SQLite across restarts. Only the
 * team may change it (the one check, s.isAdmin); anyone the gate let in may ask which it is.
 */
import { Composer, InlineKeyboard, type Context } from 'grammy';
import { chooseChatLanguage } from '../../db/chat-languages.js';
import { LANGUAGES, langOfCode, type Lang } from '../../languages.js';
import { t, withLanguageNow } from '../../texts.js';
import type { Services } from '../services.js';

const PREFIX = 'language:';
/** Each language's own name, so the button reads right whatever the chat speaks now. */
const NAMES: Record<Lang, string> = { ru: 'Русский', en: 'English', zh: '中文' };

function choices(): InlineKeyboard {
  const k = new InlineKeyboard();
  for (const lang of LANGUAGES) k.text(NAMES[lang], `${PREFIX}${lang}`);
  return k;
}

export function language(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  const choose = (ctx: Context, lang: Lang) => {
    chooseChatLanguage(s.db, ctx.chat!.id, lang);
    s.log.info({ tgChatId: ctx.chat!.id, language: lang, by: ctx.from?.id }, 'chat language chosen');
  };
  /** A group's language is the owners' choice; in a private chat, the team member's own. */
  const refusal = (ctx: Context, userId: number | undefined): string | undefined => {
    if (!s.isTeam(userId)) return t('auth.refused');
    if (ctx.chat!.id < 0 && !s.isOwner(userId)) return t('language.ownersOnly');
    return undefined;
  };
  c.command('language', async (ctx) => {
    const arg = ctx.match.trim();
    if (arg === '') return void (await ctx.reply(t('language.current'), { reply_markup: choices() }));
    const refused = refusal(ctx, ctx.from?.id);
    if (refused) return void (await ctx.reply(refused));
    const lang = langOfCode(arg);
    if (!lang) return void (await ctx.reply(t('language.usage', { arg: arg.slice(0, 20) })));
    choose(ctx, lang);
    await ctx.reply(withLanguageNow(lang, () => t('language.set')));
  });
  c.callbackQuery(new RegExp(`^${PREFIX}(${LANGUAGES.join('|')})$`), async (ctx) => {
    const refused = refusal(ctx, ctx.from.id);
    if (refused) return void (await ctx.answerCallbackQuery({ text: refused, show_alert: true }));
    const lang = ctx.match[1] as Lang;
    choose(ctx, lang);
    const said = withLanguageNow(lang, () => t('language.set'));
    await ctx.editMessageText(said).catch(() => undefined);
    await ctx.answerCallbackQuery({ text: said });
  });
  return c;
}
