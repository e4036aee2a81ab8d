/**
 * The shapes of Market's goods-feedback (reviews) and goods-questions methods the bridge uses, from the official spec
 * (types generated into schema.d.ts). Answers are parsed leniently, like the chat ones in types.ts: enum fields take
 * any string, so a value Market adds later does not break the bridge.
 */
import { z } from 'zod';
import type { operations } from './schema.js';

export type GetGoodsFeedbacksBody = NonNullable<operations['getGoodsFeedbacks']['requestBody']>['content']['application/json'];
export type GetGoodsFeedbackCommentsBody = NonNullable<
  operations['getGoodsFeedbackComments']['requestBody']
>['content']['application/json'];
export type UpdateGoodsFeedbackCommentBody = operations['updateGoodsFeedbackComment']['requestBody']['content']['application/json'];
export type SkipGoodsFeedbacksReactionBody = operations['skipGoodsFeedbacksReaction']['requestBody']['content']['application/json'];
export type GetGoodsQuestionsBody = NonNullable<operations['getGoodsQuestions']['requestBody']>['content']['application/json'];
export type GetGoodsQuestionAnswersBody = NonNullable<
  operations['getGoodsQuestionAnswers']['requestBody']
>['content']['application/json'];
export type UpdateGoodsQuestionTextEntityBody =
  operations['updateGoodsQuestionTextEntity']['requestBody']['content']['application/json'];
export type PageQuery = { pageToken?: string; limit?: number };

const int = z.number().int();
const paging = z.looseObject({ nextPageToken: z.string().optional() }).optional();
const author = z.looseObject({ type: z.string().optional(), name: z.string().optional() }).optional();

export const goodsFeedbackSchema = z.looseObject({
  feedbackId: int.positive(),
  createdAt: z.string(),
  needReaction: z.boolean(),
  identifiers: z.looseObject({ orderId: int.optional(), offerId: z.string().optional() }),
  author: z.string().optional(),
  description: z
    .looseObject({ advantages: z.string().optional(), disadvantages: z.string().optional(), comment: z.string().optional() })
    .optional(),
  media: z
    .looseObject({ photos: z.array(z.string()).nullish(), videos: z.array(z.string()).nullish() })
    .optional(),
  statistics: z.looseObject({ rating: z.number(), commentsCount: int, recommended: z.boolean().optional() }),
});
export const goodsFeedbackListSchema = z.looseObject({ feedbacks: z.array(goodsFeedbackSchema), paging });

export const goodsFeedbackCommentSchema = z.looseObject({
  id: int.positive(),
  text: z.string(),
  canModify: z.boolean().optional(),
  parentId: int.optional(),
  author,
  status: z.string(),
  feedbackId: int.positive(),
});
export const goodsFeedbackCommentListSchema = z.looseObject({ comments: z.array(goodsFeedbackCommentSchema), paging });

export const questionSchema = z.looseObject({
  questionIdentifiers: z.looseObject({ id: int.positive(), offerId: z.string(), categoryId: int.optional() }),
  businessId: int,
  text: z.string(),
  createdAt: z.string(),
  author,
});
export const questionListSchema = z.looseObject({ questions: z.array(questionSchema), paging });

export const answerSchema = z.looseObject({
  id: int.positive(),
  text: z.string(),
  status: z.string(),
  questionId: int.positive(),
  createdAt: z.string(),
  author,
});
export const answerListSchema = z.looseObject({ answers: z.array(answerSchema), paging });

export const updateQuestionEntitySchema = z.looseObject({
  entity: z.looseObject({ id: int.positive(), type: z.string() }),
});

export type GoodsFeedback = z.infer<typeof goodsFeedbackSchema>;
export type GoodsFeedbackPage = z.infer<typeof goodsFeedbackListSchema>;
export type GoodsFeedbackComment = z.infer<typeof goodsFeedbackCommentSchema>;
export type GoodsFeedbackCommentPage = z.infer<typeof goodsFeedbackCommentListSchema>;
export type GoodsQuestion = z.infer<typeof questionSchema>;
export type GoodsQuestionPage = z.infer<typeof questionListSchema>;
export type GoodsAnswer = z.infer<typeof answerSchema>;
export type GoodsAnswerPage = z.infer<typeof answerListSchema>;
