-- Boundary history: every geometry a grid has had, who set it, when and why. The current geometry also
-- lives in grids.geom; a retired grid (merged away, deleted sector grid) keeps its row for the history
-- and the event log, with retired_at set.
ALTER TABLE grids ADD COLUMN retired_at timestamptz;

CREATE TABLE grid_revisions (
  grid_id integer NOT NULL REFERENCES grids (id),
  revision integer NOT NULL CHECK (revision >= 1),
  kind text NOT NULL CHECK (kind IN ('initial', 'edit', 'split', 'merge', 'create', 'retire', 'revert', 'import')),
  name text NOT NULL,
  -- NULL when this revision retired the grid
  geom geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
  author_user_id integer REFERENCES users (id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  PRIMARY KEY (grid_id, revision),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX grid_revisions_time_idx ON grid_revisions (valid_from, valid_to);
CREATE INDEX grid_revisions_geom_idx ON grid_revisions USING gist (geom);

-- The boundaries in force before any edit: one initial revision per grid, valid from the grid's creation.
INSERT INTO grid_revisions (grid_id, revision, kind, name, geom, reason, valid_from)
SELECT id, revision, 'initial', name, geom, 'initial boundary (reference dataset)', '2020-01-01T00:00:00+08:00'
FROM grids;
