# Translation between buyer and seller (issue 10), ru. Ids: the src/texts.ts key with dots as hyphens.

command-translate = Перевод чатов с покупателями: /translate zh, /translate zh auto, /translate off
translate-usage = Как включить: /translate <язык> — сообщения покупателей здесь будут приходить с переводом на ваш язык (например, /translate zh), а ваши ответы на этом языке перед отправкой я покажу в переводе для покупателя. /translate zh auto — отправлять перевод сразу, без вопроса. /translate off — выключить.
translate-current = Перевод здесь включён: { $lang }, { $mode }.
translate-mode-preview = с предпросмотром перед отправкой
translate-mode-auto = отправка без предпросмотра (auto)
translate-currentOff = Перевод здесь выключен.
translate-notConfigured = Перевод для этого бота не настроен. Владелец бота указывает в настройках TRANSLATE_PROVIDER (yandex или deepl) и ключ, затем перезапускает бота.
translate-badCode = «{ $code }» — не код языка. Укажите двухбуквенный код, например /translate zh или /translate en. Ничего не изменено.
translate-unsupported = Сервис перевода ({ $provider }) не переводит на «{ $code }». Ничего не изменено.
translate-checkFailed =
    Не удалось включить перевод: { $why } Ничего не изменено, попробуйте позже.
    { $technical }
translate-on = 🌐 Перевод включён: сообщения покупателей здесь показываются с переводом ({ $lang }). Ваши сообщения на этом языке ({ $lang }) сначала покажу в переводе для покупателя — с кнопками «Отправить перевод» и «Отправить оригинал».
translate-onAuto = 🌐 Перевод включён (auto): сообщения покупателей здесь показываются с переводом ({ $lang }). Ваши сообщения на этом языке ({ $lang }) переводятся и отправляются сразу, перевод — под вашим сообщением.
translate-off = Перевод выключен: сообщения здесь показываются и отправляются как есть.
translate-buyer =
    🌐 { $from } → { $to }
    { $text }
translate-buyerFailed = 🌐 Не переведено: { $why }
translate-preview =
    🌐 Ещё не отправлено. Покупатель получит ({ $to }):

    { $text }
translate-auto =
    🌐 Отправлено покупателю ({ $to }):

    { $text }
translate-failed =
    ⚠️ Не отправлено: сообщение не удалось перевести: { $why } Покупатель ничего не получил. Отправьте оригинал как есть или отмените и напишите позже.
    { $technical }
translate-button-send = Отправить перевод
translate-button-original = Отправить оригинал
translate-button-cancel = Отмена
translate-sending = → Отправляю перевод. 👍 на вашем сообщении — покупатель его получил.
translate-sendingOriginal = → Отправляю ваш исходный текст. 👍 на вашем сообщении — покупатель его получил.
translate-cancelled = → Отменено: ничего не отправлено.
translate-decided = Уже решено: больше ничего не отправляется.
translate-why-auth = сервис перевода не принял ключ бота (владельцу нужно проверить { $variable }).
translate-why-quota = лимит символов тарифа перевода пока исчерпан.
translate-why-rate_limited = сервис перевода попросил бота отправлять запросы реже.
translate-why-unavailable = сервис перевода не ответил.
translate-why-rejected = сервис перевода отклонил этот текст.
translate-why-too_long = перевод слишком длинный для одного сообщения; разбейте текст на несколько сообщений покороче.
