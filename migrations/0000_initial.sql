CREATE TABLE `anchors` (
	`tg_chat_id` integer NOT NULL,
	`tg_message_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tg_chat_id`, `tg_message_id`)
);
--> statement-breakpoint
CREATE INDEX `anchors_market_chat` ON `anchors` (`market_chat_id`);--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `relays` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tg_chat_id` integer NOT NULL,
	`tg_message_id` integer NOT NULL,
	`tg_thread_id` integer,
	`tg_user_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`kind` text DEFAULT 'text' NOT NULL,
	`text` text,
	`file_id` text,
	`file_name` text,
	`file_size` integer,
	`file_mime` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before` integer,
	`http_status` integer,
	`error_code` text,
	`error_message` text,
	`attempt_started_at` integer,
	`delivered_at` integer,
	`notice_message_id` integer,
	`edit_notice_sent` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `relays_tg_message` ON `relays` (`tg_chat_id`,`tg_message_id`);--> statement-breakpoint
CREATE INDEX `relays_state` ON `relays` (`state`);--> statement-breakpoint
CREATE INDEX `relays_market_chat` ON `relays` (`market_chat_id`,`state`);--> statement-breakpoint
CREATE TABLE `threads` (
	`tg_chat_id` integer NOT NULL,
	`tg_thread_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`linked_by` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tg_chat_id`, `tg_thread_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `threads_market_chat` ON `threads` (`tg_chat_id`,`market_chat_id`);