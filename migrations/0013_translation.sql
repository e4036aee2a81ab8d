CREATE TABLE `buyer_translations` (
	`business_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`market_message_id` integer NOT NULL,
	`from_buyer` integer NOT NULL,
	`target_lang` text NOT NULL,
	`detected_lang` text NOT NULL,
	`text` text,
	`failed` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`business_id`, `market_chat_id`, `market_message_id`)
);
--> statement-breakpoint
CREATE TABLE `chat_translation` (
	`tg_chat_id` integer PRIMARY KEY NOT NULL,
	`lang` text NOT NULL,
	`auto` integer DEFAULT false NOT NULL,
	`set_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `translation_previews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`business_id` integer NOT NULL,
	`tg_chat_id` integer NOT NULL,
	`tg_message_id` integer NOT NULL,
	`tg_thread_id` integer,
	`tg_user_id` integer NOT NULL,
	`market_chat_id` integer NOT NULL,
	`original` text NOT NULL,
	`translation` text,
	`source_lang` text,
	`target_lang` text NOT NULL,
	`state` text NOT NULL,
	`sent` text,
	`error` text,
	`preview_message_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `translation_previews_message` ON `translation_previews` (`tg_chat_id`,`tg_message_id`);