/**
 * The Market shapes the bridge uses, derived from the official spec (schema.d.ts is generated from
 * spec/partner-api-communication.bundled.yaml). Answers are parsed leniently: an enum value Market adds later must not
 * break the bridge, so enum fields accept any string and callers handle unknown values.
 */
import { z } from 'zod';
import type { components, operations } from './schema.js';

type S = components['schemas'];

/** Keeps the known values for autocompletion while accepting new ones. */
type Open<T extends string> = T | (string & {});

export type ChatType = Open<S['ChatType']>;
export type ChatStatus = Open<S['ChatStatusType']>;
export type ChatContextType = Open<S['ChatContextType']>;
export type SenderType = Open<S['ChatMessageSenderType']>;

export type SendMessageBody = operations['sendMessageToChat']['requestBody']['content']['application/json'];
export type GetChatsBody = operations['getChats']['requestBody']['content']['application/json'];
export type GetChatHistoryBody = NonNullable<operations['getChatHistory']['requestBody']>['content']['application/json'];
export type ChatIdQuery = operations['getChat']['parameters']['query'];
export type GetChatsQuery = NonNullable<operations['getChats']['parameters']['query']>;
export type GetChatHistoryQuery = operations['getChatHistory']['parameters']['query'];

const int = z.number().int();

export const chatContextSchema = z.looseObject({
  type: z.string(),
  customer: z.looseObject({ name: z.string().optional(), publicId: z.string().optional() }).optional(),
  campaignId: int.optional(),
  orderId: int.optional(),
  returnId: int.optional(),
});

export const chatInfoSchema = z.looseObject({
  chatId: int.positive(),
  context: chatContextSchema,
  type: z.string(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const chatMessageSchema = z.looseObject({
  messageId: int.positive(),
  createdAt: z.string(),
  sender: z.string(),
  message: z.string().optional(),
  payload: z
    .array(z.looseObject({ name: z.string(), url: z.string(), size: int }))
    .nullish()
    .transform((p) => p ?? undefined),
});

const paging = z.looseObject({ nextPageToken: z.string().optional() }).optional();

export const getChatsResultSchema = z.looseObject({ chats: z.array(chatInfoSchema), paging });
export const historyResultSchema = z.looseObject({
  context: chatContextSchema,
  messages: z.array(chatMessageSchema),
  paging,
});
export const tokenInfoResultSchema = z.looseObject({
  apiKey: z.looseObject({ name: z.string(), authScopes: z.array(z.string()) }),
});
export const campaignsResultSchema = z.looseObject({
  campaigns: z.array(
    z.looseObject({
      id: int.optional(),
      domain: z.string().optional(),
      business: z.looseObject({ id: int.optional(), name: z.string().optional() }).optional(),
    }),
  ),
});

export type ChatContext = z.infer<typeof chatContextSchema> & { type: ChatContextType };
export type ChatInfo = z.infer<typeof chatInfoSchema> & { type: ChatType; status: ChatStatus; context: ChatContext };
export type ChatMessage = z.infer<typeof chatMessageSchema> & { sender: SenderType };
export type ChatHistoryPage = z.infer<typeof historyResultSchema>;
export type ChatsPage = z.infer<typeof getChatsResultSchema>;

// ---- Orders (getBusinessOrders), for the chat card. Parsed leniently: unknown enum values are kept as strings,
// and a field the card does not use may be anything.

export type OrderStatus = Open<S['OrderStatusType']>;
export type OrderSubstatus = Open<S['OrderSubstatusType']>;
export type GetBusinessOrdersBody = operations['getBusinessOrders']['requestBody']['content']['application/json'];
export type GetBusinessOrdersQuery = NonNullable<operations['getBusinessOrders']['parameters']['query']>;

const money = z.looseObject({ value: z.number(), currencyId: z.string() });

export const businessOrderSchema = z.looseObject({
  orderId: int.positive(),
  campaignId: int,
  status: z.string(),
  substatus: z.string().nullish(),
  creationDate: z.string().optional(),
  updateDate: z.string().nullish(),
  fake: z.boolean().optional(),
  items: z
    .array(
      z.looseObject({
        offerId: z.string().optional(),
        offerName: z.string().optional(),
        count: int,
        prices: z.looseObject({ payment: money.nullish() }).nullish(),
      }),
    )
    .default([]),
  prices: z.looseObject({ payment: money.nullish() }).nullish(),
  delivery: z
    .looseObject({
      type: z.string().optional(),
      serviceName: z.string().optional(),
      dates: z
        .looseObject({
          fromDate: z.string().optional(),
          toDate: z.string().nullish(),
          fromTime: z.string().nullish(),
          toTime: z.string().nullish(),
          realDeliveryDate: z.string().nullish(),
        })
        .nullish(),
      tracks: z
        .array(z.looseObject({ trackCode: z.string().nullish() }))
        .nullish(),
    })
    .nullish(),
});

/** GetBusinessOrdersResponse has no status/result envelope. */
export const businessOrdersResultSchema = z.looseObject({ orders: z.array(businessOrderSchema), paging });

export type BusinessOrder = z.infer<typeof businessOrderSchema> & { status: OrderStatus };
export type BusinessOrdersPage = z.infer<typeof businessOrdersResultSchema>;
