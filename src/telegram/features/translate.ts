/**
 * /translate <lang> [auto] | off (team only), the buttons on a translation preview (team only), and the relay's hook:
 * a seller's text in a chat with translation on goes through the core (bridge/translation.ts) before it is relayed.
 */
import { Composer, InlineKeyboard, type Context } from 'grammy';
import type { NewRelay } from '../../bridge/relay.js';
import type { ChatTranslation, FailureKind, SellerVerdict } from '../../bridge/translation.js';
import { addAnchor } from '../../db/links.js';
import type { InboundMessageRow } from '../../db/inbound.js';
import { getPreview, type TranslationPreviewRow } from '../../db/translation.js';
import { t } from '../../texts.js';
import { LANGUAGE_CODE, TranslateError } from '../../translate/translator.js';
import type { Services } from '../services.js';

/** Callback data: `tr:<t|o|c>:<preview id>` (send translation, send original, cancel). */
const BUTTON = /^tr:([toc]):(\d+)$/;
const CHOICES = { t: 'translation', o: 'original', c: 'cancel' } as const;

/** The seller's words for why there is no translation. */
export function failureWords(kind: FailureKind, provider: string): string {
  return kind === 'auth'
    ? t('translate.why.auth', { variable: provider === 'deepl' ? 'DEEPL_API_KEY' : 'YANDEX_TRANSLATE_API_KEY' })
    : t(`translate.why.${kind}`);
}

export function translate(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  c.command('translate', async (ctx) => {
    const chatId = ctx.chat.id;
    const answer = (text: string) => ctx.reply(text, { reply_parameters: { message_id: ctx.msg.message_id } });
    if (!s.isTeam(ctx.from?.id)) return void (await answer(t('auth.refused')));
    const tr = s.translation;
    if (!tr) return void (await answer(t('translate.notConfigured')));
    const args = ctx.match.trim().split(/\s+/).filter((a) => a !== '');
    if (args.length === 0) {
      const now = tr.setting(chatId);
      const state = now
        ? t('translate.current', { lang: now.lang, mode: now.auto ? t('translate.mode.auto') : t('translate.mode.preview') })
        : t('translate.currentOff');
      return void (await answer(`${state}\n\n${t('translate.usage')}`));
    }
    const [code, mode, ...rest] = args as [string, ...string[]];
    if (code.toLowerCase() === 'off' && mode === undefined) {
      tr.switchOff(chatId);
      return void (await answer(t('translate.off')));
    }
    if (!LANGUAGE_CODE.test(code) || (mode !== undefined && mode.toLowerCase() !== 'auto') || rest.length > 0) {
      return void (await answer(LANGUAGE_CODE.test(code) ? t('translate.usage') : t('translate.badCode', { code: code.slice(0, 20) })));
    }
    const auto = mode !== undefined;
    try {
      if (!(await tr.switchOn(chatId, code, auto, ctx.from!.id))) {
        return void (await answer(t('translate.unsupported', { code, provider: tr.provider })));
      }
    } catch (err) {
      if (!(err instanceof TranslateError)) throw err;
      return void (await answer(t('translate.checkFailed', { why: failureWords(err.kind, tr.provider), technical: err.detail })));
    }
    const lang = code.toLowerCase();
    await answer(auto ? t('translate.onAuto', { lang }) : t('translate.on', { lang }));
  });

  c.callbackQuery(BUTTON, async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const [, letter, idText] = ctx.match;
    // The preview's own shop decides (its relay records the reply).
    const previewed = getPreview(s.db, Number(idText));
    const tr = previewed ? s.translationFor?.(previewed.businessId) : s.translation;
    if (!tr) return void (await ctx.answerCallbackQuery({ text: t('translate.notConfigured'), show_alert: true }));
    const result = tr.choose(Number(idText), CHOICES[letter as keyof typeof CHOICES], ctx.from.id);
    const words =
      result.outcome === 'stale'
        ? t('translate.decided')
        : result.outcome === 'cancelled'
          ? t('translate.cancelled')
          : result.preview.sent === 'translation'
            ? t('translate.sending')
            : t('translate.sendingOriginal');
    const preview = ctx.callbackQuery.message;
    if (result.outcome !== 'stale' && preview && 'text' in preview && preview.text !== undefined) {
      await ctx
        .editMessageText(`${preview.text}\n\n${words}`, { reply_markup: { inline_keyboard: [] } })
        .catch((err: unknown) => s.log.info({ err: (err as Error).message }, 'could not mark the translation preview'));
    }
    await ctx.answerCallbackQuery({ text: words });
  });
  return c;
}

/**
 * The relay's hook for a seller's text that passed every rule: true when translation took it over (a preview, a
 * failure notice, or an auto send), false when it goes to the buyer as it is.
 */
export async function translateSellerText(s: Services, tr: ChatTranslation, ctx: Context, draft: NewRelay & { text: string }): Promise<boolean> {
  const setting = tr.setting(draft.tgChatId);
  if (!setting) return false;
  const verdict = await tr.considerSeller(draft, setting);
  if (verdict.kind === 'as_is') return false;
  await show(s, tr, ctx, verdict);
  return true;
}

/** Posts the preview, failure notice or auto note, unless an earlier delivery of this update already did. */
async function show(s: Services, tr: ChatTranslation, ctx: Context, verdict: Exclude<SellerVerdict, { kind: 'as_is' }>): Promise<void> {
  const p = verdict.preview;
  if (p.previewMessageId !== null) return;
  if (verdict.kind === 'seen' && p.state !== 'previewed' && p.state !== 'failed' && !(p.state === 'sent' && p.translation !== null && p.sent === 'translation')) {
    return; // decided on a preview Telegram never confirmed posting: nothing more to show
  }
  const { text, keyboard } = previewMessage(p, tr.provider);
  const sent = await ctx.reply(text, {
    reply_parameters: { message_id: p.tgMessageId },
    ...(keyboard ? { reply_markup: keyboard } : {}),
  });
  tr.previewShown(p.id, sent.message_id);
  // Replying to the preview continues the conversation with that buyer, like replying to any echo.
  addAnchor(s.db, { tgChatId: p.tgChatId, tgMessageId: sent.message_id, businessId: p.businessId, marketChatId: p.marketChatId, kind: 'echo' });
}

function previewMessage(p: TranslationPreviewRow, provider: string): { text: string; keyboard?: InlineKeyboard } {
  if (p.state === 'sent') return { text: t('translate.auto', { to: p.targetLang, text: p.translation ?? '' }) };
  if (p.translation === null) {
    const [kind, detail] = (p.error ?? 'unavailable|').split('|') as [FailureKind, string | undefined];
    return {
      text: t('translate.failed', { why: failureWords(kind, provider), technical: detail ?? '' }),
      keyboard: new InlineKeyboard().text(t('translate.button.original'), `tr:o:${p.id}`).text(t('translate.button.cancel'), `tr:c:${p.id}`),
    };
  }
  return {
    text: t('translate.preview', { to: p.targetLang, text: p.translation }),
    keyboard: new InlineKeyboard()
      .text(t('translate.button.send'), `tr:t:${p.id}`)
      .row()
      .text(t('translate.button.original'), `tr:o:${p.id}`)
      .text(t('translate.button.cancel'), `tr:c:${p.id}`),
  };
}

/** The 🌐 line under a buyer message: its translation with the detected language, or why it has none. */
export function buyerTranslationLine(tr: ChatTranslation, m: InboundMessageRow): string | undefined {
  const r = tr.buyerTranslation(m.marketChatId, m.marketMessageId);
  if (!r) return undefined;
  if (r.failed !== null) return t('translate.buyerFailed', { why: failureWords(r.failed as FailureKind, tr.provider) });
  if (r.text === null) return undefined;
  return t('translate.buyer', { from: r.detectedLang || '?', to: r.targetLang, text: r.text });
}
