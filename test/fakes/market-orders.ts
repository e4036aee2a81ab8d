/**
 * The fake Market's orders (getBusinessOrders, POST /v1/businesses/{businessId}/orders), seeded per test.
 *
 * Modelled as documented, awkward parts included:
 * - Without `dates`, only orders created in the last 30 days are returned; `dates.creationDateFrom/To` (From
 *   inclusive, To exclusive, at most 30 days apart) picks another window.
 * - Test orders (`fake: true`) are returned only when the request asks `fake: true`; real ones only without it
 *   (or with `fake: false`), like getOrders' documented filter.
 * - Pages come in no promised order (newest first here), `limit` 1..50 (default 50), with a page token.
 * Every answer built here is checked against the spec's GetBusinessOrdersResponse; a wrong one is a violation.
 */
import type { components } from '../../src/market/schema.js';

type S = components['schemas'];
export type FakeOrder = S['BusinessOrderDTO'];
export type FakeOrderItem = S['BusinessOrderItemDTO'];

const DAY_MS = 24 * 60 * 60_000;

export class BadOrdersRequest extends Error {}

export class FakeOrders {
  private readonly orders = new Map<number, FakeOrder>();
  private nextId = 5_000_001;
  private nextItemId = 1;
  private readonly pages = new Map<string, number[]>();
  private nextPage = 1;

  constructor(
    private readonly now: () => number,
    private readonly campaignId: number,
    /** Spec errors in an answer of getBusinessOrders (the fake reports them as violations). */
    private readonly checkAnswer: (body: unknown) => string[],
    private readonly reportAnswer: (reasons: string[]) => void,
  ) {
    // The answer's validator is compiled here, not inside the first request (that takes a while on a busy machine).
    checkAnswer({ orders: [] });
  }

  /** A placed order, valid under the spec; `items` as `{name, count, price}` for short tests. */
  add(
    p: Partial<Omit<FakeOrder, 'items'>> & {
      items?: ({ name: string; count: number; price?: number } | FakeOrderItem)[];
      /** When it was placed, ms (default now). */
      createdAtMs?: number;
    } = {},
  ): FakeOrder {
    const { items, createdAtMs, ...rest } = p;
    const orderId = rest.orderId ?? this.nextId++;
    const order: FakeOrder = {
      orderId,
      campaignId: this.campaignId,
      programType: 'FBS',
      status: 'PROCESSING',
      substatus: 'STARTED',
      creationDate: new Date(createdAtMs ?? this.now()).toISOString(),
      paymentType: 'PREPAID',
      paymentMethod: 'YANDEX',
      fake: false,
      items: (items ?? [{ name: 'Phone case', count: 1, price: 990 }]).map((i) => this.item(i)),
      delivery: {
        type: 'DELIVERY',
        serviceName: 'Market courier',
        deliveryServiceId: 1005,
        deliveryPartnerType: 'YANDEX_MARKET',
        dates: { fromDate: isoDate(this.now() + 3 * DAY_MS) },
      },
      ...rest,
    };
    this.orders.set(orderId, order);
    return order;
  }

  /** Changes an order (status, delivery ...) as Market would after shipping, delivering, cancelling. */
  update(orderId: number, patch: Partial<FakeOrder>): FakeOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    Object.assign(o, patch, { updateDate: new Date(this.now()).toISOString() });
    return o;
  }

  get(orderId: number): FakeOrder | undefined {
    return this.orders.get(orderId);
  }

  /** The operation: `body` is the validated GetBusinessOrdersRequest. */
  execute(body: S['GetBusinessOrdersRequest'], query: Record<string, string>): { status: number; body: unknown } {
    const limit = Number(query.limit ?? 50);
    let ids: number[];
    if (query.pageToken !== undefined) {
      const rest = this.pages.get(query.pageToken);
      if (!rest) throw new BadOrdersRequest('pageToken is not valid');
      ids = rest;
    } else {
      ids = this.matching(body);
    }
    const page = ids.slice(0, limit);
    const more = ids.slice(limit);
    let nextPageToken: string | undefined;
    if (more.length > 0) {
      nextPageToken = `orders-page-${this.nextPage++}`;
      this.pages.set(nextPageToken, more);
    }
    const answer = {
      orders: page.map((id) => structuredClone(this.orders.get(id)!)),
      ...(nextPageToken ? { paging: { nextPageToken } } : { paging: {} }),
    };
    const problems = this.checkAnswer(answer);
    if (problems.length > 0) this.reportAnswer(problems.map((p) => `the fake's getBusinessOrders answer: ${p}`));
    return { status: 200, body: answer };
  }

  private matching(body: S['GetBusinessOrdersRequest']): number[] {
    const now = this.now();
    let from: number;
    let to: number;
    const d = body.dates;
    if (d?.creationDateFrom !== undefined || d?.creationDateTo !== undefined) {
      to = d.creationDateTo !== undefined ? Date.parse(`${d.creationDateTo}T00:00:00Z`) : startOfDay(now) + DAY_MS;
      from = d.creationDateFrom !== undefined ? Date.parse(`${d.creationDateFrom}T00:00:00Z`) : to - 30 * DAY_MS;
      if (to - from > 30 * DAY_MS) throw new BadOrdersRequest('dates: creationDateFrom and creationDateTo are more than 30 days apart');
      if (to <= from) throw new BadOrdersRequest('dates: creationDateTo must be after creationDateFrom');
    } else {
      from = startOfDay(now) - 30 * DAY_MS;
      to = startOfDay(now) + DAY_MS;
    }
    const wantFake = body.fake === true;
    return [...this.orders.values()]
      .filter((o) => !body.orderIds || body.orderIds.includes(o.orderId))
      .filter((o) => !body.campaignIds || body.campaignIds.includes(o.campaignId))
      .filter((o) => !body.statuses || body.statuses.includes(o.status))
      .filter((o) => o.fake === wantFake)
      .filter((o) => {
        const created = Date.parse(o.creationDate);
        return created >= from && created < to;
      })
      .sort((a, b) => b.orderId - a.orderId)
      .map((o) => o.orderId);
  }

  private item(i: { name: string; count: number; price?: number } | FakeOrderItem): FakeOrderItem {
    if ('offerName' in i) return i;
    return {
      id: this.nextItemId++,
      offerId: `SKU-${this.nextItemId}`,
      offerName: i.name,
      count: i.count,
      ...(i.price !== undefined ? { prices: { payment: { value: i.price * i.count, currencyId: 'RUR' } } } : {}),
    };
  }
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function startOfDay(ms: number): number {
  return Date.parse(`${isoDate(ms)}T00:00:00Z`);
}
