# 评价与商品问题 (issue 12)。消息 id 为 src/texts.ts 的键，点号换成连字符。
feedback-topic-reviews = ⭐ 评价
feedback-topic-questions = ❓ 商品问题
feedback-review-title = { $stars } { $rating }/5 · 评价 { $feedbackId }
feedback-product = 商品：{ $offerId }
feedback-author = 作者：{ $name } · { $date }
feedback-anonymous = 买家
feedback-review-pros = 👍 优点：{ $text }
feedback-review-cons = 👎 缺点：{ $text }
feedback-review-noText = （仅评分，无文字）
feedback-review-photos = 📷 照片（{ $count }）：
feedback-review-videos = 🎬 视频（{ $count }）：
feedback-review-order = 订单：{ $orderId }
feedback-review-earlier = 已有评论（{ $count }）：
feedback-review-hint = 回复此消息即以店铺名义公开回复；如无需回应，请点“跳过”。
feedback-button-skip = 跳过
feedback-review-skipped = → 已跳过：Market 不再将其列为待回应。
feedback-settledElsewhere = → 已在 Market 后台回复或跳过：不再等待。
feedback-answered = → 已回复。
feedback-comment-title = 💬 评价 { $feedbackId } 有新评论，来自 { $name }
feedback-comment-hint = 回复此消息即以店铺名义回复这条评论。
feedback-question-title = ❓ 问题 { $questionId }
feedback-question-hint = 回复此消息即以店铺名义公开回答该问题。
feedback-mayRepeat = ↻ 可能重复显示：Telegram 未确认第一次发送。
feedback-cut = …（此处已截短；完整内容见 Market 后台）
feedback-sent-review = ✓ 已作为店铺评论发布到 Market。
feedback-sent-question = ✓ 已作为店铺回答发布到 Market。
feedback-failed =
    ❌ 未发布到 Market：{ $what }{ $attempts ->
        [1] {""}
       *[other] （已尝试 { $attempts } 次）
    } { $todo }
    { $technical }
feedback-uncertain =
    ❓ 无法确定 Market 是否收到此回答：Market 未确认，且无法查看回答列表。再次回复前请先在 Market 后台查看：再次回复会发布两次。
    { $technical }
feedback-why-rejectedReview = Market 拒绝了此评论。
feedback-why-rejectedReview-todo = 评价的评论中不得包含店铺联系方式（电话、邮箱、即时通讯）或 Market 以外网站的链接；请修改后再次回复。
feedback-why-rejectedQuestion = Market 拒绝了此回答。
feedback-why-rejectedQuestion-todo = Market 给出的原因见下方；请修改后再次回复。
feedback-why-forbidden = 该 Api-Key 无权回复评价和问题，或店铺未启用。
feedback-why-forbidden-todo = 请在 Market 后台（设置 → API 和模块）为该密钥添加“与买家沟通”权限。
feedback-why-not_found = Market 上已没有此评价或问题（可能已被删除）。
feedback-why-not_found-todo = 无需再做任何操作。
feedback-empty = 未发布：回答为空。
feedback-tooLong = 未发布：Market 的回答最多 { $max } 个字符，此回答有 { $length } 个。请缩短后再次回复。
feedback-notText = 未发布：回复评价或问题只能使用文字。
feedback-skip-done = 已跳过。
feedback-skip-already = 已回复或已跳过。
feedback-skip-failed = 未跳过：{ $what } 请稍后再点“跳过”。
help-feedback =
    评价与商品问题
    • 待回应的评价出现在“⭐ 评价”话题中，商品问题出现在“❓ 商品问题”中（无话题的聊天中带标题）。回复即以店铺名义公开回答；👍 表示 Market 已接收。
    • “跳过”表示该评价无需回应。买家对评价的新评论会作为对该评价的回复出现；回复评论即可回答该评论。
    • Market 不接受含联系方式或其他网站链接的评价评论。
