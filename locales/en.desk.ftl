# The team's desk (issue 11): /chats, who takes a chat, reminders.
command-chats = Chats waiting for the shop, oldest first
desk-list-header = ⏳ Waiting for the shop: { $total } { $total ->
        [one] chat
       *[other] chats
    }{ $pages ->
        [1] {""}
       *[other] {" "}· page { $page }/{ $pages }
    }
desk-list-empty = ✅ No buyer is waiting for the shop.
desk-list-line = { $n }. { $dispute ->
        [1] ⚖️ Dispute ·{" "}
       *[0] {""}
    }{ $kind ->
        [ORDER] Order { $id }
        [RETURN] Return { $id }
        [DIRECT] Question
       *[other] Chat
    }{ $hasBuyer ->
        [0] {""}
       *[other] {" "}· { $buyer }
    } — { $waited }{ $hasTaker ->
        [0] {""}
       *[other] {" "}· 🙋 { $taker }
    }
desk-list-noTopic = {"   "}no topic: reply to my latest message of chat { $chatId }
desk-list-open = { $n } ↗
desk-list-prev = ◀ Previous
desk-list-next = Next ▶
desk-duration = { $days ->
        [0] { $hours ->
            [0] { $minutes } min
           *[other] { $hours } h { $minutes } min
        }
       *[other] { $days } d { $hours } h
    }
desk-card-take = 🙋 I’ll take it
desk-card-release = ↩️ Release
desk-card-taken = 🙋 { $name } has this chat.
desk-took = This chat is yours now.
desk-released = Released: anyone on the team can take it.
desk-gone = This chat is no longer known to the bot.
desk-reminder = ⏰ The buyer has been waiting { $waited } for a reply.
# Reviews and product questions that wait (issue 12): in /chats, reminders and the digest.
desk-count-chats = { $count } { $count ->
        [one] chat
       *[other] chats
    }
desk-count-reviews = { $count } { $count ->
        [one] review
       *[other] reviews
    }
desk-count-questions = { $count } { $count ->
        [one] question
       *[other] questions
    }
desk-count-two = { $a }, { $b }
desk-count-three = { $a }, { $b }, { $c }
desk-list-headerAll = ⏳ Waiting for the shop: { $what }{ $pages ->
        [1] {""}
       *[other] {" "}· page { $page }/{ $pages }
    }
desk-list-feedback = { $n }. { $kind ->
        [review] ⭐ Review { $id } · { $stars } { $rating }/5
       *[other] ❓ Question { $id }
    }{ $hasProduct ->
        [0] {""}
       *[other] {" "}· { $product }
    }{ $comment ->
        [1] {" "}· 💬 new comment
       *[other] {""}
    } — { $waited }
desk-list-feedbackNoLink = {"   "}no link here: reply to my message about { $kind ->
        [review] review
       *[other] question
    } { $id }{ $comment ->
        [1] {" "}(its new comment)
       *[other] {""}
    }
desk-list-feedbackNotPosted = {"   "}not posted in Telegram yet
desk-reminderFeedback = ⏰ { $kind ->
        [review] { $comment ->
            [1] The buyer’s new comment on this review
           *[other] This review
        }
       *[other] This question
    } has been waiting { $waited } for a reply.
desk-digest-waiting = Still waiting for a reply: { $what }
desk-digest-about = { $kind ->
        [review] ⭐ Review { $id } · { $rating }/5
       *[other] ❓ Question { $id }
    }{ $hasProduct ->
        [0] {""}
       *[other] {" "}· { $product }
    }{ $comment ->
        [1] {" "}· 💬 new comment
       *[other] {""}
    }
