// Fake Telegram Bot API server for end-to-end tests.
//
// A real HTTP server on 127.0.0.1 that speaks enough of the Bot API for a grammY bot configured with
// `client: { apiRoot: fake.apiRoot }`, keeps a small model of the world (users, private chats, groups, forum
// topics, messages, files, reactions), lets tests act as people (userSends, userEdits, userPressesButton ...),
// records every call the bot makes, and injects faults. It reproduces the behaviours listed in
// /work/shared/telegram-notes.md (topic messages carrying the topic's service message as reply_to_message,
// redelivery of unconfirmed updates, deleted/closed topics, the reaction whitelist, 429 retry_after, ...).
//
// Helpers live next to it: telegram-body.ts (request parsing), telegram-format.ts (parse_mode and entities),
// telegram-files.ts (file ids, image sniffing, tiny test images).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import { BodyError, parseBody, readRawBody, type ParsedBody, type UploadedFile, type UploadedFileInfo } from './telegram-body.js';
import { FormatError, detectEntities, formatText } from './telegram-format.js';
import { FILE_DIR, defaultExt, guessMime, imageInfo, makeFileId, makeFileUniqueId, type FileKind } from './telegram-files.js';

/** Epoch milliseconds with sub-millisecond precision (the benchmark measures latencies from these). */
const hrNow = (): number => performance.timeOrigin + performance.now();

export { TINY_JPEG, TINY_PNG } from './telegram-files.js';
export type { UploadedFileInfo } from './telegram-body.js';

// ============================================================================================ public types

export interface Call {
  /** Canonical method name (`sendMessage`), or the name as called when the method is unknown. */
  method: string;
  /** Parsed parameters; uploaded files appear as `{ fileName, size, contentType }`. */
  params: Record<string, unknown>;
  /** Arrival time (ms since epoch). `calls` is in arrival order. */
  at: number;
  ok: boolean;
  result?: unknown;
  /** Error description as sent to the bot (e.g. "Bad Request: message thread not found"). */
  error?: string;
  errorCode?: number;
  /** False while the request is still being answered (a held long poll, a `hang` fault). */
  done: boolean;
  /** When the answer was ready (ms since epoch, sub-millisecond precision). */
  doneAt?: number;
}

export type Fault =
  | { kind: 'status'; code: 429; retryAfter: number }
  | { kind: 'status'; code: 400 | 403 | 500 | 502; description?: string }
  /** What getUpdates answers when the token was revoked (401) or another instance polls (409). */
  | { kind: 'status'; code: 401 | 409; description?: string }
  /** Destroys the socket without answering (meant for getUpdates, works for any method). */
  | { kind: 'dropPoll' }
  /** Waits `ms` before handling the request normally. */
  | { kind: 'hang'; ms: number }
  /** The call takes effect (the message IS sent), then the connection drops before the answer. */
  | { kind: 'dropAnswer' };

export type UserInput = Partial<User> & { id: number };

export interface FakeTelegramOptions {
  token?: string;
  botId?: number;
  botUsername?: string;
  botName?: string;
  /** Telegram's group privacy mode (default on): without admin rights the bot only sees commands, mentions,
   *  replies to its messages and service messages in groups. */
  privacyMode?: boolean;
  /**
   * Bot API 9.3: the bot's forum topic mode in private chats (@BotFather), reported as getMe's `has_topics_enabled`.
   * With it on, a private chat has topics: createForumTopic, editForumTopic and deleteForumTopic work there without
   * admin rights, messages carry message_thread_id + is_topic_message; closeForumTopic/reopenForumTopic stay
   * supergroup-only. Default off.
   */
  privateTopics?: boolean;
}

export interface AddGroupOptions {
  id?: number;
  title?: string;
  /** Default 'supergroup'. A basic 'group' is never a forum. */
  type?: 'supergroup' | 'group';
  /** Default true (supergroups only). */
  forum?: boolean;
  /** Default true. */
  botIsAdmin?: boolean;
  /** Default true (only meaningful when the bot is admin). */
  botCanManageTopics?: boolean;
  /** Default true (only meaningful when the bot is admin). */
  botCanDeleteMessages?: boolean;
  username?: string;
  /** The group's creator; default a generated "Owner" user. */
  owner?: UserInput;
  /** Queue the my_chat_member update a bot gets when added to a group. Default false. */
  announce?: boolean;
  /**
   * Someone adds the bot to this (existing) group now: as the Bot API does, the bot gets a my_chat_member update
   * whose `from` is that person (old status left) and, in the group, the service message with `new_chat_members`
   * [the bot] from them. They become a member of the group if they were not one. Implies announce.
   */
  addedBy?: UserInput;
}

export interface UserSendOptions {
  chatId: number;
  from: UserInput;
  text?: string;
  threadId?: number;
  replyTo?: number;
  sticker?: boolean | { emoji?: string };
  voice?: boolean | { bytes?: Buffer; duration?: number };
  videoNote?: boolean | { bytes?: Buffer; duration?: number };
  photo?: { bytes: Buffer; caption?: string };
  document?: { bytes: Buffer; fileName: string; mimeType?: string; caption?: string };
  /** Explicit entities; when omitted Telegram's own detection (commands, mentions, URLs ...) is applied. */
  entities?: unknown[];
  /**
   * An anonymous group admin ("Remain anonymous" on): Telegram shows the message as sent by the group, with
   * `sender_chat` = the group and `from` = @GroupAnonymousBot (1087968824); the person cannot be identified.
   */
  asGroup?: boolean;
  /**
   * A forwarded message: `forward_origin` as the Bot API gives it, `user` with `sender_user`, or `hidden_user` (only
   * `sender_user_name`) when the original author hides their account in forwards.
   */
  forwardedFrom?: UserInput | { hiddenName: string };
}

/** The placeholder user Telegram puts in `from` of messages sent on behalf of a group (anonymous admins). */
export const GROUP_ANONYMOUS_BOT: User = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };

export interface TopicInfo {
  message_thread_id: number;
  name: string;
  closed: boolean;
  deleted: boolean;
  icon_custom_emoji_id?: string;
  icon_color: number;
  createdByBot: boolean;
}

export interface BotRights {
  /** 'restricted': a member an admin took rights from (see canSendMessages). */
  status?: 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  /** Only for 'restricted' (default false): whether it may still send messages. */
  canSendMessages?: boolean;
  canManageTopics?: boolean;
  canDeleteMessages?: boolean;
  canPinMessages?: boolean;
}

export interface RateLimits {
  /** Sends per rolling second over all chats (Telegram: about 30). */
  globalPerSecond?: number;
  /** Sends per rolling second to one private chat (Telegram: about 1, short bursts tolerated). */
  chatPerSecond?: number;
  /** Sends per rolling minute to one group (Telegram: about 20). */
  groupPerMinute?: number;
}

export interface WebhookDelivery {
  updateId: number;
  at: number;
  status?: number;
  error?: string;
}

// ========================================================================================== internal types

interface Msg {
  message_id: number;
  message_thread_id?: number;
  from?: User;
  chat: Chat;
  date: number;
  edit_date?: number;
  is_topic_message?: boolean;
  reply_to_message?: Msg;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  reply_markup?: InlineMarkup;
  [k: string]: unknown;
}

interface InlineMarkup {
  inline_keyboard: Record<string, unknown>[][];
}

interface Stored {
  msg: Msg;
  byBot: boolean;
  deleted: boolean;
  service: boolean;
}

interface Topic {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  deleted: boolean;
  createdByBot: boolean;
}

type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';

interface ChatState {
  id: number;
  kind: 'private' | 'group' | 'supergroup';
  forum: boolean;
  title?: string;
  username?: string;
  chat: Chat;
  owner?: User;
  nextMessageId: number;
  messages: Map<number, Stored>;
  topics: Map<number, Topic>;
  reactions: boolean | Set<string>;
  botReactions: Map<number, string[]>;
  members: Map<number, { user: User; status: MemberStatus }>;
  bot: Required<BotRights>;
  blocked: boolean;
  /** Upgraded to this supergroup: sends here fail 400 with parameters.migrate_to_chat_id. */
  migratedTo?: number;
}

interface StoredFile {
  fileId: string;
  uniqueId: string;
  kind: FileKind;
  bytes: Buffer;
  fileName?: string;
  filePath?: string;
  /** What a message shows for this file (PhotoSize[] for photos), reused when the file is sent again by id. */
  media: unknown;
}

interface Transport {
  isClosed(): boolean;
  onClose(fn: () => void): void;
  drop(): void;
}

type Handler = (p: Params, t: Transport) => unknown;

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

class Aborted extends Error {}

const bad = (d: string) => new ApiError(400, `Bad Request: ${d}`);

// The emoji a bot may react with (ReactionTypeEmoji in the Bot API). Note: "❤" without U+FE0F.
const REACTION_EMOJI = new Set([
  '👍', '👎', '❤', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊', '🤡',
  '🥱', '🥴', '😍', '🐳', '❤‍🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋', '🖕', '😈',
  '😴', '😭', '🤓', '👻', '👨‍💻', '👀', '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃', '💅', '🤪', '🗿',
  '🆒', '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾', '🤷‍♂', '🤷', '🤷‍♀', '😡',
]);

const TOPIC_COLORS = [7322096, 16766590, 13338331, 9367192, 16749490, 16478047];

const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

const SEND_METHODS = new Set([
  'sendMessage', 'sendPhoto', 'sendDocument', 'sendVideo', 'sendAudio', 'sendVoice', 'sendAnimation', 'sendSticker',
  'sendVideoNote', 'sendMediaGroup', 'copyMessage', 'forwardMessage',
]);

const CONTENT_KEYS = [
  'text', 'entities', 'link_preview_options', 'photo', 'document', 'voice', 'sticker', 'video_note', 'video', 'audio',
  'animation', 'caption', 'caption_entities', 'has_media_spoiler',
];

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

const now = () => Math.floor(Date.now() / 1000);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function nested(m: Msg): Msg {
  const c = clone(m);
  delete c.reply_to_message;
  return c;
}

function updateType(u: Record<string, unknown>): string {
  return Object.keys(u).find((k) => k !== 'update_id') ?? 'unknown';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

// ================================================================================================ params

class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly uploads: Map<string, UploadedFile>,
  ) {}

  has(k: string): boolean {
    const v = this.raw[k];
    return v !== undefined && v !== null && v !== '';
  }

  int(k: string): number | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    throw bad(`invalid ${k} specified`);
  }

  str(k: string): string | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }

  bool(k: string): boolean {
    const v = this.raw[k];
    return v === true || v === 'true' || v === 1 || v === '1';
  }

  obj(k: string): Record<string, unknown> | undefined {
    let v = this.raw[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        throw bad(`can't parse ${k} JSON object`);
      }
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`can't parse ${k} JSON object`);
    return v as Record<string, unknown>;
  }

  arr(k: string): unknown[] | undefined {
    let v = this.raw[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        throw bad(`can't parse ${k} JSON array`);
      }
    }
    if (!Array.isArray(v)) throw bad(`can't parse ${k} JSON array`);
    return v;
  }

  /** A file parameter: an upload (attach://x or a part named k), a file_id or an URL. */
  file(k: string, value: unknown = this.raw[k]): { upload?: UploadedFile; ref?: string } | undefined {
    if (typeof value === 'string' && value.startsWith('attach://')) {
      const up = this.uploads.get(value.slice('attach://'.length));
      if (!up) throw bad(`can't find attached file "${value.slice('attach://'.length)}"`);
      return { upload: up };
    }
    if (typeof value === 'string' && value !== '') return { ref: value };
    const up = this.uploads.get(k);
    return up ? { upload: up } : undefined;
  }
}

function fileInfo(f: UploadedFile): UploadedFileInfo {
  return { fileName: f.fileName, size: f.size, contentType: f.contentType };
}

function recordParams(body: ParsedBody): Record<string, unknown> {
  const used = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && v.startsWith('attach://')) {
      const id = v.slice('attach://'.length);
      const up = body.files.get(id);
      if (up) {
        used.add(id);
        return fileInfo(up);
      }
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const out = walk(clone(body.params)) as Record<string, unknown>;
  for (const [name, up] of body.files) if (!used.has(name)) out[name] = fileInfo(up);
  return out;
}

// ============================================================================================= the fake

export class FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: User;
  /** Every API call in arrival order. */
  readonly calls: Call[] = [];
  /** Webhook delivery attempts (only when the bot uses setWebhook). */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  /** Exceptions thrown by the fake itself (bugs in the fake); they answer HTTP 500. */
  readonly internalErrors: unknown[] = [];

  private readonly server: http.Server;
  private privacyMode: boolean;
  private readonly privateTopics: boolean;
  private readonly chats = new Map<number, ChatState>();
  private readonly users = new Map<number, User>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private filePathSeq = 0;
  private readonly sent: { chatId: number; messageId: number }[] = [];
  private readonly callbackQueries = new Map<string, { answered: boolean; at: number }>();
  private callbackSeq = 0;
  private groupSeq = 0;
  private topicColorSeq = 0;

  private pending: Update[] = [];
  private readonly history: Update[] = [];
  private nextUpdateId = 10_001;
  private allowedUpdates: Set<string> | null = null;
  private poller: { finish: (r: Update[] | ApiError) => void; limit: number } | null = null;
  private wakeScheduled = false;

  private webhook: {
    url: string;
    secretToken?: string;
    maxConnections: number;
    ipAddress?: string;
    lastErrorDate?: number;
    lastErrorMessage?: string;
  } | null = null;
  private pumping = false;
  private webhookAbort: AbortController | null = null;

  private readonly faults: { method: string; fault: Fault; remaining: number }[] = [];
  private limits: Required<RateLimits> | null = null;
  private readonly sendTimes: { at: number; chatId: number }[] = [];
  private readonly commands = new Map<string, unknown[]>();
  private readonly botProfile = new Map<string, string>();

  private readonly watchers = new Set<() => void>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;
  private readonly methods: Record<string, Handler>;
  private readonly methodIndex = new Map<string, string>();

  private constructor(server: http.Server, port: number, opts: FakeTelegramOptions) {
    this.server = server;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = opts.token ?? '123456:TEST-token';
    this.bot = {
      id: opts.botId ?? 900001,
      is_bot: true,
      first_name: opts.botName ?? 'Market Bridge',
      username: opts.botUsername ?? 'market_bridge_bot',
    };
    this.users.set(this.bot.id, this.bot);
    this.privacyMode = opts.privacyMode ?? true;
    this.privateTopics = opts.privateTopics ?? false;
    this.methods = this.buildMethods();
    for (const name of Object.keys(this.methods)) this.methodIndex.set(name.toLowerCase(), name);
  }

  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = http.createServer();
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const fake = new FakeTelegram(server, port, opts);
    server.on('request', (req, res) => void fake.onRequest(req, res));
    return fake;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.poller?.finish([]);
    this.webhookAbort?.abort();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    for (const w of [...this.watchers]) w();
    await new Promise((r) => setImmediate(r));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ======================================================================================== the world

  /** A private chat with a user who has started the bot. Chat id = user id. Returns the existing chat if any. */
  addPrivateChat(user: UserInput): Chat {
    const u = this.user(user);
    const existing = this.chats.get(u.id);
    if (existing) return clone(existing.chat);
    const chat = {
      id: u.id,
      type: 'private',
      first_name: u.first_name,
      ...(u.last_name !== undefined ? { last_name: u.last_name } : {}),
      ...(u.username !== undefined ? { username: u.username } : {}),
    } as Chat;
    const cs = this.newChatState(u.id, 'private', chat, this.privateTopics);
    cs.members.set(u.id, { user: u, status: 'member' });
    cs.bot.status = 'member';
    this.chats.set(u.id, cs);
    return clone(chat);
  }

  /** A group with the bot in it. Supergroup ids look like -100xxxxxxxxxx. Defaults: forum, bot admin with topic rights. */
  addGroup(opts: AddGroupOptions = {}): Chat {
    const n = ++this.groupSeq;
    const kind = opts.type ?? 'supergroup';
    const forum = kind === 'supergroup' ? (opts.forum ?? true) : false;
    const id = opts.id ?? (kind === 'supergroup' ? -(1001000000000 + n * 37) : -(4000000000 + n * 37));
    if (this.chats.has(id)) throw new Error(`FakeTelegram.addGroup: chat ${id} already exists`);
    const title = opts.title ?? `Test group ${n}`;
    const chat = (
      kind === 'supergroup'
        ? { id, title, ...(opts.username ? { username: opts.username } : {}), type: 'supergroup', ...(forum ? { is_forum: true } : {}) }
        : { id, title, type: 'group' }
    ) as Chat;
    const cs = this.newChatState(id, kind, chat, forum);
    cs.title = title;
    if (opts.username) cs.username = opts.username;
    cs.nextMessageId = 2; // message 1 is the "group created" service message
    const owner = this.user(opts.owner ?? { id: 7_000_000 + n, first_name: 'Owner', username: `owner_${n}` });
    cs.owner = owner;
    cs.members.set(owner.id, { user: owner, status: 'creator' });
    const admin = opts.botIsAdmin ?? true;
    cs.bot = {
      status: admin ? 'administrator' : 'member',
      canManageTopics: admin && (opts.botCanManageTopics ?? true),
      canDeleteMessages: admin && (opts.botCanDeleteMessages ?? true),
      canPinMessages: admin,
      canSendMessages: true,
    };
    this.chats.set(id, cs);
    const adder = opts.addedBy ? this.user(opts.addedBy) : owner;
    if (opts.addedBy && !cs.members.has(adder.id)) cs.members.set(adder.id, { user: adder, status: 'member' });
    if (opts.announce || opts.addedBy) {
      this.enqueue({
        my_chat_member: {
          chat: clone(chat),
          from: adder,
          date: now(),
          old_chat_member: { status: 'left', user: this.bot },
          new_chat_member: this.memberObject(cs, this.bot.id),
        },
      } as Omit<Update, 'update_id'>);
    }
    if (opts.addedBy) {
      const msg = this.serviceMessage(cs, adder, undefined, { new_chat_members: [clone(this.bot)] });
      this.enqueue({ message: clone(msg) } as Omit<Update, 'update_id'>);
    }
    return clone(chat);
  }

  /** Adds (or changes) a member of a group; e.g. a seller who is an administrator. */
  addMember(chatId: number, user: UserInput, status: 'creator' | 'administrator' | 'member' = 'member'): User {
    const cs = this.mustChat(chatId, 'addMember');
    const u = this.user(user);
    cs.members.set(u.id, { user: u, status });
    return clone(u);
  }

  /** Changes the bot's rights in a group (as an admin promoting/demoting it) and queues my_chat_member. */
  setBotRights(chatId: number, rights: BotRights, opts: { notify?: boolean } = {}): void {
    const cs = this.mustChat(chatId, 'setBotRights');
    const old = this.memberObject(cs, this.bot.id);
    const status = rights.status ?? cs.bot.status;
    const admin = status === 'administrator';
    cs.bot = {
      status,
      canManageTopics: admin && (rights.canManageTopics ?? cs.bot.canManageTopics),
      canDeleteMessages: admin && (rights.canDeleteMessages ?? cs.bot.canDeleteMessages),
      canPinMessages: admin && (rights.canPinMessages ?? cs.bot.canPinMessages),
      canSendMessages: status === 'restricted' ? (rights.canSendMessages ?? false) : true,
    };
    if (opts.notify ?? true) {
      this.enqueue({
        my_chat_member: {
          chat: clone(cs.chat),
          from: cs.owner ?? this.bot,
          date: now(),
          old_chat_member: old,
          new_chat_member: this.memberObject(cs, this.bot.id),
        },
      } as Omit<Update, 'update_id'>);
    }
  }

  /** Private chat: the user blocks (or unblocks) the bot; sends then fail 403 and the user's messages stop arriving. */
  setBotBlocked(chatId: number, blocked: boolean): void {
    this.mustChat(chatId, 'setBotBlocked').blocked = blocked;
  }

  setPrivacyMode(enabled: boolean): void {
    this.privacyMode = enabled;
  }

  /** Enforce Telegram-like flood limits on sends (429 with retry_after). Off by default; null turns it off. */
  setRateLimits(limits: RateLimits | null): void {
    this.limits = limits && {
      globalPerSecond: limits.globalPerSecond ?? 30,
      chatPerSecond: limits.chatPerSecond ?? 1,
      groupPerMinute: limits.groupPerMinute ?? 20,
    };
  }

  /**
   * A person creates a topic: appends the forum_topic_created service message (message_id == thread id) and
   * queues it as a `message` update (service messages reach the bot even in privacy mode) unless `silent`.
   */
  createTopic(
    chatId: number,
    name: string,
    opts: { by?: UserInput; iconColor?: number; iconCustomEmojiId?: string; silent?: boolean } = {},
  ): { message_thread_id: number; name: string } {
    const cs = this.mustChat(chatId, 'createTopic');
    if (!cs.forum) throw new Error(`FakeTelegram.createTopic: chat ${chatId} is not a forum`);
    const by = opts.by ? this.user(opts.by) : (cs.owner ?? this.bot);
    const topic = this.newTopic(cs, name, opts.iconColor, opts.iconCustomEmojiId, false, by);
    if (!opts.silent) {
      const svc = cs.messages.get(topic.message_thread_id);
      if (svc) this.deliverUserMessage(cs, svc.msg, 'message', true);
    }
    return { message_thread_id: topic.message_thread_id, name: topic.name };
  }

  /** A person deletes a topic (and its messages). No update; later sends to it fail "message thread not found". */
  deleteTopic(chatId: number, threadId: number): void {
    const cs = this.mustChat(chatId, 'deleteTopic');
    const topic = cs.topics.get(threadId);
    if (!topic) throw new Error(`FakeTelegram.deleteTopic: no topic ${threadId} in chat ${chatId}`);
    this.removeTopic(cs, topic);
  }

  /** A person closes or reopens a topic: appends forum_topic_closed/reopened and queues it. */
  setTopicClosed(chatId: number, threadId: number, closed: boolean, opts: { by?: UserInput; silent?: boolean } = {}): void {
    const cs = this.mustChat(chatId, 'setTopicClosed');
    const topic = cs.topics.get(threadId);
    if (!topic || topic.deleted) throw new Error(`FakeTelegram.setTopicClosed: no topic ${threadId} in chat ${chatId}`);
    if (topic.closed === closed) return;
    topic.closed = closed;
    const by = opts.by ? this.user(opts.by) : (cs.owner ?? this.bot);
    const svc = this.serviceMessage(cs, by, threadId, closed ? { forum_topic_closed: {} } : { forum_topic_reopened: {} });
    if (!opts.silent) this.deliverUserMessage(cs, svc, 'message', true);
  }

  /** All topics ever created in the chat, deleted ones included (deleted: true). */
  topics(chatId: number): TopicInfo[] {
    const cs = this.mustChat(chatId, 'topics');
    return [...cs.topics.values()].map((t) => {
      const info: TopicInfo = {
        message_thread_id: t.message_thread_id,
        name: t.name,
        closed: t.closed,
        deleted: t.deleted,
        icon_color: t.icon_color,
        createdByBot: t.createdByBot,
      };
      if (t.icon_custom_emoji_id !== undefined) info.icon_custom_emoji_id = t.icon_custom_emoji_id;
      return info;
    });
  }

  // ====================================================================================== users act

  /** A person sends a message. Returns it and queues a `message` update (subject to group privacy mode). */
  userSends(opts: UserSendOptions): Message {
    const from = this.user(opts.from);
    let cs = this.chats.get(opts.chatId);
    if (!cs && opts.chatId === from.id) {
      this.addPrivateChat(from);
      cs = this.chats.get(opts.chatId);
    }
    if (!cs) throw new Error(`FakeTelegram.userSends: unknown chat ${opts.chatId} (addPrivateChat/addGroup first)`);
    if (cs.migratedTo !== undefined) throw new Error(`FakeTelegram.userSends: chat ${cs.id} was upgraded to ${cs.migratedTo}`);
    if (cs.kind !== 'private' && !cs.members.has(from.id)) cs.members.set(from.id, { user: from, status: 'member' });
    if (opts.asGroup && cs.kind === 'private') throw new Error('FakeTelegram.userSends: asGroup needs a group');

    let threadId = opts.threadId;
    let replyTo: Stored | undefined;
    if (opts.replyTo !== undefined) {
      replyTo = cs.messages.get(opts.replyTo);
      if (!replyTo || replyTo.deleted) throw new Error(`FakeTelegram.userSends: message ${opts.replyTo} not found in chat ${cs.id}`);
      const rThread = replyTo.msg.is_topic_message ? replyTo.msg.message_thread_id : undefined;
      if (cs.forum) {
        if (threadId === undefined) threadId = rThread;
        else if (threadId !== rThread) {
          throw new Error(`FakeTelegram.userSends: message ${opts.replyTo} is not in topic ${threadId}`);
        }
      }
    }
    if (threadId !== undefined) {
      if (cs.forum) {
        const topic = cs.topics.get(threadId);
        if (!topic || topic.deleted) throw new Error(`FakeTelegram.userSends: no topic ${threadId} in chat ${cs.id}`);
      } else if (cs.kind !== 'supergroup') {
        throw new Error(`FakeTelegram.userSends: threadId needs a supergroup`);
      }
    }

    const content: Record<string, unknown> = {};
    const explicit = opts.entities as MessageEntity[] | undefined;
    const withText = (key: 'text' | 'caption', text: string) => {
      content[key] = text;
      const ents = explicit ?? detectEntities(text);
      if (ents.length) content[key === 'text' ? 'entities' : 'caption_entities'] = clone(ents);
    };
    if (opts.photo) {
      content.photo = this.createMedia('photo', opts.photo.bytes, undefined, undefined, true);
      const cap = opts.photo.caption ?? opts.text;
      if (cap) withText('caption', cap);
    } else if (opts.document) {
      content.document = this.createMedia('document', opts.document.bytes, opts.document.fileName, opts.document.mimeType, true);
      const cap = opts.document.caption ?? opts.text;
      if (cap) withText('caption', cap);
    } else if (opts.sticker) {
      const st = this.createMedia('sticker', Buffer.from('RIFF\0\0\0\0WEBPVP8 fake-sticker'), undefined, undefined, true) as Record<string, unknown>;
      st.emoji = (typeof opts.sticker === 'object' && opts.sticker.emoji) || '👍';
      content.sticker = st;
    } else if (opts.voice) {
      const o = typeof opts.voice === 'object' ? opts.voice : {};
      const v = this.createMedia('voice', o.bytes ?? Buffer.from('OggS\0fake-voice-bytes'), undefined, undefined, true) as Record<string, unknown>;
      if (o.duration !== undefined) v.duration = o.duration;
      content.voice = v;
    } else if (opts.videoNote) {
      const o = typeof opts.videoNote === 'object' ? opts.videoNote : {};
      const v = this.createMedia('video_note', o.bytes ?? Buffer.from('\0\0\0\x18ftypmp42fake-video-note'), undefined, undefined, true) as Record<string, unknown>;
      if (o.duration !== undefined) v.duration = o.duration;
      content.video_note = v;
    } else if (opts.text !== undefined) {
      withText('text', opts.text);
    } else {
      throw new Error('FakeTelegram.userSends: give text, photo, document, sticker, voice or videoNote');
    }

    const fwd = opts.forwardedFrom;
    if (fwd) {
      content.forward_origin =
        'hiddenName' in fwd
          ? { type: 'hidden_user', sender_user_name: fwd.hiddenName, date: now() }
          : { type: 'user', sender_user: clone(this.user(fwd)), date: now() };
    }
    const msg = opts.asGroup
      ? this.compose(cs, this.user(GROUP_ANONYMOUS_BOT), { threadId, replyTo }, { sender_chat: clone(cs.chat), ...content })
      : this.compose(cs, from, { threadId, replyTo }, content);
    this.store(cs, msg, false);
    this.deliverUserMessage(cs, msg, 'message', false);
    return clone(msg) as unknown as Message;
  }

  /**
   * The owner upgrades a basic group to a supergroup (turning on Topics does this). As in the Bot API: the
   * supergroup is a NEW chat with a new -100… id and its own message numbering (its first message is the
   * migrate_from_chat_id service message); the old group stays, but every send to it fails 400 "group chat was
   * upgraded to a supergroup chat" with parameters.migrate_to_chat_id. The bot gets a message with
   * migrate_to_chat_id in the old group, then one with migrate_from_chat_id in the new one. Members and the bot's
   * rights carry over. `silent`: the bot gets neither message (it missed them). Returns the new chat.
   */
  upgradeToSupergroup(chatId: number, opts: { forum?: boolean; id?: number; by?: UserInput; silent?: boolean } = {}): Chat {
    const old = this.mustChat(chatId, 'upgradeToSupergroup');
    if (old.kind !== 'group') throw new Error(`FakeTelegram.upgradeToSupergroup: chat ${chatId} is not a basic group`);
    if (old.migratedTo !== undefined) throw new Error(`FakeTelegram.upgradeToSupergroup: chat ${chatId} was upgraded already`);
    const id = opts.id ?? -(1002000000000 + ++this.groupSeq * 41);
    if (this.chats.has(id)) throw new Error(`FakeTelegram.upgradeToSupergroup: chat ${id} already exists`);
    const forum = opts.forum ?? true;
    const chat = { id, title: old.title, type: 'supergroup', ...(forum ? { is_forum: true } : {}) } as Chat;
    const cs = this.newChatState(id, 'supergroup', chat, forum);
    cs.title = old.title;
    cs.owner = old.owner;
    for (const [uid, m] of old.members) cs.members.set(uid, { ...m });
    cs.bot = { ...old.bot };
    this.chats.set(id, cs);
    const by = opts.by ? this.user(opts.by) : (old.owner ?? this.bot);
    const to = this.serviceMessage(old, by, undefined, { migrate_to_chat_id: id });
    old.migratedTo = id;
    const from = this.serviceMessage(cs, by, undefined, { migrate_from_chat_id: old.id });
    // silent: the bot missed both (it was stopped longer than Telegram keeps updates).
    if (!opts.silent) {
      this.deliverUserMessage(old, to, 'message', true);
      this.deliverUserMessage(cs, from, 'message', true);
    }
    return clone(chat);
  }

  /** A person edits their message; queues `edited_message` with `edit_date`. */
  userEdits(opts: { chatId: number; messageId: number; text: string }): Message {
    const cs = this.mustChat(opts.chatId, 'userEdits');
    const s = cs.messages.get(opts.messageId);
    if (!s || s.deleted) throw new Error(`FakeTelegram.userEdits: message ${opts.messageId} not found in chat ${opts.chatId}`);
    if (s.byBot) throw new Error(`FakeTelegram.userEdits: message ${opts.messageId} was sent by the bot`);
    const m = s.msg;
    if (m.text !== undefined) {
      m.text = opts.text;
      const ents = detectEntities(opts.text);
      if (ents.length) m.entities = ents;
      else delete m.entities;
    } else if (m.caption !== undefined || m.photo || m.document) {
      m.caption = opts.text;
      const ents = detectEntities(opts.text);
      if (ents.length) m.caption_entities = ents;
      else delete m.caption_entities;
    } else throw new Error(`FakeTelegram.userEdits: message ${opts.messageId} has no text or caption`);
    m.edit_date = Math.max(now(), m.date);
    this.deliverUserMessage(cs, m, 'edited_message', false);
    return clone(m) as unknown as Message;
  }

  /**
   * A person presses an inline button; queues a `callback_query`. Returns the callback query id.
   * Throws if the message has no button with that callback_data, unless `force`.
   */
  userPressesButton(opts: { chatId: number; messageId: number; from: UserInput; data: string; force?: boolean }): string {
    const cs = this.mustChat(opts.chatId, 'userPressesButton');
    const s = cs.messages.get(opts.messageId);
    if (!s || s.deleted) throw new Error(`FakeTelegram.userPressesButton: message ${opts.messageId} not found in chat ${opts.chatId}`);
    const buttons = (s.msg.reply_markup?.inline_keyboard ?? []).flat();
    if (!opts.force && !buttons.some((b) => b.callback_data === opts.data)) {
      throw new Error(
        `FakeTelegram.userPressesButton: message ${opts.messageId} has no button with callback_data ${JSON.stringify(opts.data)} ` +
          `(buttons: ${JSON.stringify(buttons.map((b) => b.callback_data))})`,
      );
    }
    const id = (4_300_000_000_000_000_000n + BigInt(++this.callbackSeq) * 7_919n).toString();
    this.callbackQueries.set(id, { answered: false, at: Date.now() });
    const from = this.user(opts.from);
    this.enqueue({
      callback_query: {
        id,
        from,
        message: clone(s.msg) as unknown as Message,
        chat_instance: String(BigInt(Math.abs(cs.id)) * 2_654_435_761n % 9_000_000_000_000_000_000n),
        data: opts.data,
      },
    } as Omit<Update, 'update_id'>);
    return id;
  }

  /** Queues a raw update (update_id assigned unless given). Returns its update_id. */
  injectUpdate(update: Omit<Update, 'update_id'> | Update): number {
    const u = update as Partial<Update>;
    return this.enqueue(update as Omit<Update, 'update_id'>, typeof u.update_id === 'number' ? u.update_id : undefined);
  }

  // ================================================================================== what the bot did

  /** Messages the bot sent (send*, copyMessage, forwardMessage), in order, as they are now (edits applied, deleted ones included). */
  botMessages(chatId?: number, threadId?: number): Message[] {
    const out: Message[] = [];
    for (const ref of this.sent) {
      if (chatId !== undefined && ref.chatId !== chatId) continue;
      const s = this.chats.get(ref.chatId)?.messages.get(ref.messageId);
      if (!s) continue;
      if (threadId !== undefined && s.msg.message_thread_id !== threadId) continue;
      out.push(clone(s.msg) as unknown as Message);
    }
    return out;
  }

  /** All messages of a chat that still exist (users', the bot's, service messages), by message_id. */
  messages(chatId: number, threadId?: number): Message[] {
    const cs = this.mustChat(chatId, 'messages');
    return [...cs.messages.values()]
      .filter((s) => !s.deleted && (threadId === undefined || s.msg.message_thread_id === threadId))
      .sort((a, b) => a.msg.message_id - b.msg.message_id)
      .map((s) => clone(s.msg) as unknown as Message);
  }

  /** One message as it is now; undefined if it never existed or was deleted. */
  message(chatId: number, messageId: number): Message | undefined {
    const s = this.chats.get(chatId)?.messages.get(messageId);
    return s && !s.deleted ? (clone(s.msg) as unknown as Message) : undefined;
  }

  /** Emoji currently set by the bot on that message. */
  /** The bytes of a stored file (a picture the bot sent, say), by any of its file ids. */
  fileBytes(fileId: string): Buffer | undefined {
    return this.files.get(fileId)?.bytes;
  }

  reactions(chatId: number, messageId: number): string[] {
    return [...(this.chats.get(chatId)?.botReactions.get(messageId) ?? [])];
  }

  /** Every update ever queued (delivered or not), in queue order. */
  allUpdates(): Update[] {
    return clone(this.history);
  }

  /** The id of the update queued last (without copying the history, which the benchmark makes long). */
  lastUpdateId(): number | undefined {
    return this.history.at(-1)?.update_id;
  }

  /** Drops the record of past calls and queued updates (the benchmark's long runs; the world itself is kept). */
  forgetHistory(): void {
    this.calls.length = 0;
    this.history.length = 0;
  }

  /** Updates not yet confirmed by a getUpdates offset (or a 2xx webhook answer). */
  pendingUpdates(): number {
    return this.pending.length;
  }

  /** Resolves once `updateId` (default: the latest queued) has been confirmed, i.e. the bot asked for the next batch. */
  waitForConfirmed(updateId?: number, timeoutMs = 5000): Promise<void> {
    const target = updateId ?? this.nextUpdateId - 1;
    return this.waitUntil(
      () => (this.pending.some((u) => u.update_id <= target) ? undefined : true),
      timeoutMs,
      () => `update ${target} to be confirmed (pending: ${this.pending.map((u) => u.update_id).join(', ') || 'none'})`,
    ).then(() => undefined);
  }

  /** First completed call (existing or future) of `method` matching `pred`. */
  waitForCall(method: string, pred?: (c: Call) => boolean, timeoutMs = 5000): Promise<Call> {
    return this.waitUntil(
      () => this.calls.find((c) => c.done && c.method === method && (!pred || pred(c))),
      timeoutMs,
      () => `a ${method} call${pred ? ' matching the predicate' : ''}`,
    );
  }

  /** First bot message (existing or future, edits included) matching `pred`. */
  waitForBotMessage(pred: (m: Message) => boolean, timeoutMs = 5000): Promise<Message> {
    return this.waitUntil(() => this.botMessages().find(pred), timeoutMs, () => 'a bot message matching the predicate');
  }

  // ============================================================================================ faults

  /** The next `times` calls of `method` fail with `fault`. '*' matches any method except getUpdates. */
  failNext(method: string | '*', fault: Fault, times = 1): void {
    this.faults.push({ method, fault, remaining: times });
  }

  /** Drops every fault queued by failNext and not yet used; returns how many calls they would still have failed. */
  clearFaults(): number {
    const left = this.faults.reduce((n, f) => n + f.remaining, 0);
    this.faults.length = 0;
    return left;
  }

  /** When false, setMessageReaction fails 400 "Bad Request: REACTION_INVALID" in this chat; a list allows only those emoji. */
  setReactionsAllowed(chatId: number, allowed: boolean | string[]): void {
    this.mustChat(chatId, 'setReactionsAllowed').reactions = typeof allowed === 'boolean' ? allowed : new Set(allowed);
  }

  // ================================================================================== internals: world

  private user(u: UserInput): User {
    const prev = this.users.get(u.id);
    const merged: User = {
      ...(prev ?? { id: u.id, is_bot: false, first_name: `User ${u.id}` }),
      ...Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined)),
    } as User;
    if (merged.is_bot === undefined) merged.is_bot = false;
    this.users.set(u.id, merged);
    return clone(merged);
  }

  private newChatState(id: number, kind: ChatState['kind'], chat: Chat, forum: boolean): ChatState {
    return {
      id,
      kind,
      forum,
      chat,
      nextMessageId: 1,
      messages: new Map(),
      topics: new Map(),
      reactions: true,
      botReactions: new Map(),
      members: new Map(),
      bot: { status: 'member', canManageTopics: false, canDeleteMessages: false, canPinMessages: false, canSendMessages: true },
      blocked: false,
    };
  }

  private mustChat(chatId: number, who: string): ChatState {
    const cs = this.chats.get(chatId);
    if (!cs) throw new Error(`FakeTelegram.${who}: unknown chat ${chatId}`);
    return cs;
  }

  private newTopic(cs: ChatState, name: string, color: number | undefined, emoji: string | undefined, byBot: boolean, by: User): Topic {
    const id = cs.nextMessageId++;
    const icon_color = color ?? TOPIC_COLORS[this.topicColorSeq++ % TOPIC_COLORS.length] ?? TOPIC_COLORS[0]!;
    const topic: Topic = { message_thread_id: id, name, icon_color, closed: false, deleted: false, createdByBot: byBot };
    if (emoji !== undefined) topic.icon_custom_emoji_id = emoji;
    cs.topics.set(id, topic);
    const created: Record<string, unknown> = { name, icon_color };
    if (emoji !== undefined) created.icon_custom_emoji_id = emoji;
    const msg: Msg = {
      message_id: id,
      message_thread_id: id,
      from: by,
      chat: clone(cs.chat),
      date: now(),
      is_topic_message: true,
      forum_topic_created: created,
    };
    cs.messages.set(id, { msg, byBot, deleted: false, service: true });
    return topic;
  }

  private removeTopic(cs: ChatState, topic: Topic): void {
    topic.deleted = true;
    for (const s of cs.messages.values()) {
      if (s.msg.is_topic_message && s.msg.message_thread_id === topic.message_thread_id) {
        s.deleted = true;
        cs.botReactions.delete(s.msg.message_id);
      }
    }
  }

  /** A service message in a topic (or General when threadId undefined). */
  private serviceMessage(cs: ChatState, from: User, threadId: number | undefined, content: Record<string, unknown>): Msg {
    const msg: Msg = { message_id: cs.nextMessageId++, from, chat: clone(cs.chat), date: now() };
    if (threadId !== undefined && cs.forum) {
      msg.message_thread_id = threadId;
      msg.is_topic_message = true;
      const root = cs.messages.get(threadId);
      if (root) msg.reply_to_message = nested(root.msg);
    }
    Object.assign(msg, content);
    cs.messages.set(msg.message_id, { msg, byBot: from.id === this.bot.id, deleted: false, service: true });
    return msg;
  }

  /** Builds a message with the thread/reply fields Telegram sets. */
  private compose(cs: ChatState, from: User, place: { threadId?: number | undefined; replyTo?: Stored | undefined }, content: Record<string, unknown>): Msg {
    const msg: Msg = { message_id: cs.nextMessageId++, from, chat: clone(cs.chat), date: now() };
    const { threadId, replyTo } = place;
    if (cs.forum && threadId !== undefined) {
      msg.message_thread_id = threadId;
      msg.is_topic_message = true;
      // Not an explicit reply: Telegram still sets reply_to_message to the topic's forum_topic_created message.
      const target = replyTo ?? cs.messages.get(threadId);
      if (target) msg.reply_to_message = nested(target.msg);
    } else if (cs.kind === 'supergroup' && !cs.forum) {
      // Replies in ordinary supergroups belong to a "thread" too: message_thread_id without is_topic_message.
      if (threadId !== undefined) msg.message_thread_id = threadId;
      else if (replyTo) msg.message_thread_id = replyTo.msg.message_thread_id ?? replyTo.msg.message_id;
      if (replyTo) msg.reply_to_message = nested(replyTo.msg);
    } else if (replyTo) {
      msg.reply_to_message = nested(replyTo.msg);
    }
    Object.assign(msg, content);
    return msg;
  }

  private store(cs: ChatState, msg: Msg, byBot: boolean): Stored {
    const s: Stored = { msg, byBot, deleted: false, service: false };
    cs.messages.set(msg.message_id, s);
    if (byBot) {
      this.sent.push({ chatId: cs.id, messageId: msg.message_id });
      this.notify();
    }
    return s;
  }

  /** Would the bot get this message from a group, given privacy mode and its rights? */
  private botSees(cs: ChatState, msg: Msg, service: boolean): boolean {
    if (cs.kind === 'private') return !cs.blocked;
    if (cs.bot.status === 'left' || cs.bot.status === 'kicked') return false;
    if (service || cs.bot.status === 'administrator' || !this.privacyMode) return true;
    const text = msg.text ?? msg.caption ?? '';
    const ents = msg.entities ?? msg.caption_entities ?? [];
    const username = (this.bot.username ?? '').toLowerCase();
    for (const e of ents) {
      const s = text.slice(e.offset, e.offset + e.length).toLowerCase();
      if (e.type === 'bot_command') {
        const at = s.indexOf('@');
        if (at < 0 || s.slice(at + 1) === username) return true;
      }
      if (e.type === 'mention' && s === `@${username}`) return true;
      if (e.type === 'text_mention' && (e as { user?: User }).user?.id === this.bot.id) return true;
    }
    const r = msg.reply_to_message;
    // An explicit reply to one of the bot's messages (a topic's own service message does not count as a reply).
    if (r && r.from?.id === this.bot.id && !r.forum_topic_created) return true;
    return false;
  }

  private deliverUserMessage(cs: ChatState, msg: Msg, kind: 'message' | 'edited_message', service: boolean): void {
    if (!this.botSees(cs, msg, service)) return;
    this.enqueue({ [kind]: clone(msg) } as unknown as Omit<Update, 'update_id'>);
  }

  private memberObject(cs: ChatState, userId: number): Record<string, unknown> & { status: string; user: User } {
    if (userId === this.bot.id) {
      const b = cs.bot;
      if (b.status === 'administrator') {
        return {
          status: 'administrator',
          user: clone(this.bot),
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: b.canDeleteMessages,
          can_manage_video_chats: false,
          can_restrict_members: false,
          can_promote_members: false,
          can_change_info: false,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          can_pin_messages: b.canPinMessages,
          ...(cs.kind === 'supergroup' ? { can_manage_topics: b.canManageTopics } : {}),
        };
      }
      if (b.status === 'kicked') return { status: 'kicked', user: clone(this.bot), until_date: 0 };
      if (b.status === 'restricted') {
        const can = b.canSendMessages;
        return {
          status: 'restricted',
          user: clone(this.bot),
          is_member: true,
          until_date: 0,
          can_send_messages: can,
          can_send_audios: can,
          can_send_documents: can,
          can_send_photos: can,
          can_send_videos: can,
          can_send_video_notes: can,
          can_send_voice_notes: can,
          can_send_polls: can,
          can_send_other_messages: can,
          can_add_web_page_previews: can,
          can_change_info: false,
          can_invite_users: false,
          can_pin_messages: false,
          can_manage_topics: false,
        };
      }
      return { status: b.status, user: clone(this.bot) };
    }
    const m = cs.members.get(userId);
    const user = m?.user ?? this.users.get(userId);
    if (!user) throw bad('user not found');
    if (!m) return { status: 'left', user: clone(user) };
    if (m.status === 'creator') return { status: 'creator', user: clone(m.user), is_anonymous: false };
    if (m.status === 'administrator') {
      return {
        status: 'administrator',
        user: clone(m.user),
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
        ...(cs.kind === 'supergroup' ? { can_manage_topics: true } : {}),
      };
    }
    if (m.status === 'kicked') return { status: 'kicked', user: clone(m.user), until_date: 0 };
    return { status: m.status, user: clone(m.user) };
  }

  // ================================================================================= internals: files

  private registerFile(kind: FileKind, bytes: Buffer, fileName: string | undefined, media: unknown, fileId: string, uniqueId: string): StoredFile {
    const f: StoredFile = { fileId, uniqueId, kind, bytes, media };
    if (fileName !== undefined) f.fileName = fileName;
    this.files.set(fileId, f);
    return f;
  }

  /** Creates the message-side object for new file bytes (PhotoSize[] for photos) and stores the file. */
  private createMedia(kind: FileKind, bytes: Buffer, fileName: string | undefined, mimeType: string | undefined, fromUser: boolean): unknown {
    const fileId = makeFileId(kind);
    const uniqueId = makeFileUniqueId(kind);
    const size = bytes.length;
    if (kind === 'photo') {
      const info = imageInfo(bytes);
      if (!info && !fromUser) throw bad('IMAGE_PROCESS_FAILED');
      const w = info && info.width > 0 ? info.width : 1280;
      const h = info && info.height > 0 ? info.height : 960;
      const maxDim = Math.max(w, h);
      const sizes: Record<string, unknown>[] = [];
      for (const t of [90, 320, 800]) {
        if (t >= Math.min(maxDim, 1280)) break;
        const k = t / maxDim;
        const sid = makeFileId('photo');
        const sUnique = makeFileUniqueId('photo');
        const ps = {
          file_id: sid,
          file_unique_id: sUnique,
          file_size: Math.max(1, Math.round(size * k * k)),
          width: Math.max(1, Math.round(w * k)),
          height: Math.max(1, Math.round(h * k)),
        };
        sizes.push(ps);
      }
      const k = Math.min(1, 1280 / maxDim);
      sizes.push({ file_id: fileId, file_unique_id: uniqueId, file_size: size, width: Math.round(w * k), height: Math.round(h * k) });
      for (const ps of sizes) this.registerFile('photo', bytes, undefined, sizes, ps.file_id as string, ps.file_unique_id as string);
      return clone(sizes);
    }
    let media: Record<string, unknown>;
    switch (kind) {
      case 'document': {
        const name = fileName ?? 'document.dat';
        media = { file_name: name, mime_type: mimeType ?? guessMime(name), file_id: fileId, file_unique_id: uniqueId, file_size: size };
        break;
      }
      case 'voice':
        media = { duration: Math.max(1, Math.round(size / 2000)), mime_type: 'audio/ogg', file_id: fileId, file_unique_id: uniqueId, file_size: size };
        break;
      case 'sticker':
        media = {
          width: 512,
          height: 512,
          emoji: '👍',
          set_name: 'FakeStickers',
          is_animated: false,
          is_video: false,
          type: 'regular',
          file_id: fileId,
          file_unique_id: uniqueId,
          file_size: size,
        };
        break;
      case 'video_note':
        media = { duration: Math.max(1, Math.round(size / 50000)), length: 384, file_id: fileId, file_unique_id: uniqueId, file_size: size };
        break;
      case 'video':
      case 'animation':
        media = {
          duration: 1,
          width: 640,
          height: 360,
          file_name: fileName ?? `${kind}.mp4`,
          mime_type: 'video/mp4',
          file_id: fileId,
          file_unique_id: uniqueId,
          file_size: size,
        };
        break;
      case 'audio':
        media = {
          duration: 1,
          file_name: fileName ?? 'audio.mp3',
          mime_type: mimeType ?? guessMime(fileName ?? 'audio.mp3'),
          file_id: fileId,
          file_unique_id: uniqueId,
          file_size: size,
        };
        break;
      default:
        throw new Error(`unsupported media kind ${kind as string}`);
    }
    this.registerFile(kind, bytes, fileName, media, fileId, uniqueId);
    return clone(media);
  }

  private async fetchUrl(url: string, kind: FileKind): Promise<{ bytes: Buffer; fileName: string; mime: string | undefined }> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw bad('wrong file identifier/HTTP URL specified');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad('wrong file identifier/HTTP URL specified');
    // The fake has no network: only loopback URLs (other fakes in the test) can be fetched.
    if (!isLoopback(u.hostname)) throw bad('failed to get HTTP URL content');
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch {
      throw bad('failed to get HTTP URL content');
    }
    if (!res.ok) throw bad('failed to get HTTP URL content');
    const bytes = Buffer.from(await res.arrayBuffer());
    const disp = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
    let fileName = decodeURIComponent(disp ?? u.pathname.split('/').pop() ?? '') || `file.${defaultExt(kind)}`;
    if (fileName.length > 255) fileName = fileName.slice(-255);
    const mime = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
    if (kind === 'photo' && !imageInfo(bytes)) throw bad('wrong type of the web page content');
    if (kind === 'document') {
      // "In sendDocument, sending by URL will currently only work for GIF, PDF and ZIP files."
      const m = mime && mime !== 'application/octet-stream' ? mime : guessMime(fileName);
      if (!['application/pdf', 'application/zip', 'image/gif'].includes(m)) throw bad('wrong type of the web page content');
    }
    return { bytes, fileName, mime };
  }

  /** Resolves a file parameter (upload, file_id, URL) to the message-side media object. */
  private async materialize(kind: FileKind, input: { upload?: UploadedFile; ref?: string }): Promise<unknown> {
    if (input.upload) {
      if (input.upload.size === 0) throw bad('file must be non-empty');
      return this.createMedia(kind, input.upload.bytes, input.upload.fileName, undefined, false);
    }
    const ref = input.ref ?? '';
    if (/^https?:\/\//i.test(ref)) {
      const got = await this.fetchUrl(ref, kind);
      if (got.bytes.length === 0) throw bad('failed to get HTTP URL content');
      return this.createMedia(kind, got.bytes, got.fileName, kind === 'document' ? got.mime : undefined, false);
    }
    const f = this.files.get(ref);
    if (!f) throw bad('wrong file identifier/HTTP URL specified');
    if (f.kind !== kind) {
      const title = (k: string) => k.split('_').map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
      throw bad(`can't use file of type ${title(f.kind)} as ${title(kind)}`);
    }
    return clone(f.media);
  }

  // ================================================================================ internals: updates

  private enqueue(partial: Omit<Update, 'update_id'>, explicitId?: number): number {
    const id = explicitId ?? this.nextUpdateId++;
    if (id >= this.nextUpdateId) this.nextUpdateId = id + 1;
    const update = { update_id: id, ...clone(partial) } as Update;
    this.pending.push(update);
    // Ids almost always arrive in order; sorting only when one did not keeps big backlogs cheap (benchmark).
    const n = this.pending.length;
    if (n > 1 && this.pending[n - 2]!.update_id > id) this.pending.sort((a, b) => a.update_id - b.update_id);
    this.history.push(clone(update));
    this.scheduleWake();
    return id;
  }

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    // setImmediate: updates queued in the same tick go out in one batch, as they would from Telegram.
    setImmediate(() => {
      this.wakeScheduled = false;
      if (this.stopped) return;
      if (this.poller) {
        const ready = this.collect(this.poller.limit);
        if (ready.length) this.poller.finish(ready);
      }
      if (this.webhook) void this.pumpWebhook();
    });
  }

  private allowed(u: Update): boolean {
    const t = updateType(u as unknown as Record<string, unknown>);
    return this.allowedUpdates ? this.allowedUpdates.has(t) : !DEFAULT_EXCLUDED_UPDATES.has(t);
  }

  private collect(limit: number): Update[] {
    return this.pending.filter((u) => this.allowed(u)).slice(0, limit).map((u) => clone(u));
  }

  private confirm(offset: number): void {
    const before = this.pending.length;
    this.pending = this.pending.filter((u) => u.update_id >= offset);
    if (this.pending.length !== before) this.notify();
  }

  private async pumpWebhook(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let backoff = 50;
    try {
      while (!this.stopped && this.webhook) {
        const next = this.collect(1)[0];
        if (!next) break;
        const wh = this.webhook;
        const attempt: WebhookDelivery = { updateId: next.update_id, at: Date.now() };
        this.webhookDeliveries.push(attempt);
        const ac = new AbortController();
        this.webhookAbort = ac;
        const timer = setTimeout(() => ac.abort(), 10_000);
        let okDelivery = false;
        let reply: unknown;
        try {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (wh.secretToken) headers['x-telegram-bot-api-secret-token'] = wh.secretToken;
          const r = await fetch(wh.url, { method: 'POST', headers, body: JSON.stringify(next), signal: ac.signal });
          const text = await r.text();
          attempt.status = r.status;
          if (r.ok) {
            okDelivery = true;
            try {
              reply = text ? JSON.parse(text) : undefined;
            } catch {
              reply = undefined;
            }
          } else {
            attempt.error = `Wrong response from the webhook: ${r.status} ${r.statusText}`;
          }
        } catch (e) {
          attempt.error = ac.signal.aborted ? 'Timeout expired' : `Connection failed: ${(e as Error).message}`;
        } finally {
          clearTimeout(timer);
        }
        if (okDelivery) {
          this.pending = this.pending.filter((u) => u.update_id !== next.update_id);
          this.notify();
          backoff = 50;
          if (reply && typeof reply === 'object' && typeof (reply as { method?: unknown }).method === 'string') {
            const { method, ...params } = reply as { method: string } & Record<string, unknown>;
            await this.executeInternal(method, params);
          }
        } else {
          wh.lastErrorDate = now();
          wh.lastErrorMessage = attempt.error ?? 'unknown error';
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, 2000);
        }
      }
    } finally {
      this.pumping = false;
      this.webhookAbort = null;
    }
  }

  // ============================================================================ internals: waiting

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  private waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      const watcher = () => {
        const v = check();
        if (v !== undefined) {
          done();
          resolve(v);
        } else if (this.stopped) {
          done();
          reject(new Error(`FakeTelegram stopped while waiting for ${what()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`FakeTelegram: timed out after ${timeoutMs} ms waiting for ${what()}.\n${this.describeRecentCalls()}`));
      }, timeoutMs);
      this.watchers.add(watcher);
    });
  }

  /** Human-readable tail of `calls`, for timeout messages. */
  describeRecentCalls(n = 20): string {
    const tail = this.calls.slice(-n);
    if (!tail.length) return 'No API calls were made.';
    const lines = tail.map((c) => {
      let p = JSON.stringify(c.params);
      if (p.length > 200) p = `${p.slice(0, 200)}…`;
      const state = !c.done ? 'pending' : c.ok ? 'ok' : `ERROR ${c.errorCode ?? ''} ${c.error ?? ''}`.trim();
      return `  ${new Date(c.at).toISOString().slice(11, 23)} ${c.method} ${p} -> ${state}`;
    });
    return `Last ${tail.length} of ${this.calls.length} API calls:\n${lines.join('\n')}`;
  }

  // ================================================================================= internals: HTTP

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const api = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
      if (api) {
        await this.onApi(req, res, decodeURIComponent(api[1] ?? ''), decodeURIComponent(api[2] ?? ''), url);
        return;
      }
      const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
      if (file && (req.method === 'GET' || req.method === 'HEAD')) {
        this.onFile(res, decodeURIComponent(file[1] ?? ''), decodeURIComponent(file[2] ?? ''), req.method === 'HEAD');
        return;
      }
      this.send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    } catch (e) {
      this.internalErrors.push(e);
      console.error('FakeTelegram internal error:', e);
      if (!res.headersSent) this.send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(e)}` });
      else res.destroy();
    }
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private onFile(res: http.ServerResponse, token: string, path: string, head: boolean): void {
    if (token !== this.token) {
      this.send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const f = this.filesByPath.get(path);
    if (!f) {
      this.send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.bytes.length });
    res.end(head ? undefined : f.bytes);
  }

  private async onApi(req: http.IncomingMessage, res: http.ServerResponse, token: string, name: string, url: URL): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readRawBody(req);
    } catch {
      return; // the client went away mid-request
    }
    let parsed: ParsedBody = { params: {}, files: new Map() };
    let bodyError: string | undefined;
    try {
      parsed = parseBody(req.headers['content-type'], raw, url.searchParams);
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      bodyError = e.message;
    }
    let closed = false;
    const closeFns: (() => void)[] = [];
    res.on('close', () => {
      if (res.writableEnded) return;
      closed = true;
      for (const f of closeFns) f();
    });
    const transport: Transport = {
      isClosed: () => closed,
      onClose: (fn) => {
        if (closed) fn();
        else closeFns.push(fn);
      },
      drop: () => req.socket.destroy(),
    };
    const out = await this.execute(name, token, parsed, bodyError, transport);
    if (out && !closed) this.send(res, out.status, out.body);
  }

  private async executeInternal(method: string, params: Record<string, unknown>): Promise<void> {
    const transport: Transport = { isClosed: () => false, onClose: () => {}, drop: () => {} };
    await this.execute(method, this.token, { params, files: new Map() }, undefined, transport);
  }

  private takeFault(method: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.method === method || (f.method === '*' && method !== 'getUpdates'));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    if (--f.remaining <= 0) this.faults.splice(i, 1);
    return f.fault;
  }

  /** Runs one API call; returns the HTTP answer, or null when there is none to send (dropped/aborted). */
  private async execute(
    name: string,
    token: string,
    parsed: ParsedBody,
    bodyError: string | undefined,
    transport: Transport,
  ): Promise<{ status: number; body: unknown } | null> {
    const canonical = this.methodIndex.get(name.toLowerCase());
    const call: Call = { method: canonical ?? name, params: recordParams(parsed), at: hrNow(), ok: false, done: false };
    this.calls.push(call);
    const fail = (e: ApiError) => {
      call.ok = false;
      call.error = e.description;
      call.errorCode = e.code;
      call.done = true;
      call.doneAt = hrNow();
      this.notify();
      const body: Record<string, unknown> = { ok: false, error_code: e.code, description: e.description };
      if (e.parameters) body.parameters = e.parameters;
      return { status: e.code, body };
    };
    const gone = (why: string) => {
      call.ok = false;
      call.error = why;
      call.done = true;
      call.doneAt = hrNow();
      this.notify();
      return null;
    };
    if (token !== this.token) return fail(new ApiError(401, 'Unauthorized'));
    if (!canonical) return fail(new ApiError(404, 'Not Found: method not found'));
    if (bodyError) return fail(new ApiError(400, bodyError));
    if (this.stopped) return fail(new ApiError(500, 'Internal Server Error: fake stopped'));

    const fault = this.takeFault(canonical);
    if (fault) {
      if (fault.kind === 'status') {
        if (fault.code === 429) {
          const n = fault.retryAfter;
          return fail(new ApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n }));
        }
        const defaults: Record<number, string> = {
          400: 'Bad Request',
          401: 'Unauthorized',
          403: 'Forbidden: bot was blocked by the user',
          409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
          500: 'Internal Server Error',
          502: 'Bad Gateway',
        };
        return fail(new ApiError(fault.code, fault.description ?? defaults[fault.code] ?? 'Error'));
      }
      if (fault.kind === 'dropPoll') {
        transport.drop();
        return gone('fault: connection dropped');
      }
      if (fault.kind === 'dropAnswer') {
        await this.methods[canonical]!(new Params(parsed.params, parsed.files), transport);
        transport.drop();
        return gone('fault: answer dropped after the call took effect');
      }
      await this.sleep(fault.ms);
      if (transport.isClosed()) return gone('client closed the connection');
    }

    const handler = this.methods[canonical]!;
    try {
      if (this.limits && SEND_METHODS.has(canonical)) this.rateCheck(parsed.params);
      const result = await handler(new Params(parsed.params, parsed.files), transport);
      call.ok = true;
      call.result = clone(result);
      call.done = true;
      call.doneAt = hrNow();
      this.notify();
      return { status: 200, body: { ok: true, result } };
    } catch (e) {
      if (e instanceof ApiError) return fail(e);
      if (e instanceof Aborted) return gone('client closed the connection');
      if (e instanceof FormatError) return fail(new ApiError(400, e.description));
      this.internalErrors.push(e);
      console.error(`FakeTelegram internal error in ${canonical}:`, e);
      return fail(new ApiError(500, `Internal Server Error: ${String(e)}`));
    }
  }

  private rateCheck(params: Record<string, unknown>): void {
    const l = this.limits;
    if (!l) return;
    const chatId = Number(params.chat_id);
    const t = Date.now();
    while (this.sendTimes.length && this.sendTimes[0]!.at < t - 60_000) this.sendTimes.shift();
    const retry = (since: number, windowMs: number) => Math.max(1, Math.ceil((since + windowMs - t) / 1000));
    const lastSecond = this.sendTimes.filter((s) => s.at > t - 1000);
    let wait = 0;
    if (lastSecond.length >= l.globalPerSecond) wait = Math.max(wait, retry(lastSecond[0]!.at, 1000));
    const cs = this.chats.get(chatId);
    if (cs?.kind === 'private') {
      const mine = lastSecond.filter((s) => s.chatId === chatId);
      if (mine.length >= l.chatPerSecond) wait = Math.max(wait, retry(mine[0]!.at, 1000));
    } else if (cs) {
      const mine = this.sendTimes.filter((s) => s.chatId === chatId);
      if (mine.length >= l.groupPerMinute) wait = Math.max(wait, retry(mine[0]!.at, 60_000));
    }
    if (wait > 0) throw new ApiError(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
    this.sendTimes.push({ at: t, chatId });
  }

  // ============================================================================ internals: API pieces

  private chatParam(p: Params, key = 'chat_id'): ChatState {
    const v = p.raw[key];
    if (v === undefined || v === null || v === '') throw bad(`${key} is empty`);
    if (typeof v === 'string' && v.startsWith('@')) {
      const name = v.slice(1).toLowerCase();
      for (const cs of this.chats.values()) if (cs.kind !== 'private' && cs.username?.toLowerCase() === name) return cs;
      throw bad('chat not found');
    }
    const id = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    const cs = this.chats.get(id);
    if (!cs) throw bad('chat not found');
    return cs;
  }

  private assertCanWrite(cs: ChatState): void {
    if (cs.kind === 'private') {
      if (cs.blocked) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
      return;
    }
    const what = cs.kind === 'supergroup' ? 'supergroup' : 'group';
    if (cs.bot.status === 'kicked') throw new ApiError(403, `Forbidden: bot was kicked from the ${what} chat`);
    if (cs.bot.status === 'left') throw new ApiError(403, `Forbidden: bot is not a member of the ${what} chat`);
    if (cs.bot.status === 'restricted' && !cs.bot.canSendMessages) throw bad('not enough rights to send text messages to the chat');
  }

  private sendTarget(p: Params): ChatState {
    const cs = this.chatParam(p);
    if (cs.migratedTo !== undefined) {
      throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: cs.migratedTo });
    }
    this.assertCanWrite(cs);
    return cs;
  }

  private checkTopicWritable(cs: ChatState, threadId: number): void {
    const topic = cs.topics.get(threadId);
    if (!topic || topic.deleted) throw bad('message thread not found');
    if (topic.closed) throw bad('TOPIC_CLOSED');
  }

  /** message_thread_id + reply_parameters (or legacy reply_to_message_id) → where the new message goes. */
  private placement(cs: ChatState, p: Params): { threadId?: number; replyTo?: Stored } {
    let threadId = p.int('message_thread_id');
    if (threadId !== undefined) {
      if (cs.forum) this.checkTopicWritable(cs, threadId);
      else if (cs.kind === 'supergroup') {
        const root = cs.messages.get(threadId);
        if (!root || root.deleted) throw bad('message thread not found');
      } else throw bad('message thread not found');
    }
    const rp = p.obj('reply_parameters');
    let replyId: number | undefined;
    let allow = p.bool('allow_sending_without_reply');
    let sameChat = true;
    if (rp) {
      const rpp = new Params(rp, new Map());
      replyId = rpp.int('message_id');
      if (replyId === undefined) throw bad('message to be replied not found');
      allow = rpp.bool('allow_sending_without_reply');
      if (rpp.has('chat_id')) sameChat = this.chatParam(rpp) === cs;
    } else {
      replyId = p.int('reply_to_message_id');
    }
    let replyTo: Stored | undefined;
    if (replyId !== undefined) {
      const t = sameChat ? cs.messages.get(replyId) : undefined;
      let usable = !!t && !t.deleted;
      if (t && usable && cs.forum) {
        const tThread = t.msg.is_topic_message ? t.msg.message_thread_id : undefined;
        if (threadId === undefined && tThread !== undefined) {
          this.checkTopicWritable(cs, tThread);
          threadId = tThread;
        } else if (threadId !== tThread) usable = false;
      }
      if (usable) replyTo = t;
      else if (!allow) throw bad('message to be replied not found');
    }
    const out: { threadId?: number; replyTo?: Stored } = {};
    if (threadId !== undefined) out.threadId = threadId;
    if (replyTo) out.replyTo = replyTo;
    return out;
  }

  private text(p: Params, textKey: 'text' | 'caption', forEdit = false): { text: string; entities: MessageEntity[] } | undefined {
    const raw = p.str(textKey);
    const modeKey = 'parse_mode';
    const entKey = textKey === 'text' ? 'entities' : 'caption_entities';
    if (raw === undefined || raw === '') {
      if (textKey === 'text') throw bad('message text is empty');
      return undefined;
    }
    const f = formatText(raw, p.raw[modeKey], p.arr(entKey));
    if (textKey === 'text') {
      if (f.text === '') throw bad('message text is empty');
      if (f.text.length > TEXT_LIMIT) throw bad(forEdit ? 'MESSAGE_TOO_LONG' : 'message is too long');
    } else {
      if (f.text === '') return undefined;
      if (f.text.length > CAPTION_LIMIT) throw bad('message caption is too long');
    }
    return f;
  }

  /** Validates reply_markup; returns the inline keyboard a Message would show (other keyboards don't show). */
  private markup(p: Params): InlineMarkup | undefined {
    const rm = p.obj('reply_markup');
    if (!rm) return undefined;
    if (!('inline_keyboard' in rm)) return undefined;
    const rows = rm.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) throw bad("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays");
    for (const row of rows as unknown[][]) {
      for (const b of row) {
        if (!b || typeof b !== 'object') throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
        const btn = b as Record<string, unknown>;
        if (typeof btn.text !== 'string') throw bad(`can't parse inline keyboard button: Field "text" must be of type String`);
        if (btn.text.trim() === '') throw bad('BUTTON_TEXT_INVALID');
        const actions = ['url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
          'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'].filter((k) => btn[k] !== undefined);
        if (actions.length === 0) throw bad('text buttons are unallowed in the inline keyboard');
        if (btn.callback_data !== undefined) {
          const d = btn.callback_data;
          if (typeof d !== 'string' || Buffer.byteLength(d, 'utf8') < 1 || Buffer.byteLength(d, 'utf8') > 64) throw bad('BUTTON_DATA_INVALID');
        }
        if (btn.url !== undefined) {
          const u = String(btn.url);
          if (!/^(https?|tg):\/\/\S+$/i.test(u)) throw bad(`inline keyboard button URL '${u}' is invalid: Wrong HTTP URL`);
        }
      }
    }
    const nonEmpty = (rows as unknown[][]).filter((r) => r.length > 0);
    return nonEmpty.length ? ({ inline_keyboard: clone(nonEmpty) } as InlineMarkup) : undefined;
  }

  private commonContent(p: Params, inline: InlineMarkup | undefined): Record<string, unknown> {
    const c: Record<string, unknown> = {};
    if (p.bool('protect_content')) c.has_protected_content = true;
    if (inline) c.reply_markup = inline;
    return c;
  }

  private finishSend(cs: ChatState, place: { threadId?: number; replyTo?: Stored }, content: Record<string, unknown>): Msg {
    const msg = this.compose(cs, clone(this.bot), place, content);
    this.store(cs, msg, true);
    return msg;
  }

  private async sendMedia(kind: FileKind, p: Params): Promise<Msg> {
    const input = p.file(kind);
    if (!input) throw bad(`there is no ${kind} in the request`);
    const cap = kind === 'sticker' || kind === 'video_note' ? undefined : this.text(p, 'caption');
    const cs = this.sendTarget(p);
    const place = this.placement(cs, p);
    const inline = this.markup(p);
    const media = await this.materialize(kind, input);
    const content: Record<string, unknown> = { [kind]: media };
    if (kind === 'sticker' && p.has('emoji')) (content.sticker as Record<string, unknown>).emoji = p.str('emoji');
    if (cap) {
      content.caption = cap.text;
      if (cap.entities.length) content.caption_entities = cap.entities;
    }
    if (p.bool('has_spoiler') && (kind === 'photo' || kind === 'video' || kind === 'animation')) content.has_media_spoiler = true;
    Object.assign(content, this.commonContent(p, inline));
    return this.finishSend(cs, place, content);
  }

  private editTarget(p: Params): { cs: ChatState; s: Stored } {
    if (p.has('inline_message_id')) throw bad('inline messages are not supported by the fake');
    const cs = this.chatParam(p);
    const id = p.int('message_id');
    if (id === undefined) throw bad('message identifier is not specified');
    const s = cs.messages.get(id);
    if (!s || s.deleted) throw bad('message to edit not found');
    if (!s.byBot || s.service) throw bad("message can't be edited");
    return { cs, s };
  }

  private notModified(): ApiError {
    return bad(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  }

  private topicParam(cs: ChatState, p: Params): Topic {
    if (!cs.forum) throw bad('the chat is not a forum');
    const id = p.int('message_thread_id');
    if (id === undefined) throw bad('message thread identifier is not specified');
    const topic = cs.topics.get(id);
    if (!topic || topic.deleted) throw bad('TOPIC_ID_INVALID');
    return topic;
  }

  private canManageTopic(cs: ChatState, topic: Topic): boolean {
    if (cs.kind === 'private') return true; // the bot's own private chat (topics there need no admin rights)
    return cs.bot.status === 'administrator' && (cs.bot.canManageTopics || topic.createdByBot);
  }

  private chatFullInfo(cs: ChatState): Record<string, unknown> {
    const base: Record<string, unknown> = {
      ...clone(cs.chat),
      accent_color_id: Math.abs(cs.id) % 7,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
    };
    if (cs.kind !== 'private') {
      base.permissions = {
        can_send_messages: true,
        can_send_audios: true,
        can_send_documents: true,
        can_send_photos: true,
        can_send_videos: true,
        can_send_video_notes: true,
        can_send_voice_notes: true,
        can_send_polls: true,
        can_send_other_messages: true,
        can_add_web_page_previews: true,
        can_change_info: false,
        can_invite_users: true,
        can_pin_messages: false,
        can_manage_topics: false,
      };
      if (cs.reactions === false) base.available_reactions = [];
      else if (cs.reactions instanceof Set) base.available_reactions = [...cs.reactions].map((emoji) => ({ type: 'emoji', emoji }));
    }
    return base;
  }

  // ============================================================================ API method handlers

  private buildMethods(): Record<string, Handler> {
    const ok = () => true;
    return {
      getMe: () => ({
        ...clone(this.bot),
        can_join_groups: true,
        can_read_all_group_messages: !this.privacyMode,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
        has_topics_enabled: this.privateTopics,
        allows_users_to_create_topics: false,
        can_manage_bots: false,
      }),
      logOut: ok,
      close: ok,

      // ------------------------------------------------------------------------------ updates
      getUpdates: (p, t) => {
        if (this.webhook) {
          throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        }
        // Only one getUpdates at a time: a new request terminates the one being held.
        this.poller?.finish(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
        const offset = p.int('offset');
        if (offset !== undefined) {
          if (offset < 0) {
            const keep = this.pending.slice(offset);
            this.pending = keep;
            this.notify();
          } else this.confirm(offset);
        }
        const allowed = p.arr('allowed_updates');
        if (allowed) this.allowedUpdates = allowed.length ? new Set(allowed.map(String)) : null;
        const limit = Math.min(100, Math.max(1, p.int('limit') ?? 100));
        const timeout = Math.max(0, p.int('timeout') ?? 0);
        const ready = this.collect(limit);
        if (ready.length || timeout === 0 || this.stopped) return ready;
        return new Promise<Update[]>((resolve, reject) => {
          const finish = (r: Update[] | ApiError) => {
            if (this.poller !== poller) return;
            this.poller = null;
            clearTimeout(timer);
            if (r instanceof ApiError) reject(r);
            else resolve(r);
          };
          const poller = { finish, limit };
          this.poller = poller;
          const timer = setTimeout(() => finish([]), timeout * 1000);
          t.onClose(() => {
            if (this.poller !== poller) return;
            this.poller = null;
            clearTimeout(timer);
            reject(new Aborted());
          });
        });
      },
      setWebhook: (p) => {
        const url = p.str('url') ?? '';
        if (url === '') {
          this.webhook = null;
          return true;
        }
        let u: URL;
        try {
          u = new URL(url);
        } catch {
          throw bad('bad webhook: Failed to resolve host: Name or service not known');
        }
        // Telegram needs HTTPS; the fake also accepts plain http on loopback so tests can receive webhooks.
        if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) {
          throw bad('bad webhook: An HTTPS URL must be provided for webhook');
        }
        const secret = p.str('secret_token');
        if (secret !== undefined && secret !== '' && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
          throw bad('secret token contains unallowed characters');
        }
        if (p.bool('drop_pending_updates')) this.pending = [];
        const allowed = p.arr('allowed_updates');
        if (allowed) this.allowedUpdates = allowed.length ? new Set(allowed.map(String)) : null;
        this.poller?.finish(new ApiError(409, 'Conflict: terminated by setWebhook request'));
        this.webhook = { url, maxConnections: p.int('max_connections') ?? 40 };
        if (secret) this.webhook.secretToken = secret;
        const ip = p.str('ip_address');
        if (ip) this.webhook.ipAddress = ip;
        this.scheduleWake();
        return true;
      },
      deleteWebhook: (p) => {
        this.webhook = null;
        this.webhookAbort?.abort();
        if (p.bool('drop_pending_updates')) {
          this.pending = [];
          this.notify();
        }
        return true;
      },
      getWebhookInfo: () => {
        const info: Record<string, unknown> = { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.pending.length };
        if (this.webhook) {
          info.max_connections = this.webhook.maxConnections;
          if (this.webhook.ipAddress) info.ip_address = this.webhook.ipAddress;
          if (this.webhook.lastErrorDate) info.last_error_date = this.webhook.lastErrorDate;
          if (this.webhook.lastErrorMessage) info.last_error_message = this.webhook.lastErrorMessage;
        }
        if (this.allowedUpdates) info.allowed_updates = [...this.allowedUpdates];
        return info;
      },

      // ----------------------------------------------------------------------------- commands
      setMyCommands: (p) => {
        const cmds = p.arr('commands') ?? [];
        if (cmds.length > 100) throw bad('too many commands');
        // "A two-letter ISO 639-1 language code. If empty, commands will be applied to all users from the given scope".
        const lang = p.str('language_code');
        if (lang !== undefined && lang !== '' && !/^[a-z]{2}$/.test(lang)) throw bad('LANG_CODE_INVALID');
        for (const c of cmds) {
          const cmd = (c ?? {}) as Record<string, unknown>;
          if (typeof cmd.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(cmd.command)) throw bad('BOT_COMMAND_INVALID');
          if (typeof cmd.description !== 'string' || cmd.description.trim().length < 1 || cmd.description.length > 256) {
            throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
          }
        }
        this.commands.set(this.commandKey(p), clone(cmds));
        return true;
      },
      getMyCommands: (p) => clone(this.commands.get(this.commandKey(p)) ?? []),
      deleteMyCommands: (p) => {
        this.commands.delete(this.commandKey(p));
        return true;
      },
      setMyName: (p) => this.setProfile('name', p.str('name'), p.str('language_code'), 64),
      getMyName: (p) => ({ name: this.botProfile.get(`name:${p.str('language_code') ?? ''}`) ?? this.bot.first_name }),
      setMyDescription: (p) => this.setProfile('description', p.str('description'), p.str('language_code'), 512),
      getMyDescription: (p) => ({ description: this.botProfile.get(`description:${p.str('language_code') ?? ''}`) ?? '' }),
      setMyShortDescription: (p) => this.setProfile('short_description', p.str('short_description'), p.str('language_code'), 120),
      getMyShortDescription: (p) => ({ short_description: this.botProfile.get(`short_description:${p.str('language_code') ?? ''}`) ?? '' }),
      setChatMenuButton: ok,
      getChatMenuButton: () => ({ type: 'commands' }),

      // ------------------------------------------------------------------------------- sending
      sendMessage: (p) => {
        const f = this.text(p, 'text')!;
        const cs = this.sendTarget(p);
        const place = this.placement(cs, p);
        const inline = this.markup(p);
        const content: Record<string, unknown> = { text: f.text };
        if (f.entities.length) content.entities = f.entities;
        const lpo = p.obj('link_preview_options');
        if (lpo) content.link_preview_options = lpo;
        Object.assign(content, this.commonContent(p, inline));
        return this.finishSend(cs, place, content);
      },
      sendPhoto: (p) => this.sendMedia('photo', p),
      sendDocument: (p) => this.sendMedia('document', p),
      sendVideo: (p) => this.sendMedia('video', p),
      sendAudio: (p) => this.sendMedia('audio', p),
      sendVoice: (p) => this.sendMedia('voice', p),
      sendAnimation: (p) => this.sendMedia('animation', p),
      sendSticker: (p) => this.sendMedia('sticker', p),
      sendVideoNote: (p) => this.sendMedia('video_note', p),
      sendMediaGroup: async (p) => {
        const items = p.arr('media');
        if (!items || items.length < 2 || items.length > 10) throw bad('media must include 2-10 items');
        const kinds = items.map((m) => String((m as Record<string, unknown> | null)?.type ?? ''));
        for (const k of kinds) if (!['photo', 'video', 'document', 'audio'].includes(k)) throw bad(`unsupported media type "${k}"`);
        if (kinds.includes('document') && kinds.some((k) => k !== 'document')) throw bad("document can't be mixed with other media types");
        if (kinds.includes('audio') && kinds.some((k) => k !== 'audio')) throw bad("audio can't be mixed with other media types");
        const caps = items.map((m) => {
          const ip = new Params(m as Record<string, unknown>, p.uploads);
          return this.text(ip, 'caption');
        });
        const cs = this.sendTarget(p);
        const place = this.placement(cs, p);
        const medias: unknown[] = [];
        for (const [i, m] of items.entries()) {
          const ip = new Params(m as Record<string, unknown>, p.uploads);
          const input = ip.file('media');
          if (!input) throw bad(`there is no media in the request item ${i}`);
          medias.push(await this.materialize(kinds[i] as FileKind, input));
        }
        const groupId = String(13_000_000_000_000_000n + BigInt(this.sent.length + 1) * 97n);
        return medias.map((media, i) => {
          const content: Record<string, unknown> = { media_group_id: groupId, [kinds[i]!]: media };
          const cap = caps[i];
          if (cap) {
            content.caption = cap.text;
            if (cap.entities.length) content.caption_entities = cap.entities;
          }
          if (p.bool('protect_content')) content.has_protected_content = true;
          return this.finishSend(cs, place, content);
        });
      },
      sendChatAction: (p) => {
        const action = p.str('action');
        const cs = this.sendTarget(p);
        if (!action || !CHAT_ACTIONS.has(action)) throw bad('wrong parameter action in request');
        const tid = p.int('message_thread_id');
        if (tid !== undefined) {
          if (cs.forum) this.checkTopicWritable(cs, tid);
          else if (cs.kind !== 'supergroup') throw bad('message thread not found');
        }
        return true;
      },
      copyMessage: (p) => {
        const from = this.chatParam(p, 'from_chat_id');
        const id = p.int('message_id');
        const src = id === undefined ? undefined : from.messages.get(id);
        if (!src || src.deleted) throw bad('message to copy not found');
        if (src.service) throw bad("message can't be copied");
        const cs = this.sendTarget(p);
        const place = this.placement(cs, p);
        const inline = this.markup(p);
        const content: Record<string, unknown> = {};
        for (const k of CONTENT_KEYS) if (src.msg[k] !== undefined) content[k] = clone(src.msg[k]);
        if (p.raw.caption !== undefined && content.text === undefined) {
          delete content.caption;
          delete content.caption_entities;
          const cap = this.text(p, 'caption');
          if (cap) {
            content.caption = cap.text;
            if (cap.entities.length) content.caption_entities = cap.entities;
          }
        }
        Object.assign(content, this.commonContent(p, inline));
        const msg = this.finishSend(cs, place, content);
        return { message_id: msg.message_id };
      },
      forwardMessage: (p) => {
        const from = this.chatParam(p, 'from_chat_id');
        const id = p.int('message_id');
        const src = id === undefined ? undefined : from.messages.get(id);
        if (!src || src.deleted) throw bad('message to forward not found');
        if (src.service) throw bad("message can't be forwarded");
        const cs = this.sendTarget(p);
        const place = this.placement(cs, p);
        const content: Record<string, unknown> = {
          forward_origin: { type: 'user', sender_user: clone(src.msg.from ?? this.bot), date: src.msg.date },
          forward_date: src.msg.date,
        };
        for (const k of CONTENT_KEYS) if (src.msg[k] !== undefined) content[k] = clone(src.msg[k]);
        return this.finishSend(cs, place, content);
      },

      // ------------------------------------------------------------------------------ reactions
      setMessageReaction: (p) => {
        const reaction = p.raw.reaction === undefined || p.raw.reaction === null ? [] : p.arr('reaction');
        if (!Array.isArray(reaction)) throw bad('expected an Array of ReactionType');
        const emoji: string[] = [];
        let invalid = false;
        for (const r of reaction) {
          if (!r || typeof r !== 'object') throw bad("can't parse ReactionType: expected an Object");
          const rt = r as Record<string, unknown>;
          if (rt.type === 'emoji') {
            if (typeof rt.emoji !== 'string') throw bad(`can't parse ReactionType: Can't find field "emoji"`);
            if (!REACTION_EMOJI.has(rt.emoji)) invalid = true;
            emoji.push(rt.emoji);
          } else if (rt.type === 'custom_emoji') invalid = true;
          else throw bad("can't parse ReactionType: invalid reaction type specified");
        }
        const cs = this.chatParam(p);
        this.assertCanWrite(cs);
        const id = p.int('message_id');
        const s = id === undefined ? undefined : cs.messages.get(id);
        if (!s || s.deleted) throw bad('message to react not found');
        if (emoji.length === 0 && !invalid) {
          cs.botReactions.delete(s.msg.message_id);
          return true;
        }
        if (invalid || s.service || cs.reactions === false) throw bad('REACTION_INVALID');
        if (cs.reactions instanceof Set && emoji.some((e) => !(cs.reactions as Set<string>).has(e))) throw bad('REACTION_INVALID');
        if (new Set(emoji).size > 1) throw bad('REACTIONS_TOO_MANY');
        cs.botReactions.set(s.msg.message_id, [...new Set(emoji)]);
        return true;
      },

      // -------------------------------------------------------------------------------- editing
      editMessageText: (p) => {
        const { s } = this.editTarget(p);
        if (s.msg.text === undefined) throw bad('there is no text in the message to edit');
        const f = this.text(p, 'text', true)!;
        const inline = this.markup(p);
        const m = s.msg;
        const same =
          m.text === f.text &&
          JSON.stringify(m.entities ?? []) === JSON.stringify(f.entities) &&
          JSON.stringify(m.reply_markup ?? null) === JSON.stringify(inline ?? null);
        if (same) throw this.notModified();
        m.text = f.text;
        if (f.entities.length) m.entities = f.entities;
        else delete m.entities;
        // Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
        if (inline) m.reply_markup = inline;
        else delete m.reply_markup;
        m.edit_date = now();
        this.notify();
        return m;
      },
      editMessageCaption: (p) => {
        const { s } = this.editTarget(p);
        const m = s.msg;
        if (m.text !== undefined || m.sticker || m.video_note) throw bad('there is no caption in the message to edit');
        const cap = this.text(p, 'caption');
        const inline = this.markup(p);
        const same =
          (m.caption ?? '') === (cap?.text ?? '') &&
          JSON.stringify(m.caption_entities ?? []) === JSON.stringify(cap?.entities ?? []) &&
          JSON.stringify(m.reply_markup ?? null) === JSON.stringify(inline ?? null);
        if (same) throw this.notModified();
        if (cap) {
          m.caption = cap.text;
          if (cap.entities.length) m.caption_entities = cap.entities;
          else delete m.caption_entities;
        } else {
          delete m.caption;
          delete m.caption_entities;
        }
        if (inline) m.reply_markup = inline;
        else delete m.reply_markup;
        m.edit_date = now();
        this.notify();
        return m;
      },
      editMessageReplyMarkup: (p) => {
        const { s } = this.editTarget(p);
        const inline = this.markup(p);
        if (JSON.stringify(s.msg.reply_markup ?? null) === JSON.stringify(inline ?? null)) throw this.notModified();
        if (inline) s.msg.reply_markup = inline;
        else delete s.msg.reply_markup;
        s.msg.edit_date = now();
        this.notify();
        return s.msg;
      },
      deleteMessage: (p) => {
        const cs = this.chatParam(p);
        const id = p.int('message_id');
        if (id === undefined) throw bad('message identifier is not specified');
        this.deleteOne(cs, id, true);
        return true;
      },
      deleteMessages: (p) => {
        const cs = this.chatParam(p);
        const ids = (p.arr('message_ids') ?? []).map(Number);
        if (ids.length < 1 || ids.length > 100) throw bad('message_ids must contain 1-100 items');
        for (const id of ids) this.deleteOne(cs, id, false);
        return true;
      },
      pinChatMessage: (p) => {
        const cs = this.chatParam(p);
        this.assertCanWrite(cs);
        const id = p.int('message_id');
        const s = id === undefined ? undefined : cs.messages.get(id);
        if (!s || s.deleted) throw bad('message to pin not found');
        if (cs.kind !== 'private' && !(cs.bot.status === 'administrator' && cs.bot.canPinMessages)) {
          throw bad('not enough rights to manage pinned messages in the chat');
        }
        this.serviceMessage(cs, clone(this.bot), s.msg.is_topic_message ? s.msg.message_thread_id : undefined, {
          pinned_message: nested(s.msg),
        });
        return true;
      },
      unpinChatMessage: (p) => {
        const cs = this.chatParam(p);
        if (cs.kind !== 'private' && !(cs.bot.status === 'administrator' && cs.bot.canPinMessages)) {
          throw bad('not enough rights to manage pinned messages in the chat');
        }
        return true;
      },
      answerCallbackQuery: (p) => {
        const id = p.str('callback_query_id') ?? '';
        const q = this.callbackQueries.get(id);
        if (!q || q.answered) throw bad('query is too old and response timeout expired or query ID is invalid');
        const text = p.str('text');
        if (text !== undefined && text.length > 200) throw bad('MESSAGE_TOO_LONG');
        q.answered = true;
        return true;
      },

      // ---------------------------------------------------------------------------------- chats
      getChat: (p) => {
        const cs = this.chatParam(p);
        // As the Bot API does for a group the bot was removed from or left: 403, not the chat's details.
        if (cs.kind !== 'private') this.assertCanWrite(cs);
        return this.chatFullInfo(cs);
      },
      getChatMember: (p) => {
        const cs = this.chatParam(p);
        const uid = p.int('user_id');
        if (uid === undefined) throw bad('user_id is empty');
        if (cs.kind === 'private' && uid !== cs.id && uid !== this.bot.id) throw bad('user not found');
        return this.memberObject(cs, uid);
      },
      getChatAdministrators: (p) => {
        const cs = this.chatParam(p);
        if (cs.kind === 'private') throw bad('there are no administrators in the private chat');
        const out = [...cs.members.values()]
          .filter((m) => m.status === 'creator' || m.status === 'administrator')
          .map((m) => this.memberObject(cs, m.user.id));
        if (cs.bot.status === 'administrator') out.push(this.memberObject(cs, this.bot.id));
        return out;
      },
      getChatMemberCount: (p) => {
        const cs = this.chatParam(p);
        if (cs.kind === 'private') return 2;
        const n = [...cs.members.values()].filter((m) => m.status !== 'left' && m.status !== 'kicked').length;
        return n + (cs.bot.status === 'left' || cs.bot.status === 'kicked' ? 0 : 1);
      },
      leaveChat: (p) => {
        const cs = this.chatParam(p);
        if (cs.kind === 'private') throw bad('chat member status can\'t be changed in private chats');
        // Leaving a chat one is not in: the same 403 as any call there.
        if (cs.bot.status === 'left' || cs.bot.status === 'kicked') this.assertCanWrite(cs);
        const old = this.memberObject(cs, this.bot.id);
        cs.bot.status = 'left';
        // The bot hears of its own leaving too: a my_chat_member update from itself.
        this.enqueue({
          my_chat_member: { chat: clone(cs.chat), from: clone(this.bot), date: now(), old_chat_member: old, new_chat_member: this.memberObject(cs, this.bot.id) },
        } as Omit<Update, 'update_id'>);
        return true;
      },

      // ---------------------------------------------------------------------------------- topics
      createForumTopic: (p) => {
        const cs = this.chatParam(p);
        this.assertCanWrite(cs);
        if (!cs.forum) throw bad('the chat is not a forum');
        if (cs.kind !== 'private' && !(cs.bot.status === 'administrator' && cs.bot.canManageTopics)) throw bad('not enough rights to create a topic');
        const name = p.str('name') ?? '';
        if (name.trim() === '') throw bad('TOPIC_TITLE_EMPTY');
        if (name.length > 128) throw bad('TOPIC_NAME_INVALID');
        const color = p.int('icon_color');
        if (color !== undefined && !TOPIC_COLORS.includes(color)) throw bad('TOPIC_ICON_COLOR_INVALID');
        const emoji = p.str('icon_custom_emoji_id');
        const topic = this.newTopic(cs, name, color, emoji || undefined, true, clone(this.bot));
        const out: Record<string, unknown> = { message_thread_id: topic.message_thread_id, name: topic.name, icon_color: topic.icon_color };
        if (topic.icon_custom_emoji_id !== undefined) out.icon_custom_emoji_id = topic.icon_custom_emoji_id;
        return out;
      },
      editForumTopic: (p) => {
        const cs = this.chatParam(p);
        const topic = this.topicParam(cs, p);
        if (!this.canManageTopic(cs, topic)) throw bad('not enough rights to edit a topic');
        const name = p.str('name');
        const emoji = p.str('icon_custom_emoji_id');
        if (name !== undefined && (name.trim() === '' || name.length > 128)) throw bad('TOPIC_NAME_INVALID');
        const changes: Record<string, unknown> = {};
        if (name !== undefined && name !== topic.name) changes.name = name;
        if (emoji !== undefined && emoji !== (topic.icon_custom_emoji_id ?? '')) changes.icon_custom_emoji_id = emoji;
        if (Object.keys(changes).length === 0) throw bad('TOPIC_NOT_MODIFIED');
        if (changes.name !== undefined) topic.name = name as string;
        if (changes.icon_custom_emoji_id !== undefined) {
          if (emoji) topic.icon_custom_emoji_id = emoji;
          else delete topic.icon_custom_emoji_id;
        }
        this.serviceMessage(cs, clone(this.bot), topic.message_thread_id, { forum_topic_edited: changes });
        return true;
      },
      closeForumTopic: (p) => this.setClosed(p, true),
      reopenForumTopic: (p) => this.setClosed(p, false),
      deleteForumTopic: (p) => {
        const cs = this.chatParam(p);
        const topic = this.topicParam(cs, p);
        if (cs.kind !== 'private' && !(cs.bot.status === 'administrator' && cs.bot.canDeleteMessages)) throw bad('not enough rights to delete a topic');
        this.removeTopic(cs, topic);
        return true;
      },
      unpinAllForumTopicMessages: (p) => {
        const cs = this.chatParam(p);
        this.topicParam(cs, p);
        return true;
      },
      getForumTopicIconStickers: () => [],

      // ----------------------------------------------------------------------------------- files
      getFile: (p) => {
        const id = p.str('file_id') ?? '';
        const f = this.files.get(id);
        if (!f) throw bad('invalid file_id');
        if (f.bytes.length > 20 * 1024 * 1024) throw bad('file is too big');
        if (!f.filePath) {
          const ext = /\.([A-Za-z0-9]{1,8})$/.exec(f.fileName ?? '')?.[1] ?? defaultExt(f.kind);
          f.filePath = `${FILE_DIR[f.kind]}/file_${++this.filePathSeq}.${ext}`;
          this.filesByPath.set(f.filePath, f);
        }
        return { file_id: f.fileId, file_unique_id: f.uniqueId, file_size: f.bytes.length, file_path: f.filePath };
      },
    };
  }

  private commandKey(p: Params): string {
    const scope = p.obj('scope') ?? { type: 'default' };
    return `${JSON.stringify(scope)}|${p.str('language_code') ?? ''}`;
  }

  private setProfile(kind: string, value: string | undefined, lang: string | undefined, max: number): boolean {
    if ((value ?? '').length > max) throw bad(`bot ${kind.replace('_', ' ')} is too long`);
    this.botProfile.set(`${kind}:${lang ?? ''}`, value ?? '');
    return true;
  }

  private setClosed(p: Params, closed: boolean): boolean {
    const cs = this.chatParam(p);
    // The Bot API documents closing and reopening for forum supergroups only, not private chats with topics.
    if (cs.kind === 'private') throw bad('method is available for supergroup chats only');
    const topic = this.topicParam(cs, p);
    if (!this.canManageTopic(cs, topic)) throw bad(`not enough rights to ${closed ? 'close' : 'reopen'} a topic`);
    if (topic.closed === closed) throw bad('TOPIC_NOT_MODIFIED');
    topic.closed = closed;
    this.serviceMessage(cs, clone(this.bot), topic.message_thread_id, closed ? { forum_topic_closed: {} } : { forum_topic_reopened: {} });
    return true;
  }

  private deleteOne(cs: ChatState, id: number, strict: boolean): void {
    const s = cs.messages.get(id);
    if (!s || s.deleted) {
      if (strict) throw bad('message to delete not found');
      return;
    }
    const own = s.byBot;
    const mayDeleteOthers = cs.kind === 'private' || (cs.bot.status === 'administrator' && cs.bot.canDeleteMessages);
    if ((!own && !mayDeleteOthers) || s.msg.forum_topic_created) {
      if (strict) throw bad("message can't be deleted");
      return;
    }
    s.deleted = true;
    cs.botReactions.delete(id);
  }
}
