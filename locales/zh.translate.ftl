# Translation between buyer and seller (issue 10), zh. Ids: the src/texts.ts key with dots as hyphens.

command-translate = 在此翻译买家聊天：/translate zh、/translate zh auto、/translate off
translate-usage = 用法：/translate <语言>，此处的买家消息会附上译成您语言的译文（例如 /translate zh）；您用该语言写的消息会先显示给买家的译文，确认后再发送。/translate zh auto：不询问，直接发送译文。/translate off：关闭。
translate-current = 此处已开启翻译：{ $lang }，{ $mode }。
translate-mode-preview = 发送前预览
translate-mode-auto = 不预览直接发送（auto）
translate-currentOff = 此处未开启翻译。
translate-notConfigured = 此机器人尚未设置翻译。请机器人所有者在设置中填写 TRANSLATE_PROVIDER（yandex 或 deepl）及其密钥，然后重启机器人。
translate-badCode = “{ $code }”不是语言代码。请使用两个字母的代码，例如 /translate zh 或 /translate en。未做任何更改。
translate-unsupported = 翻译服务（{ $provider }）不支持译成“{ $code }”。未做任何更改。
translate-checkFailed =
    无法开启翻译：{ $why } 未做任何更改，请稍后再试。
    { $technical }
translate-on = 🌐 翻译已开启：此处的买家消息会附上译文（{ $lang }）。您用该语言（{ $lang }）写的消息会先显示给买家的译文，并附“发送译文”和“发送原文”按钮。
translate-onAuto = 🌐 翻译已开启（auto）：此处的买家消息会附上译文（{ $lang }）。您用该语言（{ $lang }）写的消息会立即翻译并发送，译文显示在您的消息下方。
translate-off = 翻译已关闭：此处的消息按原样显示和发送。
translate-buyer =
    🌐 { $from } → { $to }
    { $text }
translate-buyerFailed = 🌐 未翻译：{ $why }
translate-preview =
    🌐 尚未发送。买家将收到（{ $to }）：

    { $text }
translate-auto =
    🌐 已发送给买家（{ $to }）：

    { $text }
translate-failed =
    ⚠️ 未发送：您的消息无法翻译：{ $why } 买家未收到任何内容。您可以按原样发送原文，或取消后稍后重写。
    { $technical }
translate-button-send = 发送译文
translate-button-original = 发送原文
translate-button-cancel = 取消
translate-sending = → 正在发送译文。您的消息上出现 👍 表示买家已收到。
translate-sendingOriginal = → 正在发送您的原文。您的消息上出现 👍 表示买家已收到。
translate-cancelled = → 已取消：未发送任何内容。
translate-decided = 已处理：不会再发送。
translate-why-auth = 翻译服务拒绝了机器人的密钥（请所有者检查 { $variable }）。
translate-why-quota = 翻译套餐的字符额度暂时已用完。
translate-why-rate_limited = 翻译服务要求机器人降低请求频率。
translate-why-unavailable = 翻译服务没有响应。
translate-why-rejected = 翻译服务拒绝了这段文字。
translate-why-too_long = 译文太长，一条消息放不下；请把文字拆成几条较短的消息。
