CREATE TABLE `away_replies` (
	`business_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`stretch` integer NOT NULL,
	`tg_chat_id` integer NOT NULL,
	`tg_message_id` integer NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `market_chat_id`, `stretch`)
);
