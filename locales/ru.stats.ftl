# /stats и ежедневная сводка (issue 11): как быстро магазин отвечает покупателям.

command-stats = Скорость ответов: /stats, /stats 7 или /stats 30 дней
stats-usage = Напишите /stats (7 дней), /stats 7 или /stats 30: число дней от 1 до 90.
stats-summary = За { $days } дн.: обращений покупателей — { $conversations }, с ответом — { $answered }.
stats-times = Первый ответ: медиана { $median }, 90% — быстрее { $p90 }.
stats-noAnswers = Первый ответ: за этот период ответов не было.
stats-chart-title = Обращения покупателей и время до первого ответа, { $days } дн.
stats-chart-conversations = Обращения
stats-chart-median = Медиана, мин
stats-chart-p90 = 90%, мин
stats-chart-minutes = мин
stats-duration-seconds = { $s } с
stats-duration-minutes = { $m } мин
stats-duration-hours = { $h } ч { $m } мин
stats-duration-days = { $d } д { $h } ч

digest-title = Сводка за { $day }
digest-summary = Обращений покупателей — { $conversations }, с ответом — { $answered }.
digest-waiting = Ждут ответа: { $count }
digest-waitLine = • { $about } — { $waited }
digest-more = … и ещё { $count }
digest-noneWaiting = Ответа никто не ждёт.
digest-openDispute = открыт спор
digest-about-order = Заказ { $orderId } · { $buyer }
digest-about-return = Возврат { $returnId } · { $buyer }
digest-about-question = Вопрос · { $buyer }
digest-about-chat = Чат { $chatId } · { $buyer }
digest-about-dispute = Спор · { $about }
digest-buyer = покупатель
