-- Renaming and recoding grids: a revision kind 'rename', and the code each revision had (so history and
-- "as of" show the code in force then, not today's).
ALTER TABLE grid_revisions DROP CONSTRAINT grid_revisions_kind_check;
ALTER TABLE grid_revisions ADD CONSTRAINT grid_revisions_kind_check
  CHECK (kind IN ('initial', 'edit', 'split', 'merge', 'create', 'retire', 'revert', 'import', 'rename'));
ALTER TABLE grid_revisions ADD COLUMN code text;
UPDATE grid_revisions r SET code = g.code FROM grids g WHERE g.id = r.grid_id;
