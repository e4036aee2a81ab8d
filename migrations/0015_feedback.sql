CREATE TABLE `feedback_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`business_id` integer NOT NULL,
	`kind` text NOT NULL,
	`target_id` integer NOT NULL,
	`parent_comment_id` integer,
	`tg_chat_id` integer NOT NULL,
	`tg_message_id` integer NOT NULL,
	`tg_thread_id` integer,
	`tg_user_id` integer NOT NULL,
	`text` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`attempt_started_at` integer,
	`market_entity_id` integer,
	`http_status` integer,
	`error_code` text,
	`error_message` text,
	`echoed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_answers_tg` ON `feedback_answers` (`tg_chat_id`,`tg_message_id`);--> statement-breakpoint
CREATE INDEX `feedback_answers_target` ON `feedback_answers` (`business_id`,`kind`,`target_id`);--> statement-breakpoint
CREATE INDEX `feedback_answers_state` ON `feedback_answers` (`state`);--> statement-breakpoint
CREATE TABLE `feedback_posts` (
	`business_id` integer NOT NULL,
	`kind` text NOT NULL,
	`target_id` integer NOT NULL,
	`parent_id` integer,
	`data` text NOT NULL,
	`state` text NOT NULL,
	`tg_chat_id` integer,
	`tg_message_id` integer,
	`tg_thread_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `kind`, `target_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_posts_tg` ON `feedback_posts` (`tg_chat_id`,`tg_message_id`);--> statement-breakpoint
CREATE INDEX `feedback_posts_state` ON `feedback_posts` (`state`);