CREATE TABLE `order_cards` (
	`business_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`order_id` integer NOT NULL,
	`chat_created_at` integer,
	`view` text,
	`shown_fingerprint` text,
	`refreshed_at` integer,
	`due` integer DEFAULT false NOT NULL,
	`reply_card_message_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `market_chat_id`)
);
--> statement-breakpoint
CREATE INDEX `order_cards_order` ON `order_cards` (`business_id`,`order_id`);