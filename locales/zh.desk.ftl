# 团队工作台（第 11 号任务）：/chats、谁接手聊天、提醒。
command-chats = 等待店铺回复的聊天
desk-list-header = ⏳ 等待店铺回复：{ $total } 个聊天{ $pages ->
        [1] {""}
       *[other] {" "}· 第 { $page }/{ $pages } 页
    }
desk-list-empty = ✅ 没有买家在等待店铺回复。
desk-list-line = { $n }. { $dispute ->
        [1] ⚖️ 争议 ·{" "}
       *[0] {""}
    }{ $kind ->
        [ORDER] 订单 { $id }
        [RETURN] 退货 { $id }
        [DIRECT] 商品问题
       *[other] 聊天
    }{ $hasBuyer ->
        [0] {""}
       *[other] {" "}· { $buyer }
    } — { $waited }{ $hasTaker ->
        [0] {""}
       *[other] {" "}· 🙋 { $taker }
    }
desk-list-noTopic = {"   "}没有话题：请回复我在聊天 { $chatId } 中的最新消息
desk-list-open = { $n } ↗
desk-list-prev = ◀ 上一页
desk-list-next = 下一页 ▶
desk-duration = { $days ->
        [0] { $hours ->
            [0] { $minutes } 分钟
           *[other] { $hours } 小时 { $minutes } 分钟
        }
       *[other] { $days } 天 { $hours } 小时
    }
desk-card-take = 🙋 我来处理
desk-card-release = ↩️ 放开
desk-card-taken = 🙋 { $name } 正在处理此聊天。
desk-took = 此聊天现在由您处理。
desk-released = 已放开：团队中任何人都可以接手。
desk-gone = 机器人已不再知道此聊天。
desk-reminder = ⏰ 买家已等待回复 { $waited }。
