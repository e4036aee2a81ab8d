import { describe, expect, it } from 'vitest';
import { GrammyError } from 'grammy';
import type { ChatMember, User } from 'grammy/types';
import { absenceOf, memberStanding } from '../../src/telegram/presence.js';

const bot: User = { id: 1, is_bot: true, first_name: 'Bridge' };
const refusal = (code: number, description: string) =>
  new GrammyError(`Call to 'sendMessage' failed!`, { ok: false, error_code: code, description }, 'sendMessage', {});

describe('memberStanding', () => {
  it('reads removal, restriction and topic rights from the bot’s ChatMember', () => {
    expect(memberStanding({ status: 'kicked', user: bot, until_date: 0 })).toMatchObject({ canPost: false, reason: 'removed' });
    expect(memberStanding({ status: 'left', user: bot })).toMatchObject({ canPost: false, reason: 'removed' });
    const restricted = { status: 'restricted', user: bot, is_member: true, can_send_messages: false, can_manage_topics: false } as ChatMember;
    expect(memberStanding(restricted)).toMatchObject({ canPost: false, reason: 'restricted' });
    expect(memberStanding({ ...restricted, can_send_messages: true } as ChatMember)).toMatchObject({ canPost: true });
    expect(memberStanding({ ...restricted, is_member: false } as ChatMember)).toMatchObject({ canPost: false, reason: 'removed' });
    expect(memberStanding({ status: 'member', user: bot })).toEqual({ canPost: true, admin: false, topics: false });
    const admin = { status: 'administrator', user: bot, can_manage_topics: false } as ChatMember;
    expect(memberStanding(admin)).toEqual({ canPost: true, admin: true, topics: false });
    expect(memberStanding({ ...admin, can_manage_topics: true } as ChatMember)).toEqual({ canPost: true, admin: true, topics: true });
  });
});

describe('absenceOf', () => {
  it('tells a refusal to post at all from any other failure', () => {
    expect(absenceOf(refusal(403, 'Forbidden: bot was kicked from the supergroup chat'))).toBe('removed');
    expect(absenceOf(refusal(403, 'Forbidden: bot is not a member of the supergroup chat'))).toBe('removed');
    expect(absenceOf(refusal(403, 'Forbidden: bot was blocked by the user'))).toBe('removed');
    expect(absenceOf(refusal(400, 'Bad Request: not enough rights to send text messages to the chat'))).toBe('restricted');
    expect(absenceOf(refusal(403, 'Forbidden: CHAT_WRITE_FORBIDDEN'))).toBe('restricted');
    expect(absenceOf(refusal(400, 'Bad Request: message thread not found'))).toBeUndefined();
    expect(absenceOf(refusal(400, 'Bad Request: not enough rights to create a topic'))).toBeUndefined();
    expect(absenceOf(refusal(429, 'Too Many Requests: retry after 5'))).toBeUndefined();
    expect(absenceOf(new Error('socket hang up'))).toBeUndefined();
  });
});
