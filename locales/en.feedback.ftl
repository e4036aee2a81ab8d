# Reviews and product questions (issue 12). Ids are the src/texts.ts keys with dots as hyphens.
feedback-topic-reviews = ⭐ Reviews
feedback-topic-questions = ❓ Questions
feedback-review-title = { $stars } { $rating }/5 · Review { $feedbackId }
feedback-product = Product: { $offerId }
feedback-author = From: { $name } · { $date }
feedback-anonymous = a buyer
feedback-review-pros = 👍 Pros: { $text }
feedback-review-cons = 👎 Cons: { $text }
feedback-review-noText = (rating only, no text)
feedback-review-photos = 📷 Photos ({ $count }):
feedback-review-videos = 🎬 Videos ({ $count }):
feedback-review-order = Order: { $orderId }
feedback-review-earlier = Comments so far ({ $count }):
feedback-review-hint = Reply to this message to answer publicly as the shop, or press Skip if it needs no reaction.
feedback-button-skip = Skip
feedback-review-skipped = → Skipped: Market no longer lists it as needing a reaction.
feedback-settledElsewhere = → Answered or skipped in the Market cabinet: it no longer waits.
feedback-answered = → Answered.
feedback-comment-title = 💬 New comment on review { $feedbackId } from { $name }
feedback-comment-hint = Reply to this message to answer this comment as the shop.
feedback-question-title = ❓ Question { $questionId }
feedback-question-hint = Reply to this message to answer the question publicly as the shop.
feedback-mayRepeat = ↻ Possibly shown twice: Telegram did not confirm the first post of this.
feedback-cut = … (shortened here; the full text is in the Market cabinet)
feedback-sent-review = ✓ Posted on Market as the shop’s comment.
feedback-sent-question = ✓ Posted on Market as the shop’s answer.
# $what and $todo come from the feedback-why-* (or the relay's why-*) attributes; $attempts > 1 adds "(tried N times)".
feedback-failed =
    ❌ Not posted on Market: { $what }{ $attempts ->
        [1] {""}
       *[other] {" "}(tried { $attempts } times)
    } { $todo }
    { $technical }
feedback-uncertain =
    ❓ I can’t tell whether Market took this answer: it did not confirm it, and its list of answers could not be checked. Look in the Market cabinet before replying again: a second reply would be posted twice.
    { $technical }
feedback-why-rejectedReview = Market refused this comment.
feedback-why-rejectedReview-todo = Comments on reviews must not contain the shop’s contacts (phone, e-mail, messengers) or links to sites other than Market; rephrase it and reply again.
feedback-why-rejectedQuestion = Market refused this answer.
feedback-why-rejectedQuestion-todo = Market’s reason is below; rephrase it and reply again.
feedback-why-forbidden = the Api-Key may not answer reviews and questions, or the shop is not active.
feedback-why-forbidden-todo = Give the key the “Customer communication” scope in the Market cabinet (Settings → API and modules).
feedback-why-not_found = Market no longer has this review or question (it may have been deleted).
feedback-why-not_found-todo = Nothing more to do.
feedback-empty = Not posted: the answer is empty.
feedback-tooLong = Not posted: Market accepts answers of at most { $max } characters and this one has { $length }. Shorten it and reply again.
feedback-notText = Not posted: only text can be posted as an answer to a review or a question.
feedback-skip-done = Skipped.
feedback-skip-already = Already answered or skipped.
feedback-skip-failed = Not skipped: { $what } Press Skip again later.
help-feedback =
    Reviews and product questions
    • Reviews that need your reaction appear in the “⭐ Reviews” topic, product questions in “❓ Questions” (in a chat without topics: with a header). Reply to one to answer it publicly as the shop; 👍 means Market took it.
    • Skip marks a review as needing no reaction. New buyer comments on a review appear as replies to it; reply to one to answer that comment.
    • Market refuses review comments with contact details or links to other sites.
