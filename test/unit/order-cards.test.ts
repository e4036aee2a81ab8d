/**
 * The order lines of a chat card (telegram/order-cards.ts) and what decides an edit (bridge/orders.ts fingerprint),
 * as pure functions; and the Fluent files of the orders area against the en table (same messages, same variables in
 * en, ru and zh, every message a key of src/texts.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprint, toView, type OrderSection, type OrderView } from '../../src/bridge/orders.js';
import { formatMoney, orderLines } from '../../src/telegram/order-cards.js';
import { t } from '../../src/texts.js';

function view(p: Partial<OrderView> = {}): OrderView {
  return {
    orderId: 42,
    campaignId: 7,
    status: 'PROCESSING',
    substatus: 'STARTED',
    fake: false,
    items: [{ name: 'Mug', count: 3, price: { value: 1500, currency: 'RUR' } }],
    total: null,
    delivery: { type: 'POST', service: null, fromDate: '2026-12-10', toDate: null, fromTime: null, toTime: null, deliveredOn: null },
    tracks: [],
    link: 'https://partner.market.yandex.ru/supplier/7/orders/42',
    ...p,
  };
}

describe('order lines on a chat card', () => {
  it('shows a status, substatus or delivery type the spec does not list as Market sent it', () => {
    const lines = orderLines({
      kind: 'order',
      view: view({ status: 'NEW_STATUS_2027', substatus: 'SOME_NEW_REASON', delivery: { ...view().delivery, type: 'DRONE' } }),
    });
    expect(lines).toContain('Status: NEW_STATUS_2027 · SOME_NEW_REASON');
    expect(lines).toContain('Delivery: DRONE, 2026-12-10');
  });

  it('lists at most 10 items and counts the rest; a test order says so', () => {
    const items = Array.from({ length: 13 }, (_, i) => ({ name: `Item ${i + 1}`, count: 1, price: null }));
    const lines = orderLines({ kind: 'order', view: view({ items, fake: true }) });
    expect(lines[0]).toBe('📦 Order 42 (test order)');
    expect(lines.filter((l) => l.startsWith('• Item'))).toHaveLength(10);
    expect(lines).toContain('• … and 3 more item(s), see the cabinet');
  });

  it('formats money with grouped digits and ₽ for roubles', () => {
    expect(formatMoney(1234567, 'RUR')).toBe('1\u00a0234\u00a0567\u00a0₽');
    expect(formatMoney(99.5, 'USD')).toBe('99.50\u00a0USD');
  });

  it('keeps unknown enum values from Market’s answer instead of refusing it', () => {
    const v = toView({
      orderId: 1,
      campaignId: 2,
      status: 'FUTURE',
      substatus: 'FUTURE_SUB',
      items: [],
      delivery: { type: 'TELEPORT', dates: { fromDate: '2026-12-01', fromTime: '09:00:00+03:00' }, tracks: [{ trackCode: 'A' }, { trackCode: 'A' }] },
    });
    expect([v.status, v.substatus, v.delivery.type, v.delivery.fromTime, v.tracks]).toEqual(['FUTURE', 'FUTURE_SUB', 'TELEPORT', '09:00', ['A']]);
  });
});

describe('when a card is edited', () => {
  it('the fingerprint changes with what is shown and is null when nothing is shown', () => {
    const a: OrderSection = { kind: 'order', view: view() };
    expect(fingerprint(a)).toBe(fingerprint({ kind: 'order', view: view() }));
    expect(fingerprint(a)).not.toBe(fingerprint({ kind: 'order', view: view({ tracks: ['T1'] }) }));
    expect(fingerprint({ kind: 'none' })).toBeNull();
    expect(fingerprint({ kind: 'noScope', tell: false })).toBeNull();
    expect(fingerprint({ kind: 'noScope', tell: true })).not.toBeNull();
  });
});

describe('the orders area in Fluent', () => {
  const read = (lang: string) => {
    const messages = new Map<string, Set<string>>();
    for (const line of readFileSync(new URL(`../../locales/${lang}.orders.ftl`, import.meta.url), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-zA-Z][a-zA-Z0-9_-]*) = (\S.*)$/.exec(line);
      expect(m, `${lang}: "${line}" is not a one-line Fluent message`).not.toBeNull();
      // Only { $variable } placeables; no other braces that Fluent would read as syntax.
      const value = m![2]!;
      expect(value.replace(/\{ \$[a-zA-Z]+ \}/g, ''), `${lang}: ${m![1]}`).not.toMatch(/[{}]/);
      messages.set(m![1]!, new Set([...value.matchAll(/\{ \$([a-zA-Z]+) \}/g)].map((v) => v[1]!)));
    }
    return messages;
  };
  const en = read('en');

  it('ru and zh have the same messages with the same variables as en', () => {
    for (const lang of ['ru', 'zh']) {
      const other = read(lang);
      expect([...other.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [id, vars] of en) expect([...other.get(id)!].sort(), `${lang}: ${id}`).toEqual([...vars].sort());
    }
  });

  it('every message renders through t() with every variable filled', () => {
    for (const [id, vars] of en) {
      const key = id.replace(/-/g, '.');
      const params = Object.fromEntries([...vars].map((v) => [v, `<${v}>`]));
      const text = t(key, params);
      expect(typeof text, id).toBe('string');
      for (const v of vars) expect(text, `${id} uses $${v}`).toContain(`<${v}>`);
    }
  });
});

describe('order notifications', () => {
  it('ORDER_STATUS_UPDATED and ORDER_UPDATED become order events; unknown enum values are accepted, missing ids are not', async () => {
    const { parseNotification } = await import('../../src/market/notifications.js');
    const base = { orderId: 5, campaignId: 6, updatedAt: '2026-12-01T10:00:00+03:00' };
    const status = parseNotification({ notificationType: 'ORDER_STATUS_UPDATED', ...base, status: 'DELIVERY', substatus: 'NOT_IN_THE_SPEC_YET' });
    expect(status).toEqual({
      ok: true,
      value: {
        type: 'order',
        event: { kind: 'order_status', orderId: 5, campaignId: 6, status: 'DELIVERY', substatus: 'NOT_IN_THE_SPEC_YET' },
        key: 'ORDER_STATUS_UPDATED:5:DELIVERY:NOT_IN_THE_SPEC_YET:2026-12-01T10:00:00+03:00',
      },
    });
    const updated = parseNotification({ notificationType: 'ORDER_UPDATED', ...base, updateType: 'DELIVERY_DATE_UPDATED' });
    expect(updated.ok && updated.value.type === 'order' && updated.value.event.kind).toBe('order_updated');
    expect(parseNotification({ notificationType: 'ORDER_STATUS_UPDATED', campaignId: 6, status: 'DELIVERY', substatus: 'X', updatedAt: base.updatedAt }).ok).toBe(false);
  });
});
