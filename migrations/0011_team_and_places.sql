CREATE TABLE `shop_places` (
	`business_id` integer PRIMARY KEY NOT NULL,
	`tg_chat_id` integer NOT NULL,
	`placed_by` integer NOT NULL,
	`placed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shop_places_chat` ON `shop_places` (`tg_chat_id`);--> statement-breakpoint
CREATE TABLE `team_members` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`name` text,
	`added_by` integer NOT NULL,
	`added_at` integer NOT NULL
);
