# Set-up from Telegram (issue 9): /id, /team, /setup, the bot joining a group, the start-up line.
# Ids arrive as strings (formatted before they are passed), so no digit grouping applies.

command-id = This chat’s id, the topic’s id and yours
command-team = Who may write to buyers: /team, /team add, /team remove
command-setup = Choose which shops’ buyer chats appear here
help-setup =
    Setting up
    /id – this chat’s id, the topic’s id and your own user id.
    /team – who may write to buyers. Owners add someone with /team add as a reply to their message (or /team add <user id>), and remove with /team remove.
    /setup – (owners) choose which shops’ buyer chats appear in this chat.

id-chat = Chat id: { $chatId }
id-topic = Topic id: { $threadId }
id-you = Your user id: { $userId }
shops-unnamed = Business { $businessId }

team-ownersOnly = Only the bot’s owners (TELEGRAM_ADMIN_IDS) can change the team. Ask one of them to do it.
team-usage =
    To add someone: reply to a message of theirs with /team add, or send /team add <their user id> (they see it with /id).
    To remove someone: /team remove, the same way.
    /team alone lists the team.
team-badId = “{ $arg }” is not a Telegram user id: it must be a whole number (the person sees theirs with /id). Nobody was changed.
team-notAPerson = That message was not sent by a person who can be added (a bot, or someone writing anonymously as a group or channel). Nobody was changed.
team-forwardHidden = Telegram hides who wrote that forwarded message (their privacy settings). Ask them for their user id (they see it with /id) and send /team add <id>. Nobody was changed.
team-whoNamed = { $name } ({ $userId })
team-whoId = User { $userId }
team-added = ✅ { $who } is on the team now: their messages in buyer topics and their replies to buyers go to the buyers.
team-already = { $who } is on the team already.
team-isOwner = { $who } is an owner of the bot (TELEGRAM_ADMIN_IDS). Owners are changed in the bot’s settings, not with /team.
team-removed = { $who } is no longer on the team: their messages are not sent to buyers any more.
team-notMember = { $who } is not on the team. Nobody was changed.
team-listOwners = Owners (TELEGRAM_ADMIN_IDS): { $list }
team-listMembers = Team members: { $list }
team-listNoMembers = Team members: none yet. An owner adds someone with /team add as a reply to their message.

setup-ownersOnly = Only the bot’s owners (TELEGRAM_ADMIN_IDS) can choose where buyer chats appear. Ask one of them to send /setup here.
setup-ask = Which shops’ buyer chats should appear in this chat? Press a shop to switch it on or off, then press Done.
setup-shopHere = ✅ { $name }
setup-shopNotHere = ▫️ { $name }
setup-done = Done
setup-placed = { $name }: its buyer chats appear here from now on.
setup-unplaced = { $name }: its buyer chats no longer appear here.
setup-summaryHere = Buyer chats of { $names } appear in this chat.
setup-summaryNone = No shop’s buyer chats appear in this chat. Send /setup again to choose.
setup-checkOk = ✅ I can work here: each buyer chat gets its own topic.
setup-checkPrivate = Here, in our private chat, each buyer message comes with a header naming its chat: reply to it to answer the buyer.
setup-checkNotAdmin = ⚠️ Make me an administrator of this group with the “Manage topics” right (group settings → Administrators). Without it I can’t open a topic per buyer chat, and I don’t see messages that are not replies to mine.
setup-checkNoTopicsRight = ⚠️ Give me the “Manage topics” right (group settings → Administrators → me): I need it to open a topic per buyer chat.
setup-checkTopicsOff = ⚠️ Turn on Topics in the group’s settings. Until then buyer messages come here with a header naming their chat; answer by replying to them.
setup-checkFailed = I could not check my rights here ({ $detail }). Send /setup again in a minute.
setup-stale = This question is out of date. Send /setup again.
setup-upgraded = This group was upgraded to a supergroup, and Telegram gave it a new id: { $to } (it was { $from }). The shops placed here with /setup follow it: their buyer messages arrive here. Messages from before the upgrade can no longer be answered by replying to them.

join-hello =
    👋 Hello! I bring your Yandex Market buyer chats into Telegram and send your answers to the buyers.
    Next steps:
    1. Make me an administrator of this group with the “Manage topics” right.
    2. Turn on Topics in the group’s settings.
    3. Send /setup here and choose which shops’ chats appear in this group.

startup-chatsGo = Shop “{ $name }” (business { $businessId }): buyer chats go to Telegram chat { $chatId } ({ $how ->
        [setup] chosen with /setup
       *[other] TELEGRAM_CHAT_ID
    }).
startup-nowhere = Shop “{ $name }” (business { $businessId }): buyer chats are not shown in Telegram yet. Next step: add the bot to your team’s group and send /setup there, or write /setup to the bot in private. Replies to /link cards work already.
startup-businessUnknown = MARKET_API_KEY: cannot find the key’s business (cabinet), because Market at MARKET_API_URL ({ $url }) did not answer: { $why }. Start again once Market answers, or set MARKET_BUSINESS_ID.
startup-businessNone = MARKET_API_KEY: Market lists no shop for this key, so its business (cabinet) can’t be found. Set MARKET_BUSINESS_ID to your cabinet’s id.
startup-businessChanged = MARKET_API_KEY now belongs to business { $businesses }, not to { $businessId } found at an earlier start: start the bot again to serve the key’s business (or set MARKET_BUSINESS_ID).
startup-businessSeveral = MARKET_API_KEY reaches several businesses ({ $businesses }): set MARKET_BUSINESS_ID to the one this bot serves.
