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
