ALTER TABLE `relays` ADD `history_from_id` integer;--> statement-breakpoint
ALTER TABLE `relays` ADD `file_sent_at` integer;--> statement-breakpoint
ALTER TABLE `relays` ADD `notice_kind` text;--> statement-breakpoint
ALTER TABLE `relays` ADD `echo_unsure` integer DEFAULT false NOT NULL;