/**
 * Market's documented size limits, in one module with no imports so every layer (db, bridge, telegram, market)
 * may use them without loading an HTTP client.
 */

/** Largest file Market accepts in sendFileToChat. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Message length bounds of SendMessageToChatRequest (1..4096). */
export const MESSAGE_MAX_LENGTH = 4096;
