ALTER TABLE `market_chats` ADD `market_updated_recheck_after` integer;--> statement-breakpoint
ALTER TABLE `market_chats` ADD `history_resume` text;