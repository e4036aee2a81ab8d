away-note = 🌙 Auto-reply sent outside working hours:
    { $text }
