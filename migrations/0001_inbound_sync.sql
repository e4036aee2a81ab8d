CREATE TABLE `inbound_messages` (
	`market_chat_id` integer NOT NULL,
	`market_message_id` integer NOT NULL,
	`sender` text NOT NULL,
	`created_at` integer NOT NULL,
	`text` text,
	`files` text,
	`state` text NOT NULL,
	`relay_id` integer,
	`parts_sent` integer DEFAULT 0 NOT NULL,
	`tg_chat_id` integer,
	`tg_message_id` integer,
	`recorded_at` integer NOT NULL,
	`delivered_at` integer,
	PRIMARY KEY(`market_chat_id`, `market_message_id`)
);
--> statement-breakpoint
CREATE INDEX `inbound_messages_state` ON `inbound_messages` (`state`,`market_chat_id`);--> statement-breakpoint
CREATE INDEX `inbound_messages_relay` ON `inbound_messages` (`relay_id`);--> statement-breakpoint
CREATE TABLE `market_chats` (
	`market_chat_id` integer PRIMARY KEY NOT NULL,
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
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `market_chats_status` ON `market_chats` (`status`);--> statement-breakpoint
ALTER TABLE `relays` ADD `market_message_id` integer;