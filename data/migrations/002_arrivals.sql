-- Arrival registration (入格): where a person registered by point lives, and how long registration took.
ALTER TABLE occupants ADD COLUMN location geometry(Point, 4326) CHECK (location IS NULL OR ST_IsValid(location));
ALTER TABLE occupants ADD COLUMN registration_latency_seconds integer GENERATED ALWAYS AS (
  CASE WHEN arrived_at IS NULL THEN NULL ELSE extract(epoch FROM registered_at - arrived_at)::integer END
) STORED;
CREATE INDEX occupants_arrived_at_idx ON occupants (arrived_at) WHERE kind = 'arrival';
