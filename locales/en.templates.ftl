# Answer templates (issue 11), en. Ids: the src/texts.ts key with dots as hyphens. Literal braces are written {"{"} and {"}"}.

templates-usage = Templates: reply to a message with /template add <name> to save its text; /template del <name> deletes one; /templates lists them. In a buyer’s topic (or as a reply to a buyer’s message), /t offers them as buttons. Variables: {"{"}buyer{"}"}, {"{"}order{"}"}, {"{"}shop{"}"}, {"{"}date{"}"}.
templates-saved = Template “{ $name }” saved. In a buyer’s topic, /t offers it.
templates-replaced = Template “{ $name }” replaced with the new text.
templates-replyNeeded = Reply to the message whose text should become the template, with /template add <name>.
templates-badName = A template name is 1 to 32 letters, digits, _ or - (it goes on a button). Nothing saved.
templates-empty = That message has no text to save. Nothing saved.
templates-tooLong = That text is { $length } characters; a template can have at most { $max }. Nothing saved.
templates-unknownVariable = Unknown variable { $names }: templates know {"{"}buyer{"}"}, {"{"}order{"}"}, {"{"}shop{"}"} and {"{"}date{"}"}. Nothing saved.
templates-deleted = Template “{ $name }” deleted.
templates-notFound = There is no template “{ $name }”.
templates-none = No templates yet. Reply to a message with /template add <name> to save its text as one.
templates-listHeader = Templates ({ $count }):
templates-listLine = • { $name }: { $text }
templates-listHint = In a buyer’s topic (or as a reply to a buyer’s message), /t offers them as buttons.
templates-pick = Which template for this buyer? You will see the text before it is sent.
templates-preview =
    Template “{ $name }” for this buyer:

    { $text }
templates-blocked = ⛔ Cannot be sent: this chat has no value for { $names }.
templates-blockedLength = ⛔ Cannot be sent: filled in, it is longer than { $max } characters.
templates-button-send = Send
templates-button-cancel = Cancel
templates-sending = → Sending to the buyer…
templates-cancelled = → Cancelled, nothing sent.
templates-decided = This preview was already decided.
templates-gone = That template was deleted meanwhile.
templates-blockedShort = Cannot be sent: a variable has no value in this chat.
templates-notInChat = Use /t in a buyer’s topic, or as a reply to a buyer’s message.
