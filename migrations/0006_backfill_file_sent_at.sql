-- Before file_sent_at, an open file row with delivered_at set meant "file accepted, caption pending", and a
-- finished file row had its file accepted at (or before) delivered_at.
UPDATE `relays` SET `file_sent_at` = `delivered_at` WHERE `kind` = 'file' AND `delivered_at` IS NOT NULL;--> statement-breakpoint
UPDATE `relays` SET `delivered_at` = NULL WHERE `kind` = 'file' AND `state` IN ('pending', 'sending');--> statement-breakpoint
-- Every notice written before notice_kind was a wait (⏳) note.
UPDATE `relays` SET `notice_kind` = 'waiting' WHERE `notice_message_id` IS NOT NULL;
