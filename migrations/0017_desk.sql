CREATE TABLE `chat_reminders` (
	`business_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`wait_since` integer NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`last_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `market_chat_id`)
);
--> statement-breakpoint
CREATE TABLE `chat_takes` (
	`business_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`tg_user_id` integer NOT NULL,
	`tg_user_name` text NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `market_chat_id`)
);
--> statement-breakpoint
CREATE TABLE `team_writers` (
	`tg_chat_id` integer NOT NULL,
	`tg_user_id` integer NOT NULL,
	`name` text NOT NULL,
	`username` text,
	`last_wrote_at` integer NOT NULL,
	PRIMARY KEY(`tg_chat_id`, `tg_user_id`)
);
