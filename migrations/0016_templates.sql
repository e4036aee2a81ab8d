CREATE TABLE `template_previews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`business_id` integer NOT NULL,
	`template_name` text NOT NULL,
	`tg_chat_id` integer NOT NULL,
	`tg_thread_id` integer,
	`market_chat_id` integer NOT NULL,
	`text` text NOT NULL,
	`missing` text,
	`state` text NOT NULL,
	`preview_message_id` integer,
	`requested_by` integer NOT NULL,
	`decided_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`business_id` integer NOT NULL,
	`name` text NOT NULL,
	`text` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `templates_name` ON `templates` (`business_id`,`name`);