/**
 * Every sentence a seller reads, in one place and keyed, so the bot can later speak Russian and Chinese (the other
 * languages of Market's seller docs). English only for now. Plain text: no parse_mode, so nothing needs escaping.
 */
import type { ChatFacts } from './db/inbound.js';
import type { ChatInfo } from './market/types.js';

export type Lang = 'en';

const STATUS_WORDS: Record<string, string> = {
  NEW: 'new',
  WAITING_FOR_CUSTOMER: 'waiting for the buyer',
  WAITING_FOR_PARTNER: 'waiting for your reply',
  WAITING_FOR_ARBITER: 'waiting for the arbiter',
  WAITING_FOR_MARKET: 'waiting for Market',
  FINISHED: 'finished',
};

const SENDER_WORDS: Record<string, string> = {
  CUSTOMER: 'Buyer',
  PARTNER: 'Shop',
  MARKET: 'Market (automatic)',
  SUPPORT: 'Market support',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status] ?? status.toLowerCase().replace(/_/g, ' ');
}

export function senderWords(sender: string): string {
  return SENDER_WORDS[sender] ?? sender;
}

/** "Order 12345", "Return 678 (order 12345)", "Question": what the chat is about, in the seller's words. */
export function chatSubject(chat: Pick<ChatInfo, 'context' | 'type'>): string {
  const c = chat.context;
  let subject: string;
  if (c.type === 'RETURN') subject = `Return ${c.returnId ?? '?'}${c.orderId ? ` (order ${c.orderId})` : ''}`;
  else if (c.type === 'ORDER') subject = `Order ${c.orderId ?? '?'}`;
  else if (c.type === 'DIRECT') subject = 'Question from a product page';
  else subject = `${c.type.toLowerCase()} chat`;
  return chat.type === 'ARBITRAGE' ? `Dispute: ${subject}` : subject;
}

export function buyerName(chat: Pick<ChatInfo, 'context'>): string {
  return chat.context.customer?.name ?? 'buyer';
}

/** Rounded up, so a file just over the limit never reads as "5.0 MB" next to a 5 MB limit. */
function megabytes(bytes: number): string {
  const mb = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${Number.isInteger(mb) ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

function at(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${hh}:${mm} UTC`;
}

function inAbout(ms: number, now: number): string {
  const s = Math.max(1, Math.round((ms - now) / 1000));
  if (s < 90) return `in about ${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `in about ${m} min (at ${at(ms)})`;
  return `at ${at(ms)}`;
}

/** "Market had an internal error (tried 3 times)." when the bridge tried more than once. */
function tries(what: string, attempts: number): string {
  return attempts > 1 ? `${what.replace(/\.$/, '')} (tried ${attempts} times).` : what;
}

/** "HTTP 400 · BAD_REQUEST · Message contains a link": the technical line under every error. */
export function technical(p: { status?: number; code?: string; detail?: string }): string {
  return [p.status !== undefined ? `HTTP ${p.status}` : undefined, p.code, p.detail].filter(Boolean).join(' · ');
}

/** What the inbound sync knows about a Market chat, as far as the words shown to the seller need it. */
export type InboundChatWords = ChatFacts & { skippedMessages: number };

const INBOUND_SENDERS: Record<string, string> = {
  CUSTOMER: '👤 Buyer',
  PARTNER: '🏪 Shop, from the Market cabinet',
  MARKET: '🤖 Market (automatic message)',
  SUPPORT: '🛟 Market support',
};

/** "Order 123 · Ivan", "Return 45 · Ivan", "Question · Ivan", "Dispute · Order 123 · Ivan": a chat in the seller's terms. */
function inboundSubject(c: InboundChatWords): string {
  const about =
    c.contextType === 'ORDER' && c.orderId !== null
      ? `Order ${c.orderId}`
      : c.contextType === 'RETURN'
        ? `Return ${c.returnId ?? c.orderId ?? '?'}`
        : c.contextType === 'DIRECT'
          ? 'Question'
          : `Chat ${c.marketChatId}`;
  return [c.type === 'ARBITRAGE' ? 'Dispute' : undefined, about, c.customerName ?? undefined].filter(Boolean).join(' · ');
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const en = {
  help: (p: { isAdmin: boolean }) =>
    [
      'I connect this Telegram chat with your buyers in Yandex Market chats.',
      '',
      'Answering buyers',
      '• In a forum topic linked to a Market chat, every message you write goes to the buyer.',
      '• Anywhere (private chat, group, topic), reply to a message of mine that belongs to a Market chat (a buyer message or a /link card): your reply goes to that buyer.',
      '• 👍 on your message means Market accepted it. If it could not be delivered I reply with the reason.',
      '• Messages that start with // are team-internal notes: they are never sent to the buyer.',
      '• Edits are not sent (Market messages cannot be edited): send a new message instead.',
      '• Photos and documents (files up to 5 MB) are sent too, each with its caption as a message right after it. Stickers, voice, video and other media are not sent.',
      '',
      'Commands',
      '/link <chat id> – link this topic (or give you a message to reply to) to a Market chat. The chat id is the number in the chat’s address in the Market cabinet.',
      '/unlink – stop sending this topic’s messages to Market.',
      '/status – the linked chat and the latest deliveries with their result.',
      '/help – this text.',
      ...(p.isAdmin
        ? []
        : ['', 'You are not on this bot’s team list (TELEGRAM_ADMIN_IDS), so your messages are not sent to buyers.']),
    ].join('\n'),

  'command.help': () => 'What this bot does and how to answer buyers',
  'command.link': () => 'Link this topic to a Market chat: /link <chat id>',
  'command.unlink': () => 'Stop sending this topic to Market',
  'command.status': () => 'Linked chat and the latest deliveries',

  'auth.refused': () =>
    'Sorry, only the shop’s team can use this command. Ask the bot’s owner to add your Telegram id to TELEGRAM_ADMIN_IDS.',
  'auth.notRelayed': (p: { userId: number }) =>
    `Not sent to the buyer: only the shop’s team may write to buyers. Ask the bot’s owner to add your Telegram id (${p.userId}) to TELEGRAM_ADMIN_IDS.`,

  'link.usage': () =>
    'Usage: /link <chat id>\nThe chat id is the number in the chat’s address in the Market cabinet (…/chats/<chat id>), e.g. /link 12345678.',
  'link.badId': (p: { arg: string }) =>
    `“${p.arg.slice(0, 40)}” is not a Market chat id: it must be a positive whole number, e.g. /link 12345678. Nothing was linked.`,
  'link.checking': (p: { chatId: number }) => `Checking Market chat ${p.chatId}…`,
  'link.notFound': (p: { chatId: number }) =>
    `Market has no chat ${p.chatId} in this business (or it was deleted). Check the number in the cabinet’s chat address. Nothing was linked.`,
  'link.failed': (p: { chatId: number; reason: string; technical: string }) =>
    `Could not check Market chat ${p.chatId}: ${p.reason} Nothing was linked.\n${p.technical}`,
  'link.card': (p: { chat: ChatInfo; mode: 'topic' | 'reply' }) =>
    [
      `🔗 Linked to Market chat ${p.chat.chatId}`,
      `${chatSubject(p.chat)} · ${buyerName(p.chat)}`,
      `Status: ${statusWords(p.chat.status)}`,
      `Started: ${p.chat.createdAt.slice(0, 16).replace('T', ' ')}`,
      '',
      p.mode === 'topic'
        ? 'Every message in this topic now goes to the buyer (except //notes). Reply to this message from anywhere to answer too.'
        : 'Reply to this message to answer the buyer.',
    ].join('\n'),
  'link.movedFrom': (p: { threadId: number }) =>
    `(This chat was linked to another topic before (#${p.threadId}); that link is removed.)`,
  'unlink.done': (p: { chatId: number }) =>
    `Unlinked from Market chat ${p.chatId}. Messages here are no longer sent to the buyer.`,
  'unlink.notLinked': () =>
    'Nothing to unlink here. Use /unlink inside a linked topic, or as a reply to a message of the chat you want to unlink.',

  'status.none': () =>
    'This topic is not linked to a Market chat. Use /link <chat id> to link it, or reply to a buyer’s message to answer it.',
  'status.header': (p: { chatId: number | undefined; chat?: ChatInfo }) =>
    p.chatId === undefined
      ? 'Latest deliveries from this chat:'
      : p.chat
        ? `Linked to Market chat ${p.chatId}: ${chatSubject(p.chat)} · ${buyerName(p.chat)} · ${statusWords(p.chat.status)}`
        : `Linked to Market chat ${p.chatId}.`,
  'status.noDeliveries': () => 'No messages sent from here yet.',
  'status.line': (p: { at: number; state: string; text: string; detail?: string }) =>
    `${new Date(p.at).toISOString().slice(5, 16).replace('T', ' ')} ${p.state}: “${p.text}”${p.detail ? ` (${p.detail})` : ''}`,
  'status.state': (p: { state: string }) =>
    (
      ({
        pending: '⏳ waiting',
        sending: '⏳ sending',
        delivered: '✓ delivered',
        refused: '✗ refused',
        failed: '✗ failed',
        uncertain: '❓ unconfirmed',
        cancelled: '– not sent',
      }) as Record<string, string>
    )[p.state] ?? p.state,
  'status.file': (p: { name: string | null }) => `📎 ${p.name ?? 'file'}`,
  'status.queue': (p: { waiting: number }) => `${p.waiting} message(s) waiting to be sent.`,

  // Relay echoes: always a reply to the seller's message, in the same thread.
  'relay.sent': () => '✓ Sent to the buyer.',
  'relay.sentAfterWait': () => '✓ Sent to the buyer (it had to wait for Market’s limit).',
  'relay.sentAgain': () => '✓ Sent again: the buyer has it now.',
  'relay.mayRepeat': () => '↻ Possibly shown twice: Telegram did not confirm the first post of this reply.',
  'relay.empty': () => 'Not sent: the message is empty.',
  'relay.tooLong': (p: { length: number; max: number }) =>
    `Not sent: Market accepts at most ${p.max} characters per message and this one has ${p.length}. Split it into shorter messages.`,
  'relay.unsupported': (p: { what: string }) =>
    `Not sent: ${p.what} can’t be sent to Market buyers yet. Only text, photos and documents are sent for now.`,
  'relay.secret': () =>
    'Not sent: this message contains the bot’s token or the Market Api-Key. It was not sent or stored. Delete it from this chat, and consider issuing a new key.',
  'relay.edited': () =>
    'Your edit was not sent: Market messages can’t be edited, so the buyer keeps the original text. Send a new message if something needs correcting.',
  'relay.replyHint': () =>
    'To answer a buyer, reply to one of their messages (or to a /link card). Messages that are not replies are not sent anywhere.',
  // The 👍 is what counts: if this notice cannot be updated (Telegram lost its answer), it still reads right.
  'relay.waiting': (p: { until: number; now: number; why: 'rate_limited' | 'quota' | 'retrying' }) =>
    (p.why === 'quota'
      ? `⏳ Queued: the shop’s hourly Market limit for messages is used up. It will be sent automatically ${inAbout(p.until, p.now)}.`
      : p.why === 'rate_limited'
        ? `⏳ Market asked to slow down (rate limit). It will be retried automatically ${inAbout(p.until, p.now)}.`
        : `⏳ Market did not answer properly; retrying ${inAbout(p.until, p.now)}.`) + ' 👍 on your message means it went.',
  'relay.failed': (p: { what: string; todo: string; technical: string; attempts: number }) =>
    `❌ Not delivered: ${tries(p.what, p.attempts)} ${p.todo}\n${p.technical}`,
  'relay.uncertain': (p: { technical: string }) =>
    `❓ I can’t tell whether the buyer got this message: Market did not confirm it and its chat history could not be checked. Send it again? If it did arrive, the buyer will see it twice.\n${p.technical}`,
  'relay.button.resend': () => 'Send again',
  'relay.button.drop': () => 'Don’t send',
  'relay.resent': () => 'Sending again…',
  'relay.dropped': () => 'Not sent again. The buyer may or may not have it.',
  'relay.decided': () => 'Already decided.',

  // What went wrong, and what to do, per failure kind.
  'why.rejected': () => ['Market refused this message.', 'Buyer messages must not contain contact details (phone, e-mail, messengers) or links; rephrase it and send again.'] as const,
  'why.unauthorized': () => ['Market did not accept the bridge’s Api-Key.', 'The shop owner needs to check MARKET_API_KEY (Market cabinet → Settings → API and modules) and restart the bot.'] as const,
  'why.forbidden': () => ['the Api-Key may not write to buyer chats, or the shop is not active.', 'Give the key the “Customer communication” scope in the Market cabinet (Settings → API and modules).'] as const,
  'why.not_found': () => ['Market does not know this chat (it may have been deleted).', 'Check the chat and /link it again.'] as const,
  'why.rate_limited': () => ['Market’s rate limit would not let it through in time.', 'Send it again later.'] as const,
  'why.locked': () => ['Market has locked the business for now (for example during a migration).', 'Send it again later.'] as const,
  'why.server': () => ['Market had an internal error.', 'Send it again in a few minutes.'] as const,
  'why.bad_response': () => ['Market answered with something that is not its usual reply.', 'Send it again in a few minutes.'] as const,
  'why.timeout': () => ['Market did not answer in time.', 'Send it again in a few minutes.'] as const,
  'why.network': () => ['the bridge could not connect to Market.', 'Check the server’s internet connection; send it again later.'] as const,
  'why.quota': () => ['the shop’s hourly Market limit is used up.', 'It will be sent when the limit frees up.'] as const,

  // Photos and documents sent to buyers (sendFileToChat). A caption goes as a text message right after its file.
  'files.tooLarge': (p: { size: number; max: number }) =>
    `Not sent: Market accepts files of at most ${megabytes(p.max)} and this one is ${megabytes(p.size)}. Send a smaller file (a photo sent as a photo, not as a file, is compressed by Telegram).`,
  'files.captionTooLong': (p: { length: number; max: number }) =>
    `Not sent: the caption goes to the buyer as a message, and Market accepts at most ${p.max} characters per message; this one has ${p.length}. Nothing was sent, not even the file: send it again with a shorter caption.`,
  'files.captionFailed': (p: { what: string; todo: string; technical: string; attempts: number }) =>
    `❌ The file was delivered, but its caption was not: ${tries(p.what, p.attempts)} ${p.todo}\n${p.technical}`,
  'files.captionUncertain': (p: { technical: string }) =>
    `❓ The file was delivered, but I can’t tell whether the buyer got its caption: Market did not confirm it and its chat history could not be checked. Send the caption again? If it did arrive, the buyer will see it twice.\n${p.technical}`,
  'files.why.download': () => ['the bridge could not download the file from Telegram.', 'Send the file again.'] as const,

  // An update the bridge could not handle, after its last attempt (telegram/dispatch.ts): said in its thread.
  'intake.notHandled': (p: { what: 'message' | 'command' | 'button'; attempts: number; why: string }) =>
    `❌ ${{ message: 'This message was not sent to the buyer', command: 'This command was not carried out', button: 'That button press was not carried out' }[p.what]}: the bridge failed to handle it${p.attempts > 1 ? ` (tried ${p.attempts} times)` : ''}. ${p.what === 'message' ? 'Send it again' : 'Try again'} once that is fixed.\n${p.why}`,
  'intake.why.database': (p: { detail: string }) => `The bridge could not write to its database: ${p.detail}`,
  'intake.why.telegram': (p: { detail: string }) => `Telegram refused a request of the bridge: ${p.detail}`,
  'intake.why.network': () => 'The bridge could not reach Telegram.',
  'intake.why.other': (p: { detail: string }) => `Internal error: ${p.detail}`,


  // Inbound sync: buyer chats shown in Telegram (a topic per chat, or a header per message in reply-chain mode).
  'inbound.title': (p: { chat: InboundChatWords; waiting: boolean; dispute: boolean }) =>
    `${p.dispute ? '⚖️ ' : ''}${p.waiting ? '❗ ' : ''}${inboundSubject(p.chat)}`,
  'inbound.card': (p: { chat: InboundChatWords }) =>
    [
      `🛒 ${inboundSubject(p.chat)}`,
      `Market chat ${p.chat.marketChatId} · ${p.chat.type === 'ARBITRAGE' ? '⚖️ dispute (arbitrage)' : 'chat with the buyer'}`,
      `Status: ${statusWords(p.chat.status)}`,
      ...(p.chat.contextType === 'RETURN'
        ? [`Return: ${p.chat.returnId ?? '?'}${p.chat.orderId !== null ? ` (order ${p.chat.orderId})` : ''}`]
        : p.chat.orderId !== null
          ? [`Order: ${p.chat.orderId}`]
          : p.chat.contextType === 'DIRECT'
            ? ['Question from a product page']
            : []),
      `Buyer: ${p.chat.customerName ?? 'not shown by Market'}`,
      ...(p.chat.marketCreatedAt ? [`Started: ${p.chat.marketCreatedAt.slice(0, 16).replace('T', ' ')} (Market time)`] : []),
      '',
      'Every message you write in this topic goes to the buyer (except //notes).',
      ...(p.chat.skippedMessages > 0
        ? [`${p.chat.skippedMessages} earlier message(s) of this chat are not shown here; they are in the Market cabinet.`]
        : []),
    ].join('\n'),
  'inbound.sender': (p: { sender: string }) => INBOUND_SENDERS[p.sender] ?? `❔ ${p.sender}`,
  /** Reply-chain mode: one line naming the chat above each message; replying to it answers that chat. */
  'inbound.header': (p: { chat: InboundChatWords; sender?: string }) =>
    `💬 ${inboundSubject(p.chat)} (chat ${p.chat.marketChatId})${p.sender !== undefined ? ` — ${INBOUND_SENDERS[p.sender] ?? p.sender}` : ''}`,
  'inbound.empty': () => '(empty message)',
  'inbound.mayRepeat': () => '↻ Possibly shown twice: Telegram did not confirm the first post of this message.',
  'inbound.fileLink': (p: { name: string; size: number; url: string }) =>
    `📎 ${p.name} (${fileSize(p.size)}) — could not be attached here; open it: ${p.url}`,
  'inbound.disputeOpened': () => '⚖️ A dispute (arbitrage) has started in this chat: Market’s arbiter will read the conversation.',
  'inbound.disputeFinished': () => '⚖️ The dispute (arbitrage) in this chat has ended.',
  'inbound.finished': () => '✔ Market has finished this chat. A new message from the buyer opens it again.',
  'inbound.vanished': () =>
    '⚠️ Market no longer has this chat (it answers “not found”), so replies to it can’t be delivered.',
  'inbound.topicsRefused': (p: { reason: string }) =>
    [
      `I can’t create a topic for each Market chat here (Telegram says: ${p.reason}).`,
      'Until I can, buyer messages appear in this chat with a header naming their Market chat: reply to one to answer that buyer.',
      'To get a topic per chat, turn on Topics in the group’s settings and make me an administrator with the “Manage topics” right.',
    ].join('\n'),
  // Told to the team in their private chats with the bot when it can no longer post where buyer chats appear.
  'presence.removed': (p: { where: string }) =>
    `⚠️ I was removed from ${p.where}, so buyer messages can’t be shown there. I keep recording them and post them there, in order, as soon as you add me back (as an administrator with the “Manage topics” right).`,
  'presence.restricted': (p: { where: string }) =>
    `⚠️ I may no longer send messages in ${p.where}, so buyer messages can’t be shown there. I keep recording them and post them there, in order, as soon as I may write again (best: make me an administrator with the “Manage topics” right).`,
  'presence.back': (p: { where: string; waiting: number }) =>
    `✅ I can post in ${p.where} again.${p.waiting > 0 ? ` The ${p.waiting} buyer message(s) recorded meanwhile are being posted now, in order.` : ''}`,
  'presence.topicRightsLost': (p: { where: string; admin: boolean }) =>
    `⚠️ I can no longer manage topics in ${p.where}: new buyer chats appear there as messages with a header (reply to one to answer), and topics no longer close or reopen with their chat.${p.admin ? '' : ' As a non-administrator I may also miss what you write in topics (Telegram’s privacy mode).'} Make me an administrator with the “Manage topics” right again.`,
  'presence.where': (p: { title: string | undefined; chatId: number }) =>
    p.title ? `“${p.title}”` : p.chatId > 0 ? 'our private chat' : `the chat ${p.chatId} (TELEGRAM_CHAT_ID)`,


  // Issue 7, items 11, 12, 14: moving a linked topic, the group's new id after an upgrade, anonymous admins.
  'auth.anonymous': () =>
    'Not sent: this was sent anonymously, as the group. Anonymous admins cannot be identified, so the bot never sends their messages to buyers or takes their commands. To write to buyers, turn off “Remain anonymous” in your administrator rights (group settings → Administrators).',
  'link.relinkAsk': (p: { current: number; currentChat?: ChatInfo; next: ChatInfo; nextHome?: number }) =>
    [
      `⚠️ This topic is already linked to Market chat ${p.current}${p.currentChat ? ` (${chatSubject(p.currentChat)} · ${buyerName(p.currentChat)})` : ''}.`,
      'Messages written here keep going to that buyer until you confirm the move.',
      '',
      `Move this topic to Market chat ${p.next.chatId} (${chatSubject(p.next)} · ${buyerName(p.next)}, ${statusWords(p.next.status)})?`,
      ...(p.nextHome !== undefined
        ? [`Market chat ${p.next.chatId} has its own topic (#${p.nextHome}): after the move that topic no longer sends to the buyer.`]
        : []),
      `Market chat ${p.current} then gets a new topic with its next message; replies to its messages above still reach that buyer.`,
    ].join('\n'),
  'link.moveButton': (p: { chatId: number }) => `Move to chat ${p.chatId}`,
  'link.keepButton': (p: { chatId: number }) => `Keep chat ${p.chatId}`,
  'link.moved': (p: { from: number; to: number }) =>
    `→ Moved to Market chat ${p.to}: messages here now go to that buyer. Market chat ${p.from} gets a new topic with its next message.`,
  'link.kept': (p: { chatId: number }) => `→ Kept: this topic still goes to Market chat ${p.chatId}.`,
  'link.stale': () => 'This question is out of date: the topic’s link changed meanwhile. Nothing was moved; use /link again.',
  'link.homeLeft': (p: { chatId: number; threadId: number }) =>
    `Market chat ${p.chatId} was moved to another topic (#${p.threadId}). Messages written here are no longer sent to Market chat ${p.chatId}; replies to its messages above still reach that buyer.`,
  'link.plainTitle': (p: { chatId: number }) => `Market chat ${p.chatId}`,
  'link.leftTitle': (p: { title: string; threadId: number }) => `↪ moved to #${p.threadId}: ${p.title}`,
  'group.upgraded': (p: { from: number; to: number }) =>
    [
      `This group was upgraded to a supergroup, and Telegram gave it a new id: ${p.to} (it was ${p.from}).`,
      'The bot follows it: buyer messages now arrive here.',
      `Put TELEGRAM_CHAT_ID=${p.to} in the bot’s settings (.env) so that the configuration says so too.`,
      'Messages from before the upgrade can no longer be answered by replying to them: wait for the buyer’s next message, or use /link <chat id> in a topic.',
    ].join('\n'),
  // Start-up: one line each, printed as "start-up: <line>" by npm start; each names the setting to fix.
  'startup.telegramRefused': (p: { status: number; description: string }) =>
    `TELEGRAM_BOT_TOKEN was refused by Telegram (${p.status} ${p.description}): copy the token again from @BotFather.`,
  'startup.telegramUnreachable': (p: { root: string; why: string }) =>
    `Cannot reach Telegram at TELEGRAM_API_ROOT (${p.root}): ${p.why}. Check this server's internet connection and firewall (is api.telegram.org blocked here?) and TELEGRAM_API_ROOT, then start again.`,
  'startup.chatRefused': (p: { chatId: number; description: string }) =>
    `TELEGRAM_CHAT_ID ${p.chatId} is not a chat this bot is in (Telegram says: ${p.description}). Add the bot to that group (as an administrator with the “Manage topics” right), or, for a private chat, send /start to the bot first; or correct TELEGRAM_CHAT_ID.`,
  'startup.chatNotJoined': (p: { chatId: number; status: 'left' | 'kicked' }) =>
    `TELEGRAM_CHAT_ID ${p.chatId} is not a chat this bot is in (${p.status === 'kicked' ? 'the bot was removed from it' : 'the bot is not a member'}). Add the bot to that group again (as an administrator with the “Manage topics” right), or correct TELEGRAM_CHAT_ID.`,
  'startup.marketScope': (p: { scopes: string[] }) =>
    `MARKET_API_KEY lacks the "communication" scope needed to write to buyers (it has: ${p.scopes.join(', ') || 'none'}). Add "Customer communication" to the key in the Market cabinet (Settings → API and modules).`,
  'startup.marketBusiness': (p: { businessId: number; businesses: number[] }) =>
    `MARKET_BUSINESS_ID ${p.businessId} is not the business of this Api-Key (it belongs to ${p.businesses.join(', ')}).`,
  'startup.marketKeyRefused': (p: { status?: number; code?: string }) =>
    `MARKET_API_KEY was refused by Market (HTTP ${p.status ?? '?'}${p.code ? ` ${p.code}` : ''}): check the key in the Market cabinet (Settings → API and modules).`,
  'startup.marketUnreachable': (p: { url: string; why: string }) =>
    `Cannot reach Market at MARKET_API_URL (${p.url}): ${p.why}. Starting anyway: replies wait in the queue until Market answers; checking again every minute.`,
  'startup.marketStillUnreachable': (p: { url: string; why: string; since: number }) =>
    `Still cannot reach Market at MARKET_API_URL (${p.url}) since ${at(p.since)}: ${p.why}. Replies are waiting; checking again in a minute.`,
  'startup.marketAnswers': (p: { url: string }) =>
    `Market at MARKET_API_URL (${p.url}) answers now: the Api-Key is checked, waiting replies go out.`,
  'startup.database': (p: { path: string; problem: string; detail: string }) =>
    `DATABASE_PATH (${p.path}) ${
      (
        {
          directory: 'cannot be used: its directory does not exist and cannot be created. Give a path in an existing, writable directory (default data/bridge.sqlite).',
          is_directory: 'is a directory: give the path of a file in it, e.g. data/bridge.sqlite.',
          read_only: 'cannot be used: the bridge is not allowed to write there (read-only file, directory or file system). It needs to write the file and the -wal, -shm and -lock files beside it; give a writable path or fix the permissions.',
          not_database: 'is not an SQLite database: check the path (the bridge creates the file itself when it does not exist).',
          damaged: 'is a damaged SQLite database: restore it from a backup, or move it away to start with an empty one.',
          in_use: 'is in use by another market-bridge process: only one may run per database (two would answer the same buyers). Stop the other one first.',
          migrations: 'could not be brought up to date for this version of the bridge: it may belong to another program, or to a newer version of the bridge.',
          other: 'cannot be opened.',
        } as Record<string, string>
      )[p.problem] ?? 'cannot be opened.'
    } (${p.detail})`,

  // ---- /stats and the daily digest (issue 11) ----
  'command.stats': () => 'How fast the shop answers: /stats, /stats 7 or /stats 30 days',
  'stats.usage': () => 'Use /stats (7 days), /stats 7 or /stats 30: the number of days, 1 to 90.',
  'stats.summary': (p: { days: number; conversations: number; answered: number }) =>
    `Last ${p.days} days: ${p.conversations} buyer conversations, ${p.answered} answered.`,
  'stats.times': (p: { median: string; p90: string }) => `First reply: median ${p.median}, 90% within ${p.p90}.`,
  'stats.noAnswers': () => 'First reply: no conversation was answered in this period.',
  'stats.chart.title': (p: { days: number }) => `Buyer conversations and time to the first reply, last ${p.days} days`,
  'stats.chart.conversations': () => 'Conversations',
  'stats.chart.median': () => 'Median, min',
  'stats.chart.p90': () => '90%, min',
  'stats.chart.minutes': () => 'min',
  'stats.duration.seconds': (p: { s: number }) => `${p.s} s`,
  'stats.duration.minutes': (p: { m: number }) => `${p.m} min`,
  'stats.duration.hours': (p: { h: number; m: number }) => `${p.h} h ${p.m} min`,
  'stats.duration.days': (p: { d: number; h: number }) => `${p.d} d ${p.h} h`,
  'digest.title': (p: { day: string }) => `Summary for ${p.day}`,
  'digest.summary': (p: { conversations: number; answered: number }) =>
    `${p.conversations} buyer conversations, ${p.answered} answered.`,
  'digest.waiting': (p: { count: number }) => `Still waiting for a reply: ${p.count}`,
  'digest.waitLine': (p: { about: string; waited: string }) => `• ${p.about} — ${p.waited}`,
  'digest.more': (p: { count: number }) => `… and ${p.count} more`,
  'digest.noneWaiting': () => 'No buyer is waiting for a reply.',
  'digest.openDispute': () => 'open dispute',
  'digest.about.order': (p: { orderId: number; buyer: string }) => `Order ${p.orderId} · ${p.buyer}`,
  'digest.about.return': (p: { returnId: number; buyer: string }) => `Return ${p.returnId} · ${p.buyer}`,
  'digest.about.question': (p: { buyer: string }) => `Question · ${p.buyer}`,
  'digest.about.chat': (p: { chatId: number; buyer: string }) => `Chat ${p.chatId} · ${p.buyer}`,
  'digest.about.dispute': (p: { about: string }) => `Dispute · ${p.about}`,
  'digest.buyer': () => 'buyer',
} as const;

export type TextKey = keyof typeof en;
type Params<K extends TextKey> = Parameters<(typeof en)[K]>[0];

const catalogs: Record<Lang, typeof en> = { en };

/** The text for `key` in `lang`. */
export function t<K extends TextKey>(key: K, ...params: Params<K> extends undefined ? [] : [Params<K>]): ReturnType<(typeof en)[K]> {
  const fn = catalogs.en[key] as (p?: unknown) => ReturnType<(typeof en)[K]>;
  return fn(params[0]);
}
