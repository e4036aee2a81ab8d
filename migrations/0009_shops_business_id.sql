DROP INDEX `anchors_market_chat`;--> statement-breakpoint
ALTER TABLE `anchors` ADD `business_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `anchors_market_chat` ON `anchors` (`business_id`,`market_chat_id`);--> statement-breakpoint
DROP INDEX `relays_market_chat`;--> statement-breakpoint
ALTER TABLE `relays` ADD `business_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `relays_market_chat` ON `relays` (`business_id`,`market_chat_id`,`state`);--> statement-breakpoint
DROP INDEX `threads_market_chat`;--> statement-breakpoint
ALTER TABLE `threads` ADD `business_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `threads_market_chat` ON `threads` (`tg_chat_id`,`business_id`,`market_chat_id`);--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `business_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `market_chats` ADD `business_id` integer DEFAULT 0 NOT NULL;