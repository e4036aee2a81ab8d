CREATE TABLE `chat_languages` (
	`tg_chat_id` integer PRIMARY KEY NOT NULL,
	`language` text NOT NULL,
	`source` text NOT NULL,
	`updated_at` integer NOT NULL
);
