# Several shops in one bot (MARKET_API_KEY with several keys).
shops-topicTitle = { $shop } · { $title }
shops-cardShop = 🏪 Shop: { $shop }
shops-header = 🏪 { $shop } · { $header }
shops-linkCard = Shop: { $shop }
shops-linkWhich = Market chat { $chatId } exists in several shops. Which shop's chat do you mean?
shops-linkUnknownShop = No shop “{ $shop }” here. Send /link <shop> <chat id> with a shop's name or business id, or /link <chat id>.
shops-started = Shops: { $list }; their buyer chats go to { $destination }
shops-gone = Not sent: this chat belongs to the shop with business id { $businessId }, which this bot no longer serves (its Api-Key is not in MARKET_API_KEY).
shops-nowhere = nowhere yet (TELEGRAM_CHAT_ID is not set: /link and replies still work)
startup-marketKeyRefusedOf = MARKET_API_KEY (key { $key } of the list) was refused by Market ({ $status } { $code }): check that it is pasted whole and still active in the cabinet (Settings → API and modules).
startup-marketScopeOf = MARKET_API_KEY (key { $key } of the list) lacks the “Customer communication” (communication) or “All methods” scope (it has: { $scopes }); edit the key in the cabinet (Settings → API and modules).
startup-marketNoBusiness = MARKET_API_KEY (key { $key } of the list): Market shows no campaign (store) for it, so its business is unknown; check the key's cabinet has a store.
startup-businessNotListed = MARKET_BUSINESS_ID { $businessId } is not the business of any MARKET_API_KEY (they belong to { $businesses }); fix MARKET_BUSINESS_ID or leave it empty.
startup-legacyBusiness = MARKET_BUSINESS_ID is needed once: this database was made by a one-shop version and its chats belong to one business, but MARKET_API_KEY lists several ({ $businesses }). Set MARKET_BUSINESS_ID to the business the bot served before; after this start it may be left empty.
