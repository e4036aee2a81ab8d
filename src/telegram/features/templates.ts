/**
 * Answer templates (issue 11), team only: `/template add <name>` as a reply saves that message's text, `/template del
 * <name>` deletes one, `/templates` lists them. In a buyer's topic (or as a reply to a buyer's message) `/t` (or
 * `/templates`) shows them as buttons; a button posts the filled text as a preview with Send / Cancel, and Send
 * hands it to the relay through the core (bridge/templates.ts), at most once.
 */
import { Composer, InlineKeyboard, type Context } from 'grammy';
import type { Message } from 'grammy/types';
import { TEMPLATE_TEXT_MAX, type ShopTemplates, type TemplatePreviewRow } from '../../bridge/templates.js';
import { addAnchor, anchorChat } from '../../db/links.js';
import { t } from '../../texts.js';
import { explicitReplyTo, topicOf } from '../messages.js';
import type { Services } from '../services.js';
import { targetChat } from './relay.js';

/** Callback data: `tpl:p:<template id>` (pick, on the list), `tpl:<s|c>:<preview id>` (send / cancel, on a preview). */
const PICK = /^tpl:p:(\d+)$/;
const DECIDE = /^tpl:([sc]):(\d+)$/;
/** Buttons on one list (Telegram allows 100 on a keyboard). */
const PICK_MAX = 50;

export function templates(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  const answer = (ctx: Context, text: string, extra: Parameters<Context['reply']>[1] = {}) =>
    ctx.reply(text, { reply_parameters: { message_id: ctx.msg!.message_id }, ...extra });

  /** The shops whose chats this Telegram chat shows: /template changes their templates (the first lists them). */
  const shopsHere = (tgChatId: number) =>
    s
      .shopsIn(tgChatId)
      .map((shop) => s.templatesFor?.(shop.businessId))
      .filter((x): x is ShopTemplates => x !== undefined);

  c.command('template', async (ctx) => {
    if (!s.isTeam(ctx.from?.id)) return void (await answer(ctx, t('auth.refused')));
    const all = shopsHere(ctx.chat.id);
    const tpl = all[0];
    if (!tpl) return;
    const [sub, name, ...rest] = ctx.match.trim().split(/\s+/).filter((a) => a !== '');
    const action = sub?.toLowerCase();
    if ((action !== 'add' && action !== 'del' && action !== 'delete') || name === undefined || rest.length > 0) {
      return void (await answer(ctx, t('templates.usage')));
    }
    if (action !== 'add') {
      const removed = all.map((x) => x.remove(name, ctx.from!.id)).some(Boolean);
      return void (await answer(ctx, removed ? t('templates.deleted', { name: name.toLowerCase() }) : t('templates.notFound', { name: name.slice(0, 32) })));
    }
    const source = explicitReplyTo(ctx.msg);
    if (!source) return void (await answer(ctx, t('templates.replyNeeded')));
    const text = source.text ?? source.caption;
    if (text === undefined) return void (await answer(ctx, t('templates.empty')));
    if (s.secrets.some((secret) => text.includes(secret))) return void (await answer(ctx, t('relay.secret')));
    const saved = all.map((x) => x.save(name, text, ctx.from!.id))[0]!;
    if (saved.ok) return void (await answer(ctx, saved.replaced ? t('templates.replaced', { name: saved.name }) : t('templates.saved', { name: saved.name })));
    const why =
      saved.why === 'name'
        ? t('templates.badName')
        : saved.why === 'empty'
          ? t('templates.empty')
          : saved.why === 'too_long'
            ? t('templates.tooLong', { length: text.length, max: TEMPLATE_TEXT_MAX })
            : t('templates.unknownVariable', { names: saved.detail ?? '' });
    await answer(ctx, why);
  });

  c.command(['templates', 't'], async (ctx) => {
    if (!s.isTeam(ctx.from?.id)) return void (await answer(ctx, t('auth.refused')));
    const target = targetChat(s, ctx.msg);
    // In a buyer's thread: that chat's shop's templates; elsewhere the templates of the shops shown here.
    const tpl = target ? s.templatesFor?.(target.businessId) : shopsHere(ctx.chat.id)[0];
    if (!tpl) return;
    const list = tpl.list();
    if (target === undefined) {
      const lines = list.length === 0 ? [t('templates.none')] : [t('templates.listHeader', { count: list.length })];
      for (const row of list) lines.push(t('templates.listLine', { name: row.name, text: firstLine(row.text) }));
      if (list.length > 0) lines.push('', ctx.msg.text?.startsWith('/t') && !ctx.msg.text.startsWith('/templates') ? t('templates.notInChat') : t('templates.listHint'));
      return void (await answer(ctx, lines.join('\n')));
    }
    if (list.length === 0) return void (await answer(ctx, t('templates.none')));
    const keyboard = new InlineKeyboard();
    for (const row of list.slice(0, PICK_MAX)) keyboard.text(row.name, `tpl:p:${row.id}`).row();
    const sent = await answer(ctx, t('templates.pick'), { reply_markup: keyboard });
    // The list knows its buyer by this anchor (never by what a button says), and replying to it continues the chat.
    addAnchor(s.db, { tgChatId: sent.chat.id, tgMessageId: sent.message_id, ...target, kind: 'echo' });
  });

  c.callbackQuery(PICK, async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const list = ctx.callbackQuery.message;
    const chat = list ? anchorChat(s.db, list.chat.id, list.message_id) : undefined;
    const tpl = chat ? s.templatesFor?.(chat.businessId) : undefined;
    if (!tpl || !list || chat === undefined) return void (await ctx.answerCallbackQuery({ text: t('templates.decided') }));
    const where = { tgChatId: list.chat.id, tgThreadId: topicOf(list as Message), marketChatId: chat.marketChatId };
    const preview = tpl.propose(Number(ctx.match[1]), where, ctx.from.id);
    if (!preview) return void (await ctx.answerCallbackQuery({ text: t('templates.gone'), show_alert: true }));
    const keyboard = new InlineKeyboard();
    if (preview.missing === null) keyboard.text(t('templates.button.send'), `tpl:s:${preview.id}`);
    keyboard.text(t('templates.button.cancel'), `tpl:c:${preview.id}`);
    const sent = await ctx.reply(previewText(preview), {
      reply_parameters: { message_id: list.message_id, allow_sending_without_reply: true },
      reply_markup: keyboard,
    });
    s.db.transaction(() => {
      tpl.previewShown(preview.id, sent.message_id);
      addAnchor(s.db, { tgChatId: sent.chat.id, tgMessageId: sent.message_id, ...chat, kind: 'echo' });
    });
    await ctx.answerCallbackQuery();
  });

  c.callbackQuery(DECIDE, async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const message = ctx.callbackQuery.message;
    // The preview is anchored to its buyer's chat, whose shop's ledger it goes through.
    const chat = message ? anchorChat(s.db, message.chat.id, message.message_id) : undefined;
    const tpl = chat ? s.templatesFor?.(chat.businessId) : undefined;
    if (!tpl || !message) return void (await ctx.answerCallbackQuery({ text: t('templates.decided') }));
    const choice = ctx.match[1] === 's' ? 'send' : 'cancel';
    const result = tpl.choose(Number(ctx.match[2]), choice, ctx.from.id, message.message_id);
    if (result.outcome === 'stale') return void (await ctx.answerCallbackQuery({ text: t('templates.decided') }));
    if (result.outcome === 'blocked') return void (await ctx.answerCallbackQuery({ text: t('templates.blockedShort'), show_alert: true }));
    const words = result.outcome === 'sent' ? t('templates.sending') : t('templates.cancelled');
    await ctx
      .editMessageText(`${previewText(result.preview)}\n\n${words}`, { reply_markup: { inline_keyboard: [] } })
      .catch((err: unknown) => s.log.info({ err: (err as Error).message }, 'could not mark the template preview'));
    await ctx.answerCallbackQuery({ text: words });
  });
  return c;
}

function previewText(p: TemplatePreviewRow): string {
  const lines = [t('templates.preview', { name: p.templateName, text: p.text })];
  const missing = (p.missing ?? '').split(',').filter((m) => m !== '');
  const vars = missing.filter((m) => m !== 'length');
  if (vars.length > 0) lines.push('', t('templates.blocked', { names: vars.map((v) => `{${v}}`).join(', ') }));
  if (missing.includes('length')) lines.push('', t('templates.blockedLength', { max: TEMPLATE_TEXT_MAX }));
  return lines.join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
