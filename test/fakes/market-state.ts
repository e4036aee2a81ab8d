/**
 * The fake Market's data: chats, their messages, uploaded files and the page tokens it has handed out.
 * Plain in-memory maps; the HTTP layer (market.ts) turns requests into calls on this class.
 */
import type { components } from '../../src/market/schema.js';

type Schemas = components['schemas'];
export type ChatInfo = Schemas['GetChatInfoDTO'];
export type ChatMessage = Schemas['ChatMessageDTO'];
export type ChatStatus = Schemas['ChatStatusType'];
export type Sender = Schemas['ChatMessageSenderType'];
export type ChatContext = Schemas['ChatContextDTO'];
export type GetChatsRequest = Schemas['GetChatsRequest'];
export type FilePayload = Schemas['ChatMessagePayloadDTO'];

export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  url: string;
}

/** What a page token stands for. Tokens are opaque to clients and only valid for the call that issued them. */
type Cursor =
  | { kind: 'chats'; afterChatId: number }
  | { kind: 'history'; chatId: number; order: HistoryOrder; pastMessageId: number };

/**
 * Order of getChatHistory pages. The spec promises none: 'scrambled' is a fixed order unrelated to ids or dates
 * (stable across the pages of one walk), so a client that assumes any order fails against it.
 */
export type HistoryOrder = 'asc' | 'desc' | 'scrambled';

/** Where a message falls in the 'scrambled' order (a multiplicative hash of its id). */
const scrambleKey = (id: number): number => Math.imul(id, 2654435761) >>> 0;

/** Awkward parts of Market's behaviour a test can turn on (documented or not ruled out by the docs). */
export interface MarketModel {
  /** Timestamps (createdAt, updatedAt) in whole seconds, as Market's ISO dates may be. */
  wholeSeconds?: boolean;
  /**
   * A buyer's message in a FINISHED chat moves it to WAITING_FOR_PARTNER. Off by default: the docs do not say, so the
   * default is the harder case for a client (the chat stays FINISHED; only its updatedAt moves).
   */
  buyerReopensFinished?: boolean;
}

export class NotFound extends Error {}
export class BadRequest extends Error {}

/** Market's timestamps carry an offset (Moscow time), so clients must not assume 'Z'. */
export function isoWithOffset(ms: number): string {
  return new Date(ms + 3 * 3_600_000).toISOString().replace('Z', '+03:00');
}

export class MarketState {
  private readonly chats = new Map<number, ChatInfo>();
  private readonly messages = new Map<number, ChatMessage[]>();
  private readonly files = new Map<string, StoredFile>();
  private readonly tokens = new Map<string, Cursor>();
  private nextChatId = 1001;
  private nextOrderId = 70_000_001;
  private nextMessageId = 5001;
  private nextFileId = 1;
  private nextToken = 1;

  constructor(
    private readonly now: () => number,
    private readonly campaignId: number,
    private readonly model: MarketModel = {},
  ) {}

  /** Now, as Market writes it (whole seconds when the model says so). */
  private stamp(): string {
    const ms = this.now();
    return isoWithOffset(this.model.wholeSeconds ? Math.floor(ms / 1000) * 1000 : ms);
  }

  addChat(p: Partial<ChatInfo> & { customerName?: string } = {}): ChatInfo {
    const { customerName, ...fields } = p;
    const chatId = fields.chatId ?? this.nextChatId;
    if (this.chats.has(chatId)) throw new Error(`FakeMarket: chat ${chatId} already exists`);
    this.nextChatId = Math.max(this.nextChatId, chatId + 1);
    const at = this.stamp();
    const chat: ChatInfo = {
      chatId,
      type: 'CHAT',
      status: 'NEW',
      createdAt: at,
      updatedAt: at,
      ...fields,
      context: fields.context ?? {
        type: 'ORDER',
        orderId: this.nextOrderId++,
        campaignId: this.campaignId,
        customer: { name: customerName ?? `Buyer ${chatId}` },
      },
    };
    if (customerName !== undefined && fields.context) {
      chat.context.customer = { ...chat.context.customer, name: customerName };
    }
    this.chats.set(chatId, chat);
    this.messages.set(chatId, []);
    return structuredClone(chat);
  }

  getChat(chatId: number): ChatInfo {
    const chat = this.chats.get(chatId);
    if (!chat) throw new NotFound('Chat not found');
    return structuredClone(chat);
  }

  setChatStatus(chatId: number, status: ChatStatus): void {
    const chat = this.live(chatId);
    chat.status = status;
    chat.updatedAt = this.stamp();
  }

  /** createChat: Market returns the existing chat when one exists for that order or return. */
  createChat(ctx: ChatContext): number {
    const existing = [...this.chats.values()].find((c) => matchesContext(c, ctx));
    if (existing) return existing.chatId;
    const context: ChatInfo['context'] =
      ctx.type === 'ORDER'
        ? { type: 'ORDER', orderId: ctx.id, campaignId: this.campaignId }
        : { type: 'RETURN', returnId: ctx.id, campaignId: this.campaignId };
    return this.addChat({ context }).chatId;
  }

  addMessage(
    chatId: number,
    m: { sender?: Sender; message?: string; payload?: FilePayload[]; createdAt?: string },
  ): ChatMessage {
    const chat = this.live(chatId);
    const msg: ChatMessage = {
      messageId: this.nextMessageId++,
      createdAt: m.createdAt ?? this.stamp(),
      sender: m.sender ?? 'CUSTOMER',
    };
    if (m.message !== undefined) msg.message = m.message;
    if (m.payload !== undefined) msg.payload = m.payload;
    if (msg.message === undefined && msg.payload === undefined) msg.message = `message ${msg.messageId}`;
    this.messages.get(chatId)!.push(msg);
    chat.updatedAt = msg.createdAt;
    // Who is expected to answer next, as on Market. Arbitrage and finished chats keep their status.
    const open: ChatStatus[] = ['NEW', 'WAITING_FOR_CUSTOMER', 'WAITING_FOR_PARTNER'];
    if (this.model.buyerReopensFinished && chat.status === 'FINISHED' && msg.sender === 'CUSTOMER') {
      chat.status = 'WAITING_FOR_PARTNER';
    } else if (open.includes(chat.status)) {
      if (msg.sender === 'CUSTOMER') chat.status = 'WAITING_FOR_PARTNER';
      if (msg.sender === 'PARTNER') chat.status = 'WAITING_FOR_CUSTOMER';
    }
    return structuredClone(msg);
  }

  messagesOf(chatId: number): ChatMessage[] {
    return structuredClone(this.messages.get(chatId) ?? []);
  }

  getMessage(chatId: number, messageId: number): ChatMessage {
    this.live(chatId);
    const msg = this.messages.get(chatId)!.find((m) => m.messageId === messageId);
    if (!msg) throw new NotFound('Message not found');
    return structuredClone(msg);
  }

  storeFile(name: string, bytes: Buffer, contentType: string, baseUrl: string): StoredFile {
    const id = String(this.nextFileId++);
    const file: StoredFile = { id, name, bytes, contentType, url: `${baseUrl}/files/${id}/${encodeURIComponent(name)}` };
    this.files.set(id, file);
    return file;
  }

  file(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  fileByUrl(url: string): StoredFile | undefined {
    return [...this.files.values()].find((f) => f.url === url);
  }

  /** getChats: filters from the body, ordered by chatId, `limit` per page. */
  listChats(filter: GetChatsRequest, limit: number, pageToken: string | undefined) {
    let after = 0;
    if (pageToken !== undefined) {
      const cursor = this.tokens.get(pageToken);
      if (cursor?.kind !== 'chats') throw new BadRequest(`Invalid pageToken '${pageToken}'`);
      after = cursor.afterChatId;
    }
    const matching = [...this.chats.values()]
      .filter((c) => c.chatId > after && chatMatches(c, filter))
      .sort((a, b) => a.chatId - b.chatId);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    const nextPageToken =
      matching.length > limit && last ? this.issueToken({ kind: 'chats', afterChatId: last.chatId }) : undefined;
    return { chats: structuredClone(page), paging: nextPageToken ? { nextPageToken } : {} };
  }

  /** getChatHistory: messages with messageId >= messageIdFrom, `limit` per page, in the configured order. */
  history(
    chatId: number,
    messageIdFrom: number | undefined,
    limit: number,
    pageToken: string | undefined,
    order: HistoryOrder,
  ) {
    const chat = this.live(chatId);
    let past: number | undefined;
    if (pageToken !== undefined) {
      const cursor = this.tokens.get(pageToken);
      if (cursor?.kind !== 'history' || cursor.chatId !== chatId) throw new BadRequest(`Invalid pageToken '${pageToken}'`);
      past = cursor.pastMessageId;
      order = cursor.order;
    }
    const from = messageIdFrom ?? 1;
    const key = (id: number) => (order === 'asc' ? id : order === 'desc' ? -id : scrambleKey(id));
    const matching = this.messages
      .get(chatId)!
      .filter((m) => m.messageId >= from)
      .filter((m) => past === undefined || key(m.messageId) > key(past))
      .sort((a, b) => key(a.messageId) - key(b.messageId));
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    const nextPageToken =
      matching.length > limit && last
        ? this.issueToken({ kind: 'history', chatId, order, pastMessageId: last.messageId })
        : undefined;
    return {
      context: structuredClone(chat.context),
      messages: structuredClone(page),
      paging: nextPageToken ? { nextPageToken } : {},
    };
  }

  private issueToken(cursor: Cursor): string {
    const token = Buffer.from(`fake-market:${this.nextToken++}`).toString('base64url');
    this.tokens.set(token, cursor);
    return token;
  }

  private live(chatId: number): ChatInfo {
    const chat = this.chats.get(chatId);
    if (!chat) throw new NotFound('Chat not found');
    return chat;
  }
}

function matchesContext(c: ChatInfo, ctx: ChatContext): boolean {
  return ctx.type === 'ORDER'
    ? c.context.type === 'ORDER' && c.context.orderId === ctx.id
    : c.context.type === 'RETURN' && c.context.returnId === ctx.id;
}

function chatMatches(c: ChatInfo, f: GetChatsRequest): boolean {
  if (f.statuses && !f.statuses.includes(c.status)) return false;
  if (f.types && !f.types.includes(c.type)) return false;
  if (f.contextTypes && !f.contextTypes.includes(c.context.type)) return false;
  if (f.contexts && !f.contexts.some((ctx) => matchesContext(c, ctx))) return false;
  if (f.orderIds && (c.context.orderId === undefined || !f.orderIds.includes(c.context.orderId))) return false;
  return true;
}
