-- Fedge hub schema, version 5: a resumed OTA campaign gets a fresh failure budget (docs/ota.md).
-- How many of the campaign's devices had updated and failed when ops last resumed it; the wave gate
-- counts only what happened since. Both backends.
ALTER TABLE ota_campaigns ADD COLUMN budget_updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ota_campaigns ADD COLUMN budget_failed INTEGER NOT NULL DEFAULT 0;
