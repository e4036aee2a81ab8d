# market-bridge: every sentence a seller reads, in English.
# Message id = the key used in the code with dots replaced by hyphens (t('relay.sent') -> relay-sent).
# Plain text (no parse_mode). Numbers are passed without digit grouping; dates arrive already formatted.

## Words used inside other messages

words-status = { $status ->
    [NEW] new
    [WAITING_FOR_CUSTOMER] waiting for the buyer
    [WAITING_FOR_PARTNER] waiting for your reply
    [WAITING_FOR_ARBITER] waiting for the arbiter
    [WAITING_FOR_MARKET] waiting for Market
    [FINISHED] finished
   *[other] { $status }
}
words-subject-order = Order { $orderId }
words-subject-return = Return { $returnId }
words-subject-returnOfOrder = Return { $returnId } (order { $orderId })
words-subject-direct = Question from a product page
words-subject-question = Question
words-subject-chat = Chat { $chatId }
words-subject-dispute = Dispute: { $subject }
words-dispute = Dispute
words-buyer = buyer
words-unknown = ?
words-sender = { $sender ->
    [CUSTOMER] 👤 Buyer
    [PARTNER] 🏪 Shop, from the Market cabinet
    [MARKET] 🤖 Market (automatic message)
    [SUPPORT] 🛟 Market support
   *[other] ❔ { $sender }
}
words-bytes = { $n } B
words-kilobytes = { $n } KB
words-megabytes = { $n } MB
words-inSeconds = in about { $n } s
words-inMinutes = in about { $n } min (at { $at })
words-at = at { $at }
words-none = none
words-file = file
words-noAnswer = no answer
words-media = { $what ->
    [stickers] stickers
    [voice_messages] voice messages
    [video_notes] video notes
    [photos] photos
    [GIFs] GIFs
    [files] files
    [videos] videos
    [audio_files] audio files
    [contacts] contacts
    [locations] locations
    [polls] polls
    [dice] dice
    [stories] stories
    [games] games
   *[other] such messages
}

## Time zone labels (BOT_TIMEZONE); other zones show their UTC offset
time-zone-moscow = MSK

## /start, /help, /language and the command menu

start-greeting = Hello! I bring your Yandex Market buyer chats into Telegram and send your answers to the buyers.
start-next-notTeam = Next step: ask an owner of the bot to add you to the team: they reply /team add to a message of yours (your Telegram id is { $userId }). Until then nothing you write is sent to buyers.
start-next-setup = Next step: choose where buyer chats appear. Add me to your team’s group (as an administrator with the “Manage topics” right, Topics turned on) and send /setup there, or send /setup here ({ $chatId }) to get them in this chat.
start-next-answer = To answer a buyer: write in the buyer’s topic, or reply to a buyer’s message. 👍 on your message means Market accepted it. /help shows more.
help = I connect this Telegram chat with your Yandex Market buyer chats.

    • In a buyer’s topic, every message you write goes to the buyer.
    • Anywhere, reply to a buyer’s message (or a /link card) to answer that buyer.
    • 👍 = Market accepted it; ⏳ = waiting for Market’s limit; ❌ = not delivered (the reason follows); ❓ = unconfirmed, you decide.
    • Messages starting with // are team notes: never sent.

    /link <chat id> · /unlink · /status · /language
    { $team ->
        [no] You are not on the team (an owner adds you with /team add): your messages are not sent to buyers.
       *[yes] {""}
    }
help-more = More about answering

    • Photos and documents (up to 5 MB) are sent too, the caption as a message right after the file. Stickers, voice, video and other media are not sent.
    • Edits are not sent (Market messages can’t be edited): send a new message instead.
    • /link <chat id> links this topic to a Market chat (or gives you a card to reply to). The chat id is the number in the chat’s address in the Market cabinet.
    • /unlink stops sending this topic to Market.
    • /status shows the linked chat and the latest deliveries.
    • /language ru, en or zh sets the bot’s language in this chat.
    • /translate zh (or another language) shows buyers’ messages translated and previews your replies in the buyer’s language; /translate off stops it.
    • /chats – buyers, reviews and questions waiting for the shop, oldest first; “🙋 I’ll take it” on a chat card says who answers it.
    • /t in a buyer’s topic – your answer templates (buyer, order, shop and date filled in); save one with /template add <name> as a reply.
    • /stats, /stats 30 – how fast the shop answered (a chart).
help-button-more = More…
help-button-back = « Back
command-help = What this bot does and how to answer buyers
command-link = Link this topic to a Market chat: /link <chat id>
command-unlink = Stop sending this topic to Market
command-status = Linked chat and the latest deliveries
command-language = Bot language here: /language ru, en or zh
language-current = The bot speaks English in this chat. Change it: /language ru, /language en or /language zh.
language-set = Done: the bot speaks English in this chat now.
language-usage = “{ $arg }” is not a language I speak. Use /language ru, /language en or /language zh.
language-ownersOnly = Only the bot’s owners (TELEGRAM_ADMIN_IDS) can change the language of a group. Ask one of them.

## Who may use the bot

auth-refused = Sorry, only the shop’s team can use this command. Ask an owner of the bot to add you with /team add (/id shows your id).
auth-notRelayed = Not sent to the buyer: only the shop’s team may write to buyers. Ask an owner of the bot to add you with /team add (your Telegram id: { $userId }).
auth-anonymous = Not sent: this was sent anonymously, as the group. Anonymous admins cannot be identified, so the bot never sends their messages to buyers or takes their commands. To write to buyers, turn off “Remain anonymous” in your administrator rights (group settings → Administrators).

## /link, /unlink

link-usage = Usage: /link <chat id>
    The chat id is the number in the chat’s address in the Market cabinet (…/chats/<chat id>), e.g. /link 12345678.
link-badId = “{ $arg }” is not a Market chat id: it must be a positive whole number, e.g. /link 12345678. Nothing was linked.
link-checking = Checking Market chat { $chatId }…
link-notFound = Market has no chat { $chatId } in this business (or it was deleted). Check the number in the cabinet’s chat address. Nothing was linked.
link-failed = Could not check Market chat { $chatId }: { $what }. { $todo } Nothing was linked.
    { $technical }
link-card = 🔗 Linked to Market chat { $chatId }
    { $subject } · { $buyer }
    Status: { $status }
    Started: { $started }

    { $mode ->
        [topic] Every message in this topic now goes to the buyer (except //notes). Reply to this message from anywhere to answer too.
       *[reply] Reply to this message to answer the buyer.
    }
link-movedFrom = (This chat was linked to another topic before (#{ $threadId }); that link is removed.)
unlink-done = Unlinked from Market chat { $chatId }. Messages here are no longer sent to the buyer.
unlink-notLinked = Nothing to unlink here. Use /unlink inside a linked topic, or as a reply to a message of the chat you want to unlink.
link-relinkAsk = ⚠️ This topic is already linked to Market chat { $current }{ $currentAbout }.
    Messages written here keep going to that buyer until you confirm the move.

    Move this topic to Market chat { $nextId } ({ $nextSubject } · { $nextBuyer }, { $nextStatus })?{ $nextHome ->
        [none] {""}
       *[other] {"\u000A"}Market chat { $nextId } has its own topic (#{ $nextHome }): after the move that topic no longer sends to the buyer.
    }
    Market chat { $current } then gets a new topic with its next message; replies to its messages above still reach that buyer.
link-relinkAbout = { " " }({ $subject } · { $buyer })
link-moveButton = Move to chat { $chatId }
link-keepButton = Keep chat { $chatId }
link-moved = → Moved to Market chat { $to }: messages here now go to that buyer. Market chat { $from } gets a new topic with its next message.
link-kept = → Kept: this topic still goes to Market chat { $chatId }.
link-stale = This question is out of date: the topic’s link changed meanwhile. Nothing was moved; use /link again.
link-homeLeft = Market chat { $chatId } was moved to another topic (#{ $threadId }). Messages written here are no longer sent to Market chat { $chatId }; replies to its messages above still reach that buyer.
link-plainTitle = Market chat { $chatId }
link-leftTitle = ↪ moved to #{ $threadId }: { $title }

## /status

status-none = This topic is not linked to a Market chat. Use /link <chat id> to link it, or reply to a buyer’s message to answer it.
status-header = { $linked ->
    [no] Latest deliveries from this chat:
    [plain] Linked to Market chat { $chatId }.
   *[full] Linked to Market chat { $chatId }: { $subject } · { $buyer } · { $status }
}
status-noDeliveries = No messages sent from here yet.
status-line = { $at } { $state }: “{ $text }”{ $detail ->
    [none] {""}
   *[other] {" "}({ $detail })
}
status-state = { $state ->
    [pending] ⏳ waiting
    [sending] ⏳ sending
    [delivered] ✓ delivered
    [refused] ✗ refused
    [failed] ✗ failed
    [uncertain] ❓ unconfirmed
    [cancelled] – not sent
   *[other] { $state }
}
status-file = 📎 { $name }
status-withheld = [not kept: it contained a secret]
status-queue = { $waiting ->
    [one] { $waiting } message waiting to be sent.
   *[other] { $waiting } messages waiting to be sent.
}

## The relay's answers, always a reply to the seller's message

relay-sent = ✓ Sent to the buyer.
relay-sentAfterWait = ✓ Sent to the buyer (it had to wait for Market’s limit).
relay-sentAgain = ✓ Sent again: the buyer has it now.
relay-mayRepeat = ↻ Possibly shown twice: Telegram did not confirm the first post of this reply.
relay-empty = Not sent: the message is empty.
relay-tooLong = Not sent: Market accepts at most { $max } characters per message and this one has { $length }. Split it into shorter messages.
relay-unsupported = Not sent: { $what } can’t be sent to Market buyers yet. Only text, photos and documents are sent for now.
relay-secret = Not sent: this message contains the bot’s token or the Market Api-Key. It was not sent or stored. Delete it from this chat, and consider issuing a new key.
relay-edited = Your edit was not sent: Market messages can’t be edited, so the buyer keeps the original text. Send a new message if something needs correcting.
relay-replyHint = To answer a buyer, reply to one of their messages (or to a /link card). Messages that are not replies are not sent anywhere.
relay-waiting = { $why ->
    [quota] ⏳ Queued: the shop’s hourly Market limit for messages is used up. It will be sent automatically { $when }.
    [rate_limited] ⏳ Market asked to slow down (rate limit). It will be retried automatically { $when }.
   *[retrying] ⏳ Market did not answer properly; retrying { $when }.
} 👍 on your message means it went.
relay-failed = ❌ Not delivered: { $what }{ $attempts ->
    [1] {""}
   *[other] {" "}(tried { $attempts } times)
}. { $todo }
    { $technical }
relay-uncertain = ❓ I can’t tell whether the buyer got this message: Market did not confirm it and its chat history could not be checked. Send it again? If it did arrive, the buyer will see it twice.
    { $technical }
relay-button-resend = Send again
relay-button-drop = Don’t send
relay-resent = Sending again…
relay-dropped = Not sent again. The buyer may or may not have it.
relay-decided = Already decided.

## What went wrong (-what, without a final full stop) and what to do (-todo)

why-rejected = Market refused this message
why-rejected-todo = Buyer messages must not contain contact details (phone, e-mail, messengers) or links; rephrase it and send again.
why-unauthorized = Market did not accept the bridge’s Api-Key
why-unauthorized-todo = The shop owner needs to check MARKET_API_KEY (Market cabinet → Settings → API and modules) and restart the bot.
why-forbidden = the Api-Key may not write to buyer chats, or the shop is not active
why-forbidden-todo = Give the key the “Customer communication” scope in the Market cabinet (Settings → API and modules).
why-not_found = Market does not know this chat (it may have been deleted)
why-not_found-todo = Check the chat and /link it again.
why-rate_limited = Market’s rate limit would not let it through in time
why-rate_limited-todo = Send it again later.
why-locked = Market has locked the business for now (for example during a migration)
why-locked-todo = Send it again later.
why-server = Market had an internal error
why-server-todo = Send it again in a few minutes.
why-bad_response = Market answered with something that is not its usual reply
why-bad_response-todo = Send it again in a few minutes.
why-timeout = Market did not answer in time
why-timeout-todo = Send it again in a few minutes.
why-network = the bridge could not connect to Market
why-network-todo = Check the server’s internet connection; send it again later.
why-quota = the shop’s hourly Market limit is used up
why-quota-todo = It will be sent when the limit frees up.
files-why-download = the bridge could not download the file from Telegram
files-why-download-todo = Send the file again.

## Photos and documents sent to buyers

files-tooLarge = Not sent: Market accepts files of at most { $max } and this one is { $size }. Send a smaller file (a photo sent as a photo, not as a file, is compressed by Telegram).
files-captionTooLong = Not sent: the caption goes to the buyer as a message, and Market accepts at most { $max } characters per message; this one has { $length }. Nothing was sent, not even the file: send it again with a shorter caption.
files-captionFailed = ❌ The file was delivered, but its caption was not: { $what }{ $attempts ->
    [1] {""}
   *[other] {" "}(tried { $attempts } times)
}. { $todo }
    { $technical }
files-captionUncertain = ❓ The file was delivered, but I can’t tell whether the buyer got its caption: Market did not confirm it and its chat history could not be checked. Send the caption again? If it did arrive, the buyer will see it twice.
    { $technical }

## An update the bridge could not handle

intake-notHandled = ❌ { $what ->
    [command] This command was not carried out
    [button] That button press was not carried out
   *[message] This message was not sent to the buyer
}: the bridge failed to handle it{ $attempts ->
    [1] {""}
   *[other] {" "}(tried { $attempts } times)
}. { $what ->
    [message] Send it again
   *[other] Try again
} once that is fixed.
    { $why }
intake-why-database = The bridge could not write to its database: { $detail }
intake-why-telegram = Telegram refused a request of the bridge: { $detail }
intake-why-network = The bridge could not reach Telegram.
intake-why-other = Internal error: { $detail }

## Buyer chats shown in Telegram

inbound-title = { $dispute ->
    [yes] ⚖️{" "}
   *[no] {""}
}{ $waiting ->
    [yes] ❗{" "}
   *[no] {""}
}{ $subject }
inbound-card = 🛒 { $subject }
    Market chat { $chatId } · { $arbitrage ->
        [yes] ⚖️ dispute (arbitrage)
       *[no] chat with the buyer
    }
    Status: { $status }{ $about ->
        [none] {""}
       *[other] {"\u000A"}{ $about }
    }
    Buyer: { $buyer ->
        [none] not shown by Market
       *[other] { $buyer }
    }{ $started ->
        [none] {""}
       *[other] {"\u000A"}Started: { $started }
    }

    Every message you write in this topic goes to the buyer (except //notes).{ $skipped ->
        [0] {""}
        [one] {"\u000A"}{ $skipped } earlier message of this chat is not shown here; it is in the Market cabinet.
       *[other] {"\u000A"}{ $skipped } earlier messages of this chat are not shown here; they are in the Market cabinet.
    }
inbound-card-return = Return: { $returnId }
inbound-card-returnOfOrder = Return: { $returnId } (order { $orderId })
inbound-card-order = Order: { $orderId }
inbound-card-direct = Question from a product page
inbound-sender = { words-sender }
inbound-header = 💬 { $subject } (chat { $chatId }){ $sender ->
    [none] {""}
   *[other] { " " }— { words-sender }
}
inbound-empty = (empty message)
inbound-mayRepeat = ↻ Possibly shown twice: Telegram did not confirm the first post of this message.
inbound-fileLink = 📎 { $name } ({ $size }) — could not be attached here; open it: { $url }
inbound-disputeOpened = ⚖️ A dispute (arbitrage) has started in this chat: Market’s arbiter will read the conversation.
inbound-disputeFinished = ⚖️ The dispute (arbitrage) in this chat has ended.
inbound-finished = ✔ Market has finished this chat. A new message from the buyer opens it again.
inbound-vanished = ⚠️ Market no longer has this chat (it answers “not found”), so replies to it can’t be delivered.
inbound-topicsRefused = I can’t create a topic for each Market chat here (Telegram says: { $reason }).
    Until I can, buyer messages appear in this chat with a header naming their Market chat: reply to one to answer that buyer.
    To get a topic per chat, turn on Topics in the group’s settings and make me an administrator with the “Manage topics” right.
inbound-entry = { words-sender } · { $time }
inbound-mayRepeatSeveral = ↻ Possibly shown twice: Telegram did not confirm the first post of these messages.

## Told to the team in their private chats when the bot can no longer post where buyer chats appear

presence-removed = ⚠️ I was removed from { $where }, so buyer messages can’t be shown there. I keep recording them and post them there, in order, as soon as you add me back (as an administrator with the “Manage topics” right).
presence-restricted = ⚠️ I may no longer send messages in { $where }, so buyer messages can’t be shown there. I keep recording them and post them there, in order, as soon as I may write again (best: make me an administrator with the “Manage topics” right).
presence-back = ✅ I can post in { $where } again.{ $waiting ->
    [0] {""}
    [one] {" "}The { $waiting } buyer message recorded meanwhile is being posted now.
   *[other] {" "}The { $waiting } buyer messages recorded meanwhile are being posted now, in order.
}
presence-topicRightsLost = ⚠️ I can no longer manage topics in { $where }: new buyer chats appear there as messages with a header (reply to one to answer), and topics no longer close or reopen with their chat.{ $admin ->
    [yes] {""}
   *[no] {" "}As a non-administrator I may also miss what you write in topics (Telegram’s privacy mode).
} Make me an administrator with the “Manage topics” right again.
presence-where = { $kind ->
    [titled] “{ $title }”
    [private] our private chat
   *[chat] the chat { $chatId } (TELEGRAM_CHAT_ID)
}

## The group upgraded to a supergroup

group-upgraded = This group was upgraded to a supergroup, and Telegram gave it a new id: { $to } (it was { $from }).
    The bot follows it: buyer messages now arrive here.
    Put TELEGRAM_CHAT_ID={ $to } in the bot’s settings (.env) so that the configuration says so too.
    Messages from before the upgrade can no longer be answered by replying to them: wait for the buyer’s next message, or use /link <chat id> in a topic.

## Start-up: one line each, printed as "start-up: <line>"; each names the setting to fix

startup-telegramRefused = TELEGRAM_BOT_TOKEN was refused by Telegram ({ $status } { $description }): copy the token again from @BotFather.
startup-telegramUnreachable = Cannot reach Telegram at TELEGRAM_API_ROOT ({ $root }): { $why }. Check this server’s internet connection and firewall (is api.telegram.org blocked here?) and TELEGRAM_API_ROOT, then start again.
startup-chatRefused = TELEGRAM_CHAT_ID { $chatId } is not a chat this bot is in (Telegram says: { $description }). Add the bot to that group (as an administrator with the “Manage topics” right), or, for a private chat, send /start to the bot first; or correct TELEGRAM_CHAT_ID.
startup-chatNotJoined = TELEGRAM_CHAT_ID { $chatId } is not a chat this bot is in ({ $status ->
    [kicked] the bot was removed from it
   *[left] the bot is not a member
}). Add the bot to that group again (as an administrator with the “Manage topics” right), or correct TELEGRAM_CHAT_ID.
startup-marketScope = MARKET_API_KEY lacks the "communication" scope needed to write to buyers (it has: { $scopes }). Add “Customer communication” to the key in the Market cabinet (Settings → API and modules).
startup-marketBusiness = MARKET_BUSINESS_ID { $businessId } is not the business of this Api-Key (it belongs to { $businesses }).
startup-marketKeyRefused = MARKET_API_KEY was refused by Market (HTTP { $status }{ $code ->
    [none] {""}
   *[other] {" "}{ $code }
}): check the key in the Market cabinet (Settings → API and modules).
startup-marketUnreachable = Cannot reach Market at MARKET_API_URL ({ $url }): { $why }. Starting anyway: replies wait in the queue until Market answers; checking again every minute.
startup-marketStillUnreachable = Still cannot reach Market at MARKET_API_URL ({ $url }) since { $since }: { $why }. Replies are waiting; checking again in a minute.
startup-marketAnswers = Market at MARKET_API_URL ({ $url }) answers now: the Api-Key is checked, waiting replies go out.
startup-database = DATABASE_PATH ({ $path }) { $problem ->
    [directory] cannot be used: its directory does not exist and cannot be created. Give a path in an existing, writable directory (default data/bridge.sqlite).
    [is_directory] is a directory: give the path of a file in it, e.g. data/bridge.sqlite.
    [read_only] cannot be used: the bridge is not allowed to write there (read-only file, directory or file system). It needs to write the file and the -wal, -shm and -lock files beside it; give a writable path or fix the permissions.
    [not_database] is not an SQLite database: check the path (the bridge creates the file itself when it does not exist).
    [damaged] is a damaged SQLite database: restore it from a backup, or move it away to start with an empty one.
    [in_use] is in use by another market-bridge process: only one may run per database (two would answer the same buyers). Stop the other one first.
    [migrations] could not be brought up to date for this version of the bridge: it may belong to another program, or to a newer version of the bridge.
   *[other] cannot be opened.
} ({ $detail })

## While running: printed as "fatal: <line>" before the bot stops

fatal-tokenRevoked = Telegram refused getUpdates ({ $status } { $description }): TELEGRAM_BOT_TOKEN is no longer valid (revoked or replaced in @BotFather?). Copy the current token from @BotFather and start the bridge again.
fatal-conflict = Telegram refused getUpdates ({ $status } { $description }): another program is receiving this bot’s updates with the same token (a second copy of the bridge, or a webhook someone set). Stop it, then start the bridge again.
fatal-pollingStopped = Polling Telegram stopped unexpectedly: { $detail }
startup-portInUse = { $name } { $port } is already in use by another program.
startup-portFailed = { $name } { $port }: { $detail }

## Settings: printed as "config: <line>", one per variable; each starts with the variable's name

config-required = { $name } is required
config-requiredWhenWebhook = { $name } is required when BOT_MODE=webhook
config-seeExample = see .env.example for every setting.
config-invalid = { $name } is invalid
config-positiveInt = { $name } must be a positive integer
config-tooLarge = { $name } is too large
config-chatId = { $name } must be a numeric Telegram chat id (e.g. -1001234567890)
config-port = { $name } must be a port number (0-65535)
config-url = { $name } must be an http(s) URL
config-adminIdsEmpty = { $name } must list at least one Telegram user id
config-adminIdsFormat = { $name } must be comma-separated numeric Telegram user ids
config-adminIdsNotPeople = { $name } must list people: 1087968824 is Telegram’s stand-in for anonymous group admins (and 136817688 for channels, 777000 for Telegram itself), who cannot be identified; remove it, and have admins turn off “Remain anonymous” to write to buyers
config-ipList = { $name } must be comma-separated IPs or CIDR ranges
config-token = { $name } does not look like a bot token from @BotFather (123456:ABC-…)
config-apiKey = { $name } must not contain spaces (paste the key without "Bearer")
config-notifySecret = { $name } must be 16-256 characters of A-Z, a-z, 0-9, _ and -
config-webhookSecret = { $name } must be 1-256 characters of A-Z, a-z, 0-9, _ and -
config-host = { $name } must be a host name or IP address (e.g. 127.0.0.1)
config-oneOf = { $name } must be one of { $values }
config-timeZone = { $name } must be an IANA time zone name, e.g. Europe/Moscow or Asia/Shanghai
