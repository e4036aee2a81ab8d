/** Small facts about Telegram messages that several features need. */
import type { Message } from 'grammy/types';

/**
 * The message this one explicitly replies to, if any. In a forum topic every message carries the topic's own
 * creation message as `reply_to_message`; that is not a reply the seller made.
 */
export function explicitReplyTo(m: Message): Message | undefined {
  const r = m.reply_to_message;
  if (!r) return undefined;
  if (r.forum_topic_created) return undefined;
  if (m.is_topic_message && r.message_id === m.message_thread_id) return undefined;
  return r;
}

/** The forum topic of a message, or null outside topics (private chats, ordinary groups, General). */
export function topicOf(m: Message): number | null {
  return m.is_topic_message && m.message_thread_id !== undefined ? m.message_thread_id : null;
}

/** A command addressed to a bot (`/help`, `/link@some_bot 1`), which is never relayed. */
export function isCommand(m: Message): boolean {
  return (m.entities ?? []).some((e) => e.type === 'bot_command' && e.offset === 0);
}

/** What a non-text message is, in the seller's words, or undefined for service messages (joins, pins, topics). */
export function contentKind(m: Message): string | undefined {
  if (m.text !== undefined) return 'text';
  if (m.sticker) return 'stickers';
  if (m.voice) return 'voice messages';
  if (m.video_note) return 'video notes';
  if (m.photo) return 'photos';
  // Before `document`: a GIF carries both.
  if (m.animation) return 'GIFs';
  if (m.document) return 'files';
  if (m.video) return 'videos';
  if (m.audio) return 'audio files';
  if (m.contact) return 'contacts';
  if (m.location || m.venue) return 'locations';
  if (m.poll) return 'polls';
  if (m.dice) return 'dice';
  if (m.story) return 'stories';
  if (m.game) return 'games';
  return undefined;
}
