// Opens a warehouse file with the DuckDB driver the report site uses and prints, as JSON,
// the row count of every mart table. Exits non-zero if the file cannot be opened.
import { DuckDBInstance } from '@duckdb/node-api';

const path = process.argv[2];
try {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const tables = await connection.runAndReadAll(
    "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
  );
  const counts = {};
  for (const [name] of tables.getRows()) {
    const result = await connection.runAndReadAll(`select count(*)::integer from marts.${name}`);
    counts[name] = result.getRows()[0][0];
  }
  const version = await connection.runAndReadAll('select version()');
  console.log(JSON.stringify({ duckdb: version.getRows()[0][0], counts }));
} catch (error) {
  console.error(`cannot read ${path}: ${error.message}`);
  process.exit(1);
}
