-- Rows finished before echoed_at existed were shown to the seller at the time (or never will be):
-- do not show them again at the next start.
UPDATE `relays` SET `echoed_at` = `updated_at` WHERE `state` IN ('delivered', 'failed', 'refused', 'uncertain', 'cancelled');
