-- Field operations and live grid status: arrivals reported but not yet registered, field reports,
-- tasks pushed to grid workers, the per-grid status counters maintained in the same transaction as
-- each change, hourly arrival buckets, and the access audit log.

-- An arrival reported (at a checkpoint, by a neighbour) and waiting to be registered into its grid.
CREATE TABLE arrival_reports (
  id bigserial PRIMARY KEY,
  id_number text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
  grid_id integer NOT NULL REFERENCES grids (id),
  checkpoint_id integer REFERENCES checkpoints (id),
  reported_at timestamptz NOT NULL DEFAULT now(),
  registered_occupant_id bigint REFERENCES occupants (id),
  registered_at timestamptz
);
CREATE INDEX arrival_reports_pending_idx ON arrival_reports (grid_id, reported_at) WHERE registered_at IS NULL;
CREATE UNIQUE INDEX arrival_reports_open_person_idx ON arrival_reports (id_number) WHERE registered_at IS NULL;

CREATE TABLE field_reports (
  id bigserial PRIMARY KEY,
  grid_id integer NOT NULL REFERENCES grids (id),
  kind text NOT NULL CHECK (kind IN ('health', 'gathering', 'supplies', 'checkpoint', 'enterprise', 'housing', 'other')),
  summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 500),
  reported_by integer REFERENCES users (id),
  reported_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
CREATE INDEX field_reports_open_idx ON field_reports (grid_id) WHERE closed_at IS NULL;

CREATE TABLE tasks (
  id bigserial PRIMARY KEY,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body text NOT NULL DEFAULT '',
  created_by integer REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per grid worker a task was pushed to, moving sent → acked → done.
CREATE TABLE task_assignments (
  task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  worker_id integer NOT NULL REFERENCES grid_workers (id),
  grid_id integer NOT NULL REFERENCES grids (id),
  state text NOT NULL DEFAULT 'sent' CHECK (state IN ('sent', 'acked', 'done')),
  acked_at timestamptz,
  done_at timestamptz,
  PRIMARY KEY (task_id, worker_id)
);
CREATE INDEX task_assignments_grid_idx ON task_assignments (grid_id, state);

-- Live counters per grid. Every write that changes one of them updates it in the same transaction;
-- server/db/grid-status.repo.ts has the full recompute they are tested against.
CREATE TABLE grid_status (
  grid_id integer PRIMARY KEY REFERENCES grids (id) ON DELETE CASCADE,
  residents integer NOT NULL DEFAULT 0,
  green integer NOT NULL DEFAULT 0,
  yellow integer NOT NULL DEFAULT 0,
  red integer NOT NULL DEFAULT 0,
  red_not_isolated integer NOT NULL DEFAULT 0,
  isolated integer NOT NULL DEFAULT 0,
  pending_registration integer NOT NULL DEFAULT 0,
  checkpoints integer NOT NULL DEFAULT 0,
  open_reports integer NOT NULL DEFAULT 0,
  tasks_sent integer NOT NULL DEFAULT 0,
  tasks_acked integer NOT NULL DEFAULT 0,
  tasks_done integer NOT NULL DEFAULT 0,
  CHECK (least(residents, green, yellow, red, red_not_isolated, isolated, pending_registration, checkpoints,
               open_reports, tasks_sent, tasks_acked, tasks_done) >= 0)
);

-- Arrivals per grid and hour of arrival (time-windowed counts are sums over recent buckets).
CREATE TABLE grid_arrival_hours (
  grid_id integer NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
  hour timestamptz NOT NULL,
  arrivals integer NOT NULL DEFAULT 0 CHECK (arrivals >= 0),
  -- registered more than 1 hour after arriving
  late integer NOT NULL DEFAULT 0 CHECK (late >= 0),
  PRIMARY KEY (grid_id, hour)
);
CREATE INDEX grid_arrival_hours_hour_idx ON grid_arrival_hours (hour);

-- Who looked at whose personal data, and when.
CREATE TABLE access_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id integer NOT NULL REFERENCES users (id),
  action text NOT NULL,
  grid_id integer REFERENCES grids (id),
  occupant_id bigint REFERENCES occupants (id),
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX access_audit_user_idx ON access_audit (user_id, at);

CREATE INDEX events_occupant_idx ON events (((payload ->> 'occupantId')::bigint)) WHERE payload ? 'occupantId';
CREATE INDEX events_at_idx ON events (at);
