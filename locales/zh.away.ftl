away-note = 🌙 非工作时间自动回复：
    { $text }
