-- The last change of the grid set itself (a boundary change or a dataset load) is looked up by every
-- snapshot (a console that reconnects after missing too much). Those events are rare, so without this
-- index max(seq) walks the primary key backwards through every event since the last one: hundreds of
-- thousands after a day of the simulator. The predicate matches catch-up.ts's query word for word, which
-- is what lets the planner use a partial index.
CREATE INDEX events_grid_set_idx ON events (seq) WHERE type IN ('grid:boundary-changed', 'dataset:loaded');
