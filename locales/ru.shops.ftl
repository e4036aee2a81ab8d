# Несколько магазинов в одном боте (MARKET_API_KEY с несколькими ключами).
shops-topicTitle = { $shop } · { $title }
shops-cardShop = 🏪 Магазин: { $shop }
shops-header = 🏪 { $shop } · { $header }
shops-linkCard = Магазин: { $shop }
shops-linkWhich = Чат { $chatId } есть в нескольких магазинах. Чат какого магазина вы имеете в виду?
shops-linkUnknownShop = Магазина «{ $shop }» здесь нет. Отправьте /link <магазин> <номер чата> с названием или ID кабинета, или /link <номер чата>.
shops-started = Магазины: { $list }; чаты с покупателями идут в { $destination }
shops-gone = Не отправлено: этот чат относится к кабинету { $businessId }, который бот больше не обслуживает (его Api-Key нет в MARKET_API_KEY).
shops-nowhere = пока никуда (TELEGRAM_CHAT_ID не задан: /link и ответы работают)
startup-marketKeyRefusedOf = MARKET_API_KEY (ключ { $key } в списке) отклонён Маркетом ({ $status } { $code }): проверьте, что ключ вставлен целиком и активен в кабинете (Настройки → API и модули).
startup-marketScopeOf = У MARKET_API_KEY (ключ { $key } в списке) нет доступа «Общение с покупателями» (communication) или «Все методы» (есть: { $scopes }); измените ключ в кабинете (Настройки → API и модули).
startup-marketNoBusiness = MARKET_API_KEY (ключ { $key } в списке): Маркет не показывает для него ни одного магазина, поэтому кабинет неизвестен; проверьте, что в кабинете ключа есть магазин.
startup-businessNotListed = MARKET_BUSINESS_ID { $businessId } не совпадает ни с одним кабинетом ключей MARKET_API_KEY (их кабинеты: { $businesses }); исправьте MARKET_BUSINESS_ID или оставьте его пустым.
startup-legacyBusiness = Один раз нужен MARKET_BUSINESS_ID: база создана версией для одного магазина, и её чаты относятся к одному кабинету, а в MARKET_API_KEY несколько ключей ({ $businesses }). Укажите в MARKET_BUSINESS_ID кабинет, с которым бот работал раньше; после этого запуска его можно не задавать.
