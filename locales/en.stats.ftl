# /stats and the daily digest (issue 11): how fast the shop answers buyers.

command-stats = How fast the shop answers: /stats, /stats 7 or /stats 30 days
stats-usage = Use /stats (7 days), /stats 7 or /stats 30: the number of days, 1 to 90.
stats-summary = Last { $days } days: { $conversations } buyer conversations, { $answered } answered.
stats-times = First reply: median { $median }, 90% within { $p90 }.
stats-noAnswers = First reply: no conversation was answered in this period.
stats-chart-title = Buyer conversations and time to the first reply, last { $days } days
stats-chart-conversations = Conversations
stats-chart-median = Median, min
stats-chart-p90 = 90%, min
stats-chart-minutes = min
stats-duration-seconds = { $s } s
stats-duration-minutes = { $m } min
stats-duration-hours = { $h } h { $m } min
stats-duration-days = { $d } d { $h } h

digest-title = Summary for { $day }
digest-summary = { $conversations } buyer conversations, { $answered } answered.
digest-waiting = Still waiting for a reply: { $count }
digest-waitLine = • { $about } — { $waited }
digest-more = … and { $count } more
digest-noneWaiting = No buyer is waiting for a reply.
digest-openDispute = open dispute
digest-about-order = Order { $orderId } · { $buyer }
digest-about-return = Return { $returnId } · { $buyer }
digest-about-question = Question · { $buyer }
digest-about-chat = Chat { $chatId } · { $buyer }
digest-about-dispute = Dispute · { $about }
digest-buyer = buyer
