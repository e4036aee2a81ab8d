# market-bridge：卖家看到的每一句话（简体中文，用 Yandex Market 卖家后台的说法）。
# 消息 id = 代码里的键，点换成连字符。变量与 en.ftl 相同。

## 用在其他消息里的词

words-status = { $status ->
    [NEW] 新
    [WAITING_FOR_CUSTOMER] 等待买家回复
    [WAITING_FOR_PARTNER] 等待店铺回复
    [WAITING_FOR_ARBITER] 等待仲裁员处理
    [WAITING_FOR_MARKET] 等待 Market 回复
    [FINISHED] 已结束
   *[other] { $status }
}
words-subject-order = 订单 { $orderId }
words-subject-return = 退货 { $returnId }
words-subject-returnOfOrder = 退货 { $returnId }（订单 { $orderId }）
words-subject-direct = 来自商品页面的提问
words-subject-question = 提问
words-subject-chat = 聊天 { $chatId }
words-subject-dispute = 争议：{ $subject }
words-dispute = 争议
words-buyer = 买家
words-unknown = ?
words-sender = { $sender ->
    [CUSTOMER] 👤 买家
    [PARTNER] 🏪 店铺（来自 Market 卖家后台）
    [MARKET] 🤖 Market（自动消息）
    [SUPPORT] 🛟 Market 客服
   *[other] ❔ { $sender }
}
words-bytes = { $n } B
words-kilobytes = { $n } KB
words-megabytes = { $n } MB
words-inSeconds = 约 { $n } 秒后
words-inMinutes = 约 { $n } 分钟后（{ $at }）
words-at = 于 { $at }
words-none = 无
words-file = 文件
words-noAnswer = 无应答
words-media = { $what ->
    [stickers] 贴纸
    [voice_messages] 语音消息
    [video_notes] 视频消息
    [photos] 照片
    [GIFs] GIF 动图
    [files] 文件
    [videos] 视频
    [audio_files] 音频文件
    [contacts] 联系人
    [locations] 位置
    [polls] 投票
    [dice] 骰子
    [stories] 快拍
    [games] 游戏
   *[other] 此类消息
}

## 时区（BOT_TIMEZONE）；其他时区显示与 UTC 的时差
time-zone-moscow = 莫斯科时间

## /start、/help、/language 和命令菜单

start-greeting = 您好！我把 Yandex Market 的买家聊天带到 Telegram，并把您的回复发给买家。
start-next-notTeam = 下一步：请机器人的所有者把您加入团队：他们回复您的消息 /team add（您的 Telegram id 是 { $userId }）。在此之前，您写的内容不会发给买家。
start-next-setup = 下一步：选择买家聊天显示在哪里。把我加入团队群组（设为有“管理话题”权限的管理员，并开启“话题”），然后在群里发送 /setup；或在这里（{ $chatId }）发送 /setup，让聊天显示在本聊天中。
start-next-answer = 回复买家：在该买家的话题里直接写，或回复（reply）买家的消息。您的消息上出现 👍 表示 Market 已接收。更多说明：/help。
help = 我把这个 Telegram 聊天和您在 Yandex Market 的买家聊天连接起来。

    • 在买家的话题里，您写的每条消息都会发给买家。
    • 在任何聊天里，回复（reply）买家的消息或 /link 卡片，即可回复该买家。
    • 👍 = Market 已接收；⏳ = 等待 Market 限额；❌ = 未送达（下方有原因）；❓ = 未确认，由您决定。
    • 以 // 开头的消息是团队备注，不会发给买家。

    /link <聊天 id> · /unlink · /status · /language
    { $team ->
        [no] 您不在团队中（所有者可用 /team add 添加您）：您的消息不会发给买家。
       *[yes] {""}
    }
help-more = 关于回复的更多说明

    • 照片和文档（最大 5 MB）也会发送，说明文字在文件之后作为单独一条消息发送。贴纸、语音、视频等其他内容不会发送。
    • 编辑不会发送（Market 消息无法修改）：请重新发一条。
    • /link <聊天 id> 把本话题与 Market 聊天关联（或给您一张可回复的卡片）。聊天 id 是卖家后台聊天地址中的数字。
    • /unlink 停止把本话题发往 Market。
    • /status 显示关联的聊天和最近的发送结果。
    • /language ru、en 或 zh 设置本聊天中机器人的语言。
    • /translate zh（或其他语言）显示买家消息的翻译，并先预览译成买家语言的回复；/translate off 关闭。
    • /chats – 等待店铺回复的买家、评价和商品问题，等待最久的在前；聊天卡片上的“我来处理”表示由谁回复。
    • 在买家话题中发送 /t – 您的回复模板（自动填入买家、订单、店铺和日期）；回复某条消息并发送 /template add <名称> 保存。
    • /stats、/stats 30 – 店铺的回复速度（图表）。
help-button-more = 更多…
help-button-back = « 返回
command-help = 机器人的功能以及如何回复买家
command-link = 把本话题关联到 Market 聊天：/link <聊天 id>
command-unlink = 停止把本话题发往 Market
command-status = 关联的聊天和最近的发送结果
command-language = 本聊天的机器人语言：/language ru、en 或 zh
language-current = 本聊天中机器人使用中文。更改：/language ru、/language en 或 /language zh。
language-set = 好的：本聊天中机器人现在使用中文。
language-usage = “{ $arg }”不是我支持的语言。请使用 /language ru、/language en 或 /language zh。
language-ownersOnly = 只有机器人的所有者（TELEGRAM_ADMIN_IDS）可以更改群组的语言。请联系其中一位。

## 谁可以使用机器人

auth-refused = 抱歉，只有店铺团队可以使用此命令。请机器人的所有者用 /team add 把您加入团队（/id 可查看您的 id）。
auth-notRelayed = 未发给买家：只有店铺团队可以给买家写消息。请机器人的所有者用 /team add 把您加入团队（您的 Telegram id：{ $userId }）。
auth-anonymous = 未发送：这条消息是以群组身份匿名发送的。匿名管理员无法识别身份，所以机器人不会把他们的消息发给买家，也不执行他们的命令。要给买家写消息，请在您的管理员权限中关闭“保持匿名”（群组设置 → 管理员）。

## /link、/unlink

link-usage = 用法：/link <聊天 id>
    聊天 id 是卖家后台中聊天地址里的数字（…/chats/<聊天 id>），例如 /link 12345678。
link-badId = “{ $arg }”不是 Market 聊天 id：必须是正整数，例如 /link 12345678。未关联任何聊天。
link-checking = 正在检查 Market 聊天 { $chatId }…
link-notFound = 本店铺在 Market 上没有聊天 { $chatId }（或已被删除）。请核对后台聊天地址中的数字。未关联任何聊天。
link-failed = 无法检查 Market 聊天 { $chatId }：{ $what }。{ $todo } 未关联任何聊天。
    { $technical }
link-card = 🔗 已关联 Market 聊天 { $chatId }
    { $subject } · { $buyer }
    状态：{ $status }
    开始时间：{ $started }

    { $mode ->
        [topic] 现在本话题中的每条消息都会发给买家（//备注除外）。在任何聊天中回复本消息也可以回复买家。
       *[reply] 回复本消息即可回复买家。
    }
link-movedFrom = （此聊天之前关联的是另一个话题（#{ $threadId }），该关联已解除。）
unlink-done = 已解除与 Market 聊天 { $chatId } 的关联。这里的消息不再发给买家。
unlink-notLinked = 这里没有可解除的关联。请在已关联的话题中使用 /unlink，或回复要解除的聊天中的一条消息。
link-relinkAsk = ⚠️ 本话题已关联 Market 聊天 { $current }{ $currentAbout }。
    在您确认转移之前，这里写的消息仍然发给那位买家。

    把本话题转到 Market 聊天 { $nextId }（{ $nextSubject } · { $nextBuyer }，{ $nextStatus }）吗？{ $nextHome ->
        [none] {""}
       *[other] {"\u000A"}Market 聊天 { $nextId } 有自己的话题（#{ $nextHome }）：转移后该话题不再发给买家。
    }
    之后 Market 聊天 { $current } 的下一条消息会出现在新话题中；回复上方它的消息仍会送达那位买家。
link-relinkAbout = （{ $subject } · { $buyer }）
link-moveButton = 转到聊天 { $chatId }
link-keepButton = 保留聊天 { $chatId }
link-moved = → 已转到 Market 聊天 { $to }：这里的消息现在发给这位买家。Market 聊天 { $from } 的下一条消息会出现在新话题中。
link-kept = → 已保留：本话题仍关联 Market 聊天 { $chatId }。
link-stale = 此问题已过期：话题的关联在此期间已改变。未做任何转移；请重新使用 /link。
link-homeLeft = Market 聊天 { $chatId } 已转到另一个话题（#{ $threadId }）。这里写的消息不再发往 Market 聊天 { $chatId }；回复上方它的消息仍会送达那位买家。
link-plainTitle = Market 聊天 { $chatId }
link-leftTitle = ↪ 已转到 #{ $threadId }：{ $title }

## /status

status-none = 本话题未关联 Market 聊天。使用 /link <聊天 id> 关联，或回复买家的消息来回复。
status-header = { $linked ->
    [no] 本聊天最近的发送：
    [plain] 已关联 Market 聊天 { $chatId }。
   *[full] 已关联 Market 聊天 { $chatId }：{ $subject } · { $buyer } · { $status }
}
status-noDeliveries = 这里还没有发送过消息。
status-line = { $at } { $state }：“{ $text }”{ $detail ->
    [none] {""}
   *[other] {" "}（{ $detail }）
}
status-state = { $state ->
    [pending] ⏳ 等待中
    [sending] ⏳ 发送中
    [delivered] ✓ 已送达
    [refused] ✗ 被拒绝
    [failed] ✗ 失败
    [uncertain] ❓ 未确认
    [cancelled] – 未发送
   *[other] { $state }
}
status-file = 📎 { $name }
status-withheld = [未保存：包含密钥]
status-queue = { $waiting } 条消息等待发送。

## 对卖家消息的回应

relay-sent = ✓ 已发给买家。
relay-sentAfterWait = ✓ 已发给买家（等待了 Market 的限额）。
relay-sentAgain = ✓ 已重新发送：买家现在收到了。
relay-mayRepeat = ↻ 可能显示了两次：Telegram 没有确认这条回复的第一次发送。
relay-empty = 未发送：消息为空。
relay-tooLong = 未发送：Market 每条消息最多 { $max } 个字符，这条有 { $length } 个。请拆成几条较短的消息。
relay-unsupported = 未发送：{ $what }暂时无法发给 Market 买家。目前只发送文字、照片和文档。
relay-secret = 未发送：这条消息包含机器人的 token 或 Market 的 Api-Key。它没有被发送或保存。请从本聊天中删除它，并考虑生成新的密钥。
relay-edited = 您的编辑没有发送：Market 的消息无法修改，买家看到的仍是原文。如需更正，请重新发一条。
relay-replyHint = 要回复买家，请回复（reply）买家的某条消息（或 /link 卡片）。不是回复的消息不会发往任何地方。
relay-waiting = { $why ->
    [quota] ⏳ 排队中：店铺每小时的 Market 消息限额已用完。将于{ $when }自动发送。
    [rate_limited] ⏳ Market 要求放慢速度（频率限制）。将于{ $when }自动重试。
   *[retrying] ⏳ Market 没有正常应答；将于{ $when }重试。
}您的消息上出现 👍 表示已发出。
relay-failed = ❌ 未送达：{ $what }{ $attempts ->
    [1] {""}
   *[other] （已尝试 { $attempts } 次）
}。{ $todo }
    { $technical }
relay-uncertain = ❓ 无法确定买家是否收到这条消息：Market 没有确认，聊天记录也无法核对。要重新发送吗？如果其实已送达，买家会看到两次。
    { $technical }
relay-button-resend = 重新发送
relay-button-drop = 不发送
relay-resent = 正在重新发送…
relay-dropped = 未重新发送。买家可能收到了，也可能没有。
relay-decided = 已经决定过了。

## 出了什么问题（结尾不加句号）以及怎么办（-todo）

why-rejected = Market 拒绝了这条消息
why-rejected-todo = 发给买家的消息不能包含联系方式（电话、邮箱、即时通讯）或链接；请改写后重新发送。
why-unauthorized = Market 不接受机器人的 Api-Key
why-unauthorized-todo = 店铺所有者需要检查 MARKET_API_KEY（卖家后台 → 设置 → API 和模块）并重启机器人。
why-forbidden = 该 Api-Key 无权给买家聊天写消息，或店铺未启用
why-forbidden-todo = 在卖家后台（设置 → API 和模块）给密钥添加“与买家沟通”权限。
why-not_found = Market 找不到这个聊天（可能已被删除）
why-not_found-todo = 请检查该聊天并重新 /link。
why-rate_limited = Market 的频率限制没有让它及时通过
why-rate_limited-todo = 请稍后重新发送。
why-locked = Market 暂时锁定了该店铺（例如在数据迁移期间）
why-locked-todo = 请稍后重新发送。
why-server = Market 内部错误
why-server-todo = 请几分钟后重新发送。
why-bad_response = Market 的应答不同寻常
why-bad_response-todo = 请几分钟后重新发送。
why-timeout = Market 没有及时应答
why-timeout-todo = 请几分钟后重新发送。
why-network = 机器人无法连接 Market
why-network-todo = 请检查服务器的网络连接；稍后重新发送。
why-quota = 店铺每小时的 Market 限额已用完
why-quota-todo = 限额恢复后会自动发送。
files-why-download = 机器人无法从 Telegram 下载该文件
files-why-download-todo = 请重新发送该文件。

## 发给买家的照片和文档

files-tooLarge = 未发送：Market 接受的文件最大 { $max }，这个文件是 { $size }。请发送较小的文件（以照片而非文件方式发送的照片会被 Telegram 压缩）。
files-captionTooLong = 未发送：说明文字会作为一条消息发给买家，而 Market 每条消息最多 { $max } 个字符；这段有 { $length } 个。什么都没有发送，文件也没有：请用较短的说明重新发送。
files-captionFailed = ❌ 文件已送达，但说明文字没有：{ $what }{ $attempts ->
    [1] {""}
   *[other] （已尝试 { $attempts } 次）
}。{ $todo }
    { $technical }
files-captionUncertain = ❓ 文件已送达，但无法确定买家是否收到说明文字：Market 没有确认，聊天记录也无法核对。要重新发送说明吗？如果其实已送达，买家会看到两次。
    { $technical }

## 机器人无法处理的更新

intake-notHandled = ❌ { $what ->
    [command] 此命令未执行
    [button] 此按钮操作未执行
   *[message] 此消息未发给买家
}：机器人处理失败{ $attempts ->
    [1] {""}
   *[other] （已尝试 { $attempts } 次）
}。问题解决后请{ $what ->
    [message] 重新发送
   *[other] 重试
}。
    { $why }
intake-why-database = 机器人无法写入数据库：{ $detail }
intake-why-telegram = Telegram 拒绝了机器人的请求：{ $detail }
intake-why-network = 机器人无法连接 Telegram。
intake-why-other = 内部错误：{ $detail }

## 显示在 Telegram 中的买家聊天

inbound-title = { $dispute ->
    [yes] ⚖️{" "}
   *[no] {""}
}{ $waiting ->
    [yes] ❗{" "}
   *[no] {""}
}{ $subject }
inbound-card = 🛒 { $subject }
    Market 聊天 { $chatId } · { $arbitrage ->
        [yes] ⚖️ 争议（仲裁）
       *[no] 与买家的聊天
    }
    状态：{ $status }{ $about ->
        [none] {""}
       *[other] {"\u000A"}{ $about }
    }
    买家：{ $buyer ->
        [none] Market 未显示
       *[other] { $buyer }
    }{ $started ->
        [none] {""}
       *[other] {"\u000A"}开始时间：{ $started }
    }

    您在本话题中写的每条消息都会发给买家（//备注除外）。{ $skipped ->
        [0] {""}
       *[other] {"\u000A"}此聊天较早的 { $skipped } 条消息没有显示在这里；可在 Market 卖家后台查看。
    }
inbound-card-return = 退货：{ $returnId }
inbound-card-returnOfOrder = 退货：{ $returnId }（订单 { $orderId }）
inbound-card-order = 订单：{ $orderId }
inbound-card-direct = 来自商品页面的提问
inbound-sender = { words-sender }
inbound-header = 💬 { $subject }（聊天 { $chatId }）{ $sender ->
    [none] {""}
   *[other] { " " }— { words-sender }
}
inbound-empty = （空消息）
inbound-mayRepeat = ↻ 可能显示了两次：Telegram 没有确认这条消息的第一次发送。
inbound-fileLink = 📎 { $name }（{ $size }）— 无法在这里附上；打开：{ $url }
inbound-disputeOpened = ⚖️ 此聊天已开启争议（仲裁）：Market 仲裁员将查看对话。
inbound-disputeFinished = ⚖️ 此聊天的争议（仲裁）已结束。
inbound-finished = ✔ Market 已结束此聊天。买家发来新消息时会重新打开。
inbound-vanished = ⚠️ Market 上已没有这个聊天（应答“未找到”），回复无法送达。
inbound-topicsRefused = 我无法在这里为每个 Market 聊天创建话题（Telegram 的回答：{ $reason }）。
    在能创建之前，买家消息会带着标明 Market 聊天的标题出现在本聊天中：回复某条消息即可回复该买家。
    要让每个聊天有自己的话题，请在群组设置中开启“话题”，并把我设为有“管理话题”权限的管理员。
inbound-entry = { words-sender } · { $time }
inbound-mayRepeatSeveral = ↻ 可能显示了两次：Telegram 没有确认这些消息的第一次发送。

## 机器人无法在买家聊天所在处发消息时，私聊告诉团队

presence-removed = ⚠️ 我被移出了{ $where }，买家消息无法在那里显示。我会继续记录，您把我加回去（设为有“管理话题”权限的管理员）后按顺序发出。
presence-restricted = ⚠️ 我不能再在{ $where }发消息，买家消息无法在那里显示。我会继续记录，一旦可以发消息就按顺序发出（最好把我设为有“管理话题”权限的管理员）。
presence-back = ✅ 我又可以在{ $where }发消息了。{ $waiting ->
    [0] {""}
   *[other] 期间记录的 { $waiting } 条买家消息正在按顺序发出。
}
presence-topicRightsLost = ⚠️ 我不能再管理{ $where }的话题：新的买家聊天会以带标题的消息出现在那里（回复某条即可回复买家），话题也不再随聊天关闭或重新打开。{ $admin ->
    [yes] {""}
   *[no] 作为非管理员，我还可能看不到您在话题里写的内容（Telegram 的隐私模式）。
}请重新把我设为有“管理话题”权限的管理员。
presence-where = { $kind ->
    [titled] “{ $title }”
    [private] 我们的私聊
   *[chat] 聊天 { $chatId }（TELEGRAM_CHAT_ID）
}

## 群组升级为超级群组

group-upgraded = 本群组已升级为超级群组，Telegram 给了它新的 id：{ $to }（原来是 { $from }）。
    机器人已跟随过来：买家消息现在发到这里。
    请在机器人的设置（.env）中填写 TELEGRAM_CHAT_ID={ $to }，让配置也保持一致。
    升级前的消息无法再通过回复来回答：请等待买家的下一条消息，或在话题中使用 /link <聊天 id>。

## 启动：每个问题一行，打印为 "start-up: <行>"；每行都指出要改的设置

startup-telegramRefused = Telegram 拒绝了 TELEGRAM_BOT_TOKEN（{ $status } { $description }）：请从 @BotFather 重新复制 token。
startup-telegramUnreachable = 无法连接 TELEGRAM_API_ROOT（{ $root }）上的 Telegram：{ $why }。请检查服务器的网络和防火墙（这里是否屏蔽了 api.telegram.org？）以及 TELEGRAM_API_ROOT，然后重新启动。
startup-chatRefused = TELEGRAM_CHAT_ID { $chatId } 不是机器人所在的聊天（Telegram 的回答：{ $description }）。请把机器人加入该群组（设为有“管理话题”权限的管理员），私聊则先给机器人发送 /start；或更正 TELEGRAM_CHAT_ID。
startup-chatNotJoined = TELEGRAM_CHAT_ID { $chatId } 不是机器人所在的聊天（{ $status ->
    [kicked] 机器人已被移出
   *[left] 机器人不是成员
}）。请把机器人重新加入该群组（设为有“管理话题”权限的管理员），或更正 TELEGRAM_CHAT_ID。
startup-marketScope = MARKET_API_KEY 缺少给买家写消息所需的“与买家沟通”（communication）权限（现有：{ $scopes }）。请在卖家后台（设置 → API 和模块）为密钥添加该权限。
startup-marketBusiness = MARKET_BUSINESS_ID { $businessId } 不是此 Api-Key 所属的店铺（它属于 { $businesses }）。
startup-marketKeyRefused = Market 拒绝了 MARKET_API_KEY（HTTP { $status }{ $code ->
    [none] {""}
   *[other] {" "}{ $code }
}）：请在卖家后台（设置 → API 和模块）检查密钥。
startup-marketUnreachable = 无法连接 MARKET_API_URL（{ $url }）上的 Market：{ $why }。仍然启动：回复在队列中等待，直到 Market 应答；每分钟检查一次。
startup-marketStillUnreachable = 自 { $since } 起仍无法连接 MARKET_API_URL（{ $url }）上的 Market：{ $why }。回复在等待；一分钟后再检查。
startup-marketAnswers = MARKET_API_URL（{ $url }）上的 Market 现在有应答了：Api-Key 已检查，等待中的回复正在发出。
startup-database = DATABASE_PATH（{ $path }）{ $problem ->
    [directory] 无法使用：所在目录不存在且无法创建。请指定一个已存在、可写的目录中的路径（默认 data/bridge.sqlite）。
    [is_directory] 是一个目录：请指定其中一个文件的路径，例如 data/bridge.sqlite。
    [read_only] 无法使用：机器人无权写入（文件、目录或文件系统只读）。它需要写入该文件以及旁边的 -wal、-shm 和 -lock 文件；请指定可写路径或修正权限。
    [not_database] 不是 SQLite 数据库：请检查路径（文件不存在时机器人会自己创建）。
    [damaged] 是损坏的 SQLite 数据库：请从备份恢复，或把它移走，从空数据库开始。
    [in_use] 正被另一个 market-bridge 进程使用：每个数据库只能运行一个（两个会回复同样的买家）。请先停止另一个。
    [migrations] 无法升级到此版本机器人所需的结构：它可能属于其他程序，或属于更新版本的机器人。
   *[other] 无法打开。
}（{ $detail }）

## 运行中：停止前打印为 "fatal: <行>"

fatal-tokenRevoked = Telegram 拒绝了 getUpdates（{ $status } { $description }）：TELEGRAM_BOT_TOKEN 已失效（在 @BotFather 中被撤销或更换？）。请从 @BotFather 复制当前 token 后重新启动。
fatal-conflict = Telegram 拒绝了 getUpdates（{ $status } { $description }）：另一个程序正用同一 token 接收此机器人的更新（第二个机器人副本，或有人设置了 webhook）。请停止它，然后重新启动。
fatal-pollingStopped = 从 Telegram 获取更新意外停止：{ $detail }
startup-portInUse = { $name } { $port } 已被其他程序占用。
startup-portFailed = { $name } { $port }：{ $detail }

## 设置：打印为 "config: <行>"，每个变量一行；每行以变量名开头

config-required = { $name } 为必填项
config-requiredWhenWebhook = BOT_MODE=webhook 时 { $name } 为必填项
config-seeExample = 所有设置见 .env.example。
config-invalid = { $name } 的值无效
config-positiveInt = { $name } 必须是正整数
config-tooLarge = { $name } 数值过大
config-chatId = { $name } 必须是数字形式的 Telegram 聊天 id（例如 -1001234567890）
config-port = { $name } 必须是端口号（0-65535）
config-url = { $name } 必须是 http(s) 地址
config-adminIdsEmpty = { $name } 至少要列出一个 Telegram 用户 id
config-adminIdsFormat = { $name } 必须是用逗号分隔的数字 Telegram 用户 id
config-adminIdsNotPeople = { $name } 必须列出真人：1087968824 是 Telegram 用来代替匿名群管理员的 id（136817688 代表频道，777000 代表 Telegram 本身），无法识别身份；请删除它，并让管理员关闭“保持匿名”后再给买家写消息
config-ipList = { $name } 必须是用逗号分隔的 IP 或 CIDR 网段
config-token = { $name } 看起来不像 @BotFather 给的机器人 token（123456:ABC-…）
config-apiKey = { $name } 不能包含空格（粘贴密钥时不要带 "Bearer"）
config-notifySecret = { $name } 必须是 16-256 个 A-Z、a-z、0-9、_ 和 - 字符
config-webhookSecret = { $name } 必须是 1-256 个 A-Z、a-z、0-9、_ 和 - 字符
config-host = { $name } 必须是主机名或 IP 地址（例如 127.0.0.1）
config-oneOf = { $name } 必须是以下之一：{ $values }
config-timeZone = { $name } 必须是 IANA 时区名称，例如 Europe/Moscow 或 Asia/Shanghai
