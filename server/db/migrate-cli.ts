// `npm run db:migrate`: apply pending migrations to the configured database and exit.
import { loadConfig } from '../config.ts';
import { openDatabase } from './database.ts';
import { migrate } from './migrate.ts';

const config = loadConfig();
const db = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  schema: config.DB_SCHEMA,
  log: (line) => console.log(line),
});
try {
  const applied = await migrate(db.pool);
  console.log(
    applied.length
      ? `applied: ${applied.map((m) => `${m.version}_${m.name}`).join(', ')}`
      : 'schema is current',
  );
} finally {
  await db.close();
}
