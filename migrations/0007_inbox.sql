CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`update_id` integer NOT NULL,
	`chat_key` text NOT NULL,
	`update` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_update` ON `inbox` (`update_id`);--> statement-breakpoint
CREATE INDEX `inbox_pending` ON `inbox` (`state`,`chat_key`,`id`);