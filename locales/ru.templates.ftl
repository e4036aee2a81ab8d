# Шаблоны ответов (issue 11), ru. Ids: ключ из src/texts.ts, точки заменены дефисами. Фигурные скобки: {"{"} и {"}"}.

templates-usage = Шаблоны: ответьте на сообщение командой /template add <имя>, чтобы сохранить его текст; /template del <имя> удаляет шаблон; /templates — список. В теме покупателя (или ответом на сообщение покупателя) /t покажет шаблоны кнопками. Переменные: {"{"}buyer{"}"} (покупатель), {"{"}order{"}"} (заказ), {"{"}shop{"}"} (магазин), {"{"}date{"}"} (сегодня).
templates-saved = Шаблон «{ $name }» сохранён. В теме покупателя его предложит /t.
templates-replaced = Шаблон «{ $name }» заменён новым текстом.
templates-replyNeeded = Ответьте командой /template add <имя> на сообщение, текст которого станет шаблоном.
templates-badName = Имя шаблона — от 1 до 32 букв, цифр, _ или - (оно будет на кнопке). Ничего не сохранено.
templates-empty = В этом сообщении нет текста. Ничего не сохранено.
templates-tooLong = В тексте { $length } символов, а в шаблоне можно не больше { $max }. Ничего не сохранено.
templates-unknownVariable = Неизвестная переменная { $names }: в шаблонах есть {"{"}buyer{"}"}, {"{"}order{"}"}, {"{"}shop{"}"} и {"{"}date{"}"}. Ничего не сохранено.
templates-deleted = Шаблон «{ $name }» удалён.
templates-notFound = Шаблона «{ $name }» нет.
templates-none = Шаблонов пока нет. Ответьте на сообщение командой /template add <имя>, чтобы сохранить его текст.
templates-listHeader = Шаблоны ({ $count }):
templates-listLine = • { $name }: { $text }
templates-listHint = В теме покупателя (или ответом на сообщение покупателя) /t покажет их кнопками.
templates-pick = Какой шаблон отправить покупателю? Перед отправкой вы увидите текст.
templates-preview =
    Шаблон «{ $name }» для этого покупателя:

    { $text }
templates-blocked = ⛔ Отправить нельзя: в этом чате нет значения для { $names }.
templates-blockedLength = ⛔ Отправить нельзя: с подставленными значениями текст длиннее { $max } символов.
templates-button-send = Отправить
templates-button-cancel = Отмена
templates-sending = → Отправляю покупателю…
templates-cancelled = → Отменено, ничего не отправлено.
templates-decided = По этому предпросмотру уже решено.
templates-gone = Этот шаблон уже удалили.
templates-blockedShort = Отправить нельзя: для переменной нет значения в этом чате.
templates-notInChat = Используйте /t в теме покупателя или ответом на сообщение покупателя.
