PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_inbound_messages` (
	`business_id` integer DEFAULT 0 NOT NULL,
	`market_chat_id` integer NOT NULL,
	`market_message_id` integer NOT NULL,
	`sender` text NOT NULL,
	`created_at` integer NOT NULL,
	`text` text,
	`files` text,
	`state` text NOT NULL,
	`relay_id` integer,
	`parts_sent` integer DEFAULT 0 NOT NULL,
	`part_in_flight` integer,
	`tg_chat_id` integer,
	`tg_message_id` integer,
	`recorded_at` integer NOT NULL,
	`delivered_at` integer,
	PRIMARY KEY(`business_id`, `market_chat_id`, `market_message_id`)
);
--> statement-breakpoint
INSERT INTO `__new_inbound_messages`("business_id", "market_chat_id", "market_message_id", "sender", "created_at", "text", "files", "state", "relay_id", "parts_sent", "part_in_flight", "tg_chat_id", "tg_message_id", "recorded_at", "delivered_at") SELECT "business_id", "market_chat_id", "market_message_id", "sender", "created_at", "text", "files", "state", "relay_id", "parts_sent", "part_in_flight", "tg_chat_id", "tg_message_id", "recorded_at", "delivered_at" FROM `inbound_messages`;--> statement-breakpoint
DROP TABLE `inbound_messages`;--> statement-breakpoint
ALTER TABLE `__new_inbound_messages` RENAME TO `inbound_messages`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `inbound_messages_state` ON `inbound_messages` (`state`,`business_id`,`market_chat_id`);--> statement-breakpoint
CREATE INDEX `inbound_messages_relay` ON `inbound_messages` (`relay_id`);--> statement-breakpoint
CREATE TABLE `__new_market_chats` (
	`business_id` integer DEFAULT 0 NOT NULL,
	`market_chat_id` integer NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`context_type` text NOT NULL,
	`order_id` integer,
	`return_id` integer,
	`customer_name` text,
	`market_created_at` text,
	`market_updated_at` integer,
	`last_message_id` integer,
	`shown_from` integer,
	`skipped_messages` integer DEFAULT 0 NOT NULL,
	`topic_title` text,
	`topic_closed` integer DEFAULT false NOT NULL,
	`card_message_id` integer,
	`shown_status` text,
	`dispute` text,
	`market_updated_recheck_after` integer,
	`history_resume` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `market_chat_id`)
);
--> statement-breakpoint
INSERT INTO `__new_market_chats`("business_id", "market_chat_id", "type", "status", "context_type", "order_id", "return_id", "customer_name", "market_created_at", "market_updated_at", "last_message_id", "shown_from", "skipped_messages", "topic_title", "topic_closed", "card_message_id", "shown_status", "dispute", "market_updated_recheck_after", "history_resume", "created_at", "updated_at") SELECT "business_id", "market_chat_id", "type", "status", "context_type", "order_id", "return_id", "customer_name", "market_created_at", "market_updated_at", "last_message_id", "shown_from", "skipped_messages", "topic_title", "topic_closed", "card_message_id", "shown_status", "dispute", "market_updated_recheck_after", "history_resume", "created_at", "updated_at" FROM `market_chats`;--> statement-breakpoint
DROP TABLE `market_chats`;--> statement-breakpoint
ALTER TABLE `__new_market_chats` RENAME TO `market_chats`;--> statement-breakpoint
CREATE INDEX `market_chats_status` ON `market_chats` (`status`);