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
# 等待回复的评价和商品问题（第 12 号任务）：/chats、提醒和每日汇总。
desk-count-chats = { $count } 个聊天
desk-count-reviews = { $count } 条评价
desk-count-questions = { $count } 个问题
desk-count-two = { $a }，{ $b }
desk-count-three = { $a }，{ $b }，{ $c }
desk-list-headerAll = ⏳ 等待店铺回复：{ $what }{ $pages ->
        [1] {""}
       *[other] {" "}· 第 { $page }/{ $pages } 页
    }
desk-list-feedback = { $n }. { $kind ->
        [review] ⭐ 评价 { $id } · { $stars } { $rating }/5
       *[other] ❓ 问题 { $id }
    }{ $hasProduct ->
        [0] {""}
       *[other] {" "}· { $product }
    }{ $comment ->
        [1] {" "}· 💬 新评论
       *[other] {""}
    } — { $waited }
desk-list-feedbackNoLink = {"   "}没有链接：请回复我关于{ $kind ->
        [review] 评价
       *[other] 问题
    } { $id }{ $comment ->
        [1] {" "}（新评论）
       *[other] {""}
    }的消息
desk-list-feedbackNotPosted = {"   "}尚未发布到 Telegram
desk-reminderFeedback = ⏰ { $kind ->
        [review] { $comment ->
            [1] 买家对这条评价的新评论
           *[other] 这条评价
        }
       *[other] 这个问题
    }已等待回复 { $waited }。
desk-digest-waiting = 仍在等待回复：{ $what }
desk-digest-about = { $kind ->
        [review] ⭐ 评价 { $id } · { $rating }/5
       *[other] ❓ 问题 { $id }
    }{ $hasProduct ->
        [0] {""}
       *[other] {" "}· { $product }
    }{ $comment ->
        [1] {" "}· 💬 新评论
       *[other] {""}
    }
