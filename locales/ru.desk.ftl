# Стол команды (задача 11): /chats, кто взял чат, напоминания.
command-chats = Чаты, которые ждут ответа магазина
desk-list-header = ⏳ Ждут ответа магазина: { $total } { $total ->
        [one] чат
        [few] чата
       *[many] чатов
    }{ $pages ->
        [1] {""}
       *[other] {" "}· стр. { $page }/{ $pages }
    }
desk-list-empty = ✅ Ответа магазина никто не ждёт.
desk-list-line = { $n }. { $dispute ->
        [1] ⚖️ Спор ·{" "}
       *[0] {""}
    }{ $kind ->
        [ORDER] Заказ { $id }
        [RETURN] Возврат { $id }
        [DIRECT] Вопрос
       *[other] Чат
    }{ $hasBuyer ->
        [0] {""}
       *[other] {" "}· { $buyer }
    } — { $waited }{ $hasTaker ->
        [0] {""}
       *[other] {" "}· 🙋 { $taker }
    }
desk-list-noTopic = {"   "}без темы: ответьте на моё последнее сообщение чата { $chatId }
desk-list-open = { $n } ↗
desk-list-prev = ◀ Назад
desk-list-next = Дальше ▶
desk-duration = { $days ->
        [0] { $hours ->
            [0] { $minutes } мин
           *[other] { $hours } ч { $minutes } мин
        }
       *[other] { $days } д { $hours } ч
    }
desk-card-take = 🙋 Беру
desk-card-release = ↩️ Отдать
desk-card-taken = 🙋 Чат ведёт { $name }.
desk-took = Теперь это ваш чат.
desk-released = Чат свободен: его может взять любой из команды.
desk-gone = Бот больше не знает этот чат.
desk-reminder = ⏰ Покупатель ждёт ответа { $waited }.
# Отзывы и вопросы о товарах, которые ждут ответа (задача 12): в /chats, напоминаниях и сводке.
desk-count-chats = { $count } { $count ->
        [one] чат
        [few] чата
       *[many] чатов
    }
desk-count-reviews = { $count } { $count ->
        [one] отзыв
        [few] отзыва
       *[many] отзывов
    }
desk-count-questions = { $count } { $count ->
        [one] вопрос
        [few] вопроса
       *[many] вопросов
    }
desk-count-two = { $a }, { $b }
desk-count-three = { $a }, { $b }, { $c }
desk-list-headerAll = ⏳ Ждут ответа магазина: { $what }{ $pages ->
        [1] {""}
       *[other] {" "}· стр. { $page }/{ $pages }
    }
desk-list-feedback = { $n }. { $kind ->
        [review] ⭐ Отзыв { $id } · { $stars } { $rating }/5
       *[other] ❓ Вопрос { $id }
    }{ $hasProduct ->
        [0] {""}
       *[other] {" "}· { $product }
    }{ $comment ->
        [1] {" "}· 💬 новый комментарий
       *[other] {""}
    } — { $waited }
desk-list-feedbackNoLink = {"   "}без ссылки: ответьте на моё сообщение { $kind ->
        [review] об отзыве
       *[other] о вопросе
    } { $id }{ $comment ->
        [1] {" "}(новый комментарий)
       *[other] {""}
    }
desk-list-feedbackNotPosted = {"   "}ещё не опубликован в Telegram
desk-reminderFeedback = ⏰ { $kind ->
        [review] { $comment ->
            [1] Новый комментарий покупателя к этому отзыву ждёт
           *[other] Этот отзыв ждёт
        }
       *[other] Этот вопрос ждёт
    } ответа { $waited }.
desk-digest-waiting = Ждут ответа: { $what }
desk-digest-about = { $kind ->
        [review] ⭐ Отзыв { $id } · { $rating }/5
       *[other] ❓ Вопрос { $id }
    }{ $hasProduct ->
        [0] {""}
       *[other] {" "}· { $product }
    }{ $comment ->
        [1] {" "}· 💬 новый комментарий
       *[other] {""}
    }
