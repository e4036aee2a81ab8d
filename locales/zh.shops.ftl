# 一个机器人管理多个店铺（MARKET_API_KEY 含多个密钥）。
shops-topicTitle = { $shop } · { $title }
shops-cardShop = 🏪 店铺：{ $shop }
shops-header = 🏪 { $shop } · { $header }
shops-linkCard = 店铺：{ $shop }
shops-linkWhich = 聊天 { $chatId } 存在于多个店铺中。您指的是哪个店铺的聊天？
shops-linkUnknownShop = 这里没有店铺“{ $shop }”。请发送 /link <店铺> <聊天编号>（店铺名称或商家 ID），或 /link <聊天编号>。
shops-started = 店铺：{ $list }；买家聊天发送到 { $destination }
shops-gone = 未发送：此聊天属于商家 ID { $businessId } 的店铺，本机器人已不再为其服务（MARKET_API_KEY 中没有它的 Api-Key）。
shops-nowhere = 暂无去处（未设置 TELEGRAM_CHAT_ID：/link 和回复仍可使用）
startup-marketKeyRefusedOf = MARKET_API_KEY（列表中第 { $key } 个密钥）被 Market 拒绝（{ $status } { $code }）：请检查密钥是否完整粘贴，并在后台仍然有效（设置 → API 和模块）。
startup-marketScopeOf = MARKET_API_KEY（列表中第 { $key } 个密钥）缺少“与买家沟通”（communication）或“所有方法”权限（现有：{ $scopes }）；请在后台修改密钥（设置 → API 和模块）。
startup-marketNoBusiness = MARKET_API_KEY（列表中第 { $key } 个密钥）：Market 未显示其任何店铺，无法确定商家；请确认该密钥的后台有店铺。
startup-businessNotListed = MARKET_BUSINESS_ID { $businessId } 不属于任何 MARKET_API_KEY（它们属于 { $businesses }）；请改正 MARKET_BUSINESS_ID 或留空。
startup-legacyBusiness = 需要设置一次 MARKET_BUSINESS_ID：此数据库由单店铺版本创建，其聊天属于一个商家，但 MARKET_API_KEY 列出了多个（{ $businesses }）。请将 MARKET_BUSINESS_ID 设为机器人之前服务的商家；本次启动后可留空。
