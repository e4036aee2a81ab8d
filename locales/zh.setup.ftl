# 通过 Telegram 设置（issue 9）：/id、/team、/setup、机器人被加入群组、启动提示。
# ID 以字符串传入（已格式化），因此数字不分组。

command-id = 本聊天的 ID、话题 ID 和您的 ID
command-team = 谁可以回复买家：/team、/team add、/team remove
command-setup = 选择哪些店铺的买家聊天显示在这里
help-setup =
    设置
    /id – 本聊天的 ID、话题 ID 和您自己的用户 ID。
    /team – 谁可以回复买家。所有者回复某人的消息并发送 /team add（或 /team add <用户 ID>）即可添加，用 /team remove 移除。
    /setup – （所有者）选择哪些店铺的买家聊天显示在本聊天中。

id-chat = 聊天 ID：{ $chatId }
id-topic = 话题 ID：{ $threadId }
id-you = 您的用户 ID：{ $userId }
shops-unnamed = 商家 { $businessId }

team-ownersOnly = 只有机器人的所有者（TELEGRAM_ADMIN_IDS）可以更改团队。请联系其中一位。
team-usage =
    添加成员：回复对方的消息并发送 /team add，或发送 /team add <对方的用户 ID>（对方可用 /id 查看）。
    移除成员：同样使用 /team remove。
    只发送 /team 会列出团队。
team-badId = “{ $arg }”不是 Telegram 用户 ID：必须是整数（对方可用 /id 查看）。团队未更改。
team-notAPerson = 这条消息不是可添加的人发送的（机器人，或以群组/频道身份匿名发言的人）。团队未更改。
team-forwardHidden = Telegram 隐藏了这条转发消息的作者（其隐私设置）。请向对方索要用户 ID（对方可用 /id 查看），然后发送 /team add <ID>。团队未更改。
team-whoNamed = { $name }（{ $userId }）
team-whoId = 用户 { $userId }
team-added = ✅ { $who } 已加入团队：其在买家话题中的消息和对买家的回复会发送给买家。
team-already = { $who } 已在团队中。
team-isOwner = { $who } 是机器人的所有者（TELEGRAM_ADMIN_IDS）。所有者需在机器人设置中更改，不能用 /team。
team-removed = { $who } 已不在团队中：其消息不再发送给买家。
team-notMember = { $who } 不在团队中。未做任何更改。
team-listOwners = 所有者（TELEGRAM_ADMIN_IDS）：{ $list }
team-listMembers = 团队成员：{ $list }
team-listNoMembers = 暂无团队成员。所有者回复某人的消息并发送 /team add 即可添加。

setup-ownersOnly = 只有机器人的所有者（TELEGRAM_ADMIN_IDS）可以选择买家聊天显示的位置。请让其中一位在这里发送 /setup。
setup-ask = 哪些店铺的买家聊天要显示在本聊天中？点击店铺以开启或关闭，然后点击“完成”。
setup-shopHere = ✅ { $name }
setup-shopNotHere = ▫️ { $name }
setup-done = 完成
setup-placed = { $name }：买家聊天从现在起显示在这里。
setup-unplaced = { $name }：买家聊天不再显示在这里。
setup-summaryHere = { $names } 的买家聊天显示在本聊天中。
setup-summaryNone = 没有店铺的买家聊天显示在这里。再次发送 /setup 进行选择。
setup-checkOk = ✅ 一切就绪：每个买家聊天都会有自己的话题。
setup-checkPrivate = 在我们的私聊中，每条买家消息都带有标明其聊天的标题：回复该消息即可回复买家。
setup-checkNotAdmin = ⚠️ 请将我设为本群管理员，并授予“管理话题”权限（群组设置 → 管理员）。否则我无法为每个买家聊天创建话题，也看不到不是回复我的消息。
setup-checkNoTopicsRight = ⚠️ 请授予我“管理话题”权限（群组设置 → 管理员 → 机器人）：为每个买家聊天创建话题需要此权限。
setup-checkTopicsOff = ⚠️ 请在群组设置中开启“话题”。在此之前，买家消息会带着其聊天的标题发到这里；回复该消息即可作答。
setup-checkFailed = 无法检查我在这里的权限（{ $detail }）。请一分钟后再次发送 /setup。
setup-stale = 此问题已过期。请再次发送 /setup。
setup-upgraded = 本群已升级为超级群组，Telegram 给了它新的 ID：{ $to }（原为 { $from }）。通过 /setup 放在这里的店铺已随之迁移：其买家消息会发到这里。升级前的消息无法再通过回复来作答。

join-hello =
    👋 您好！我把 Yandex Market 的买家聊天带到 Telegram，并把您的回复发送给买家。
    下一步：
    1. 将我设为本群管理员，并授予“管理话题”权限。
    2. 在群组设置中开启“话题”。
    3. 在这里发送 /setup，选择哪些店铺的聊天显示在本群。

startup-chatsGo = 店铺“{ $name }”（商家 { $businessId }）：买家聊天发往 Telegram 聊天 { $chatId }（{ $how ->
        [setup] 通过 /setup 选择
       *[other] TELEGRAM_CHAT_ID
    }）。
startup-nowhere = 店铺“{ $name }”（商家 { $businessId }）：买家聊天尚未在 Telegram 中显示。下一步：将机器人加入团队群组并在群内发送 /setup，或在私聊中向机器人发送 /setup。回复 /link 卡片已可使用。
startup-businessUnknown = MARKET_API_KEY：无法确定该密钥所属的商家，因为 MARKET_API_URL（{ $url }）上的 Market 没有响应：{ $why }。请在 Market 恢复后重新启动，或设置 MARKET_BUSINESS_ID。
startup-businessNone = MARKET_API_KEY：Market 未列出该密钥的任何店铺，因此无法确定其商家。请将 MARKET_BUSINESS_ID 设为您的商家 ID。
startup-businessChanged = MARKET_API_KEY 现在属于商家 { $businesses }，而不是上次启动时找到的 { $businessId }：请重新启动机器人以服务该密钥的商家（或设置 MARKET_BUSINESS_ID）。
startup-businessSeveral = MARKET_API_KEY 可访问多个商家（{ $businesses }）：请将 MARKET_BUSINESS_ID 设为本机器人服务的那一个。
