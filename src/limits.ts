/**
 * Market's documented size limits, in one module with no imports so every layer (db, bridge, telegram, market)
 * may use them without loading an HTTP client.
 */

/** Largest file Market accepts in sendFileToChat. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Message length bounds of SendMessageToChatRequest (1..4096). */
export const MESSAGE_MAX_LENGTH = 4096;
/** Text bounds of a shop's comment on a review (GoodsFeedbackCommentText, 1..4096). */
export const REVIEW_COMMENT_MAX_LENGTH = 4096;
/** Text bounds of an answer to a product question (QuestionsTextContent, 1..5000). */
export const QUESTION_ANSWER_MAX_LENGTH = 5000;
