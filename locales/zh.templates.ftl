# 回复模板 (issue 11), zh. Ids: src/texts.ts 的键，点换成连字符。花括号写作 {"{"} 和 {"}"}。

templates-usage = 模板：回复一条消息并发送 /template add <名称>，即可把它的文字存为模板；/template del <名称> 删除模板；/templates 列出模板。在买家的话题中（或回复买家的消息）发送 /t，模板会以按钮显示。变量：{"{"}buyer{"}"}（买家）、{"{"}order{"}"}（订单）、{"{"}shop{"}"}（店铺）、{"{"}date{"}"}（今天）。
templates-saved = 模板“{ $name }”已保存。在买家的话题中，/t 会提供它。
templates-replaced = 模板“{ $name }”已替换为新文字。
templates-replyNeeded = 请用 /template add <名称> 回复要存为模板的那条消息。
templates-badName = 模板名称为 1 到 32 个字母、数字、_ 或 -（会显示在按钮上）。未保存。
templates-empty = 这条消息没有文字。未保存。
templates-tooLong = 该文字有 { $length } 个字符，模板最多 { $max } 个。未保存。
templates-unknownVariable = 未知变量 { $names }：模板支持 {"{"}buyer{"}"}、{"{"}order{"}"}、{"{"}shop{"}"} 和 {"{"}date{"}"}。未保存。
templates-deleted = 模板“{ $name }”已删除。
templates-notFound = 没有模板“{ $name }”。
templates-none = 还没有模板。回复一条消息并发送 /template add <名称>，即可保存它的文字。
templates-listHeader = 模板（{ $count }）：
templates-listLine = • { $name }：{ $text }
templates-listHint = 在买家的话题中（或回复买家的消息）发送 /t，模板会以按钮显示。
templates-pick = 给这位买家发送哪个模板？发送前您会看到文字。
templates-preview =
    给这位买家的模板“{ $name }”：

    { $text }
templates-blocked = ⛔ 无法发送：此聊天没有 { $names } 的值。
templates-blockedLength = ⛔ 无法发送：填入后超过 { $max } 个字符。
templates-button-send = 发送
templates-button-cancel = 取消
templates-sending = → 正在发送给买家…
templates-cancelled = → 已取消，未发送。
templates-decided = 此预览已处理。
templates-gone = 该模板已被删除。
templates-blockedShort = 无法发送：此聊天中有变量没有值。
templates-notInChat = 请在买家的话题中发送 /t，或回复买家的消息。
