-- Core model: regions, grids, grid workers, users and sessions, standard addresses, occupants,
-- checkpoints, isolation sites and the append-only event log. Geometry is SRID 4326 (WGS84 lon/lat).
-- Runs on PostgreSQL 15 / PostGIS 3.3 and on the embedded PostgreSQL 18 / PostGIS 3.6. Objects are
-- created unqualified, in the schema first on search_path; PostGIS lives in public.

CREATE TABLE regions (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  level text NOT NULL CHECK (level IN ('county', 'township', 'village')),
  kind text NOT NULL CHECK (kind IN ('county', 'subdistrict', 'town', 'township', 'village', 'community')),
  parent_code text REFERENCES regions (code),
  population_planned integer NOT NULL DEFAULT 0 CHECK (population_planned >= 0),
  synthetic boolean NOT NULL DEFAULT true,
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  CHECK ((level = 'county') = (parent_code IS NULL)),
  CHECK (length(code) = CASE level WHEN 'county' THEN 6 WHEN 'township' THEN 9 ELSE 12 END),
  CHECK (
    (level = 'county' AND kind = 'county')
    OR (level = 'township' AND kind IN ('subdistrict', 'town', 'township'))
    OR (level = 'village' AND kind IN ('village', 'community'))
  )
);
CREATE INDEX regions_geom_idx ON regions USING gist (geom);
CREATE INDEX regions_parent_idx ON regions (parent_code);

CREATE TABLE grids (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Za-z-]{3,32}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  kind text NOT NULL CHECK (kind IN ('territorial', 'sector')),
  sector_kind text CHECK (
    sector_kind IN ('industrial_park', 'market', 'school', 'hospital', 'construction_site', 'logistics_hub',
                    'scenic_area', 'transport_hub')
  ),
  village_code text REFERENCES regions (code),
  revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  synthetic boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  CHECK ((kind = 'territorial') = (village_code IS NOT NULL)),
  CHECK ((kind = 'sector') = (sector_kind IS NOT NULL))
);
CREATE INDEX grids_geom_idx ON grids USING gist (geom);
CREATE INDEX grids_village_idx ON grids (village_code);

CREATE TABLE grid_workers (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 32),
  phone text NOT NULL UNIQUE CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  -- the territorial grid the worker belongs to
  grid_id integer NOT NULL REFERENCES grids (id),
  role text NOT NULL CHECK (role IN ('leader', 'member'))
);
CREATE INDEX grid_workers_grid_idx ON grid_workers (grid_id);

-- Every grid a worker looks after: their own territorial grid plus any sector grids.
CREATE TABLE grid_worker_assignments (
  worker_id integer NOT NULL REFERENCES grid_workers (id) ON DELETE CASCADE,
  grid_id integer NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('leader', 'member')),
  PRIMARY KEY (grid_id, worker_id)
);
CREATE INDEX grid_worker_assignments_worker_idx ON grid_worker_assignments (worker_id);

CREATE TABLE users (
  id serial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9_.-]{2,31}$'),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('commander', 'dispatcher', 'planner', 'grid_worker', 'screen')),
  -- scope: the region a user sees; a grid worker is scoped to one grid instead
  region_code text REFERENCES regions (code),
  grid_worker_id integer REFERENCES grid_workers (id),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'grid_worker') = (grid_worker_id IS NOT NULL)),
  CHECK (role = 'grid_worker' OR region_code IS NOT NULL)
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- 标准地址: the standard address registry.
CREATE TABLE addresses (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  township_code text NOT NULL REFERENCES regions (code),
  village_code text NOT NULL REFERENCES regions (code),
  road text NOT NULL,
  number text NOT NULL,
  building text,
  unit text,
  room text,
  text text NOT NULL,
  normalized text NOT NULL UNIQUE,
  grid_id integer NOT NULL REFERENCES grids (id),
  geom geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX addresses_geom_idx ON addresses USING gist (geom);
CREATE INDEX addresses_grid_idx ON addresses (grid_id);

CREATE TABLE households (
  code text PRIMARY KEY,
  address_id integer NOT NULL REFERENCES addresses (id)
);
CREATE INDEX households_address_idx ON households (address_id);

CREATE TABLE isolation_sites (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  grid_id integer NOT NULL REFERENCES grids (id),
  capacity integer NOT NULL CHECK (capacity > 0),
  occupancy integer NOT NULL DEFAULT 0 CHECK (occupancy >= 0 AND occupancy <= capacity),
  opened_on date NOT NULL,
  geom geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX isolation_sites_geom_idx ON isolation_sites USING gist (geom);

-- Occupants: residents and arrivals, each registered into one territorial grid (入格).
CREATE TABLE occupants (
  id bigserial PRIMARY KEY,
  id_number text NOT NULL UNIQUE CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 32),
  phone text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  household_code text REFERENCES households (code),
  address_id integer REFERENCES addresses (id),
  grid_id integer NOT NULL REFERENCES grids (id),
  kind text NOT NULL CHECK (kind IN ('resident', 'arrival')),
  arrived_at timestamptz,
  origin text,
  health_code text NOT NULL CHECK (health_code IN ('green', 'yellow', 'red')),
  status text NOT NULL CHECK (status IN ('at_home', 'isolated', 'left')),
  isolation_site_id integer REFERENCES isolation_sites (id),
  registered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'arrival') = (arrived_at IS NOT NULL AND origin IS NOT NULL)),
  CHECK ((status = 'isolated') = (isolation_site_id IS NOT NULL)),
  CHECK (arrived_at IS NULL OR registered_at >= arrived_at)
);
CREATE INDEX occupants_grid_idx ON occupants (grid_id);
CREATE INDEX occupants_address_idx ON occupants (address_id);
CREATE INDEX occupants_arrival_idx ON occupants (grid_id, arrived_at) WHERE kind = 'arrival';
CREATE INDEX occupants_isolation_idx ON occupants (isolation_site_id) WHERE isolation_site_id IS NOT NULL;

CREATE TABLE checkpoints (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('traffic', 'village')),
  grid_id integer NOT NULL REFERENCES grids (id),
  staffing integer NOT NULL CHECK (staffing >= 0),
  geom geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX checkpoints_geom_idx ON checkpoints USING gist (geom);

-- Append-only event log; seq is the order in which consoles apply changes.
CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  type text NOT NULL CHECK (type ~ '^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$'),
  grid_id integer REFERENCES grids (id),
  actor_user_id integer REFERENCES users (id),
  payload jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_grid_idx ON events (grid_id, seq);

CREATE FUNCTION events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_reject_change();

-- Facts about the loaded dataset (seed, scale, epoch, generator version, load timings).
CREATE TABLE dataset_info (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);
