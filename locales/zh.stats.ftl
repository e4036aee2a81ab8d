# /stats 与每日摘要（issue 11）：店铺回复买家的速度。

command-stats = 回复速度：/stats、/stats 7 或 /stats 30 天
stats-usage = 请发送 /stats（7 天）、/stats 7 或 /stats 30：天数为 1 到 90。
stats-summary = 最近 { $days } 天：买家会话 { $conversations } 个，已回复 { $answered } 个。
stats-times = 首次回复：中位数 { $median }，90% 在 { $p90 } 内。
stats-noAnswers = 首次回复：此期间没有已回复的会话。
stats-chart-title = 买家会话与首次回复时间（最近 { $days } 天）
stats-chart-conversations = 会话
stats-chart-median = 中位数（分钟）
stats-chart-p90 = 90%（分钟）
stats-chart-minutes = 分钟
stats-duration-seconds = { $s } 秒
stats-duration-minutes = { $m } 分钟
stats-duration-hours = { $h } 小时 { $m } 分钟
stats-duration-days = { $d } 天 { $h } 小时

digest-title = { $day } 摘要
digest-summary = 买家会话 { $conversations } 个，已回复 { $answered } 个。
digest-waiting = 仍在等待回复：{ $count }
digest-waitLine = • { $about } — { $waited }
digest-more = … 另有 { $count } 个
digest-noneWaiting = 没有买家在等待回复。
digest-openDispute = 争议进行中
digest-about-order = 订单 { $orderId } · { $buyer }
digest-about-return = 退货 { $returnId } · { $buyer }
digest-about-question = 商品问题 · { $buyer }
digest-about-chat = 会话 { $chatId } · { $buyer }
digest-about-dispute = 争议 · { $about }
digest-buyer = 买家
