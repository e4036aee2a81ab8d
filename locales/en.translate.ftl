# Translation between buyer and seller (issue 10), en. Ids: the src/texts.ts key with dots as hyphens.

command-translate = Translate buyer chats here: /translate zh, /translate zh auto, /translate off
translate-usage = Usage: /translate <language> to translate buyer chats here into your language (e.g. /translate zh); your messages in it are shown translated for the buyer before they go. /translate zh auto sends the translation without asking. /translate off stops.
translate-current = Translation is on here: { $lang }, { $mode }.
translate-mode-preview = with a preview before sending
translate-mode-auto = sent without a preview (auto)
translate-currentOff = Translation is off here.
translate-notConfigured = Translation is not set up for this bot. The bot’s owner sets TRANSLATE_PROVIDER (yandex or deepl) and its key in the settings, then restarts the bot.
translate-badCode = “{ $code }” is not a language code. Use a two-letter code, e.g. /translate zh or /translate en. Nothing changed.
translate-unsupported = The translation service ({ $provider }) does not translate into “{ $code }”. Nothing changed.
translate-checkFailed =
    Could not switch translation on: { $why } Nothing changed; try again later.
    { $technical }
translate-on = 🌐 Translation on: buyer messages here are shown with a translation into { $lang }. Your messages in { $lang } are shown translated for the buyer first, with buttons to send the translation or your original.
translate-onAuto = 🌐 Translation on (auto): buyer messages here are shown with a translation into { $lang }. Your messages in { $lang } are translated and sent at once; the translation is shown under your message.
translate-off = Translation off: messages here are shown and sent as they are.
translate-buyer =
    🌐 { $from } → { $to }
    { $text }
translate-buyerFailed = 🌐 Not translated: { $why }
translate-preview =
    🌐 Not sent yet. The buyer would get this ({ $to }):

    { $text }
translate-auto =
    🌐 Sent to the buyer in { $to }:

    { $text }
translate-failed =
    ⚠️ Not sent: your message could not be translated: { $why } Nothing went to the buyer. Send your original as it is, or cancel and write again later.
    { $technical }
translate-button-send = Send translation
translate-button-original = Send original
translate-button-cancel = Cancel
translate-sending = → Sending the translation. 👍 on your message means the buyer has it.
translate-sendingOriginal = → Sending your original text. 👍 on your message means the buyer has it.
translate-cancelled = → Cancelled: nothing was sent.
translate-decided = Already decided: nothing more is sent.
translate-why-auth = the translation service refused the bot’s key (the owner should check { $variable }).
translate-why-quota = the translation plan’s characters are used up for now.
translate-why-rate_limited = the translation service asked the bot to slow down.
translate-why-unavailable = the translation service did not answer.
translate-why-rejected = the translation service refused this text.
translate-why-too_long = the translation is too long for one message; split your text into shorter messages.
