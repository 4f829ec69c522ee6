// The first check on SQL a person writes in a ```sql block: one read-only query over the room's tables by
// name. DuckDB's own sandbox (external access off, allowed paths, locked configuration) is the second line;
// this one exists so the refusal says in plain words what is not allowed.

/** Statements and table functions that touch files, the network, extensions or settings. */
const forbiddenWords =
  /\b(copy|attach|detach|install|load|pragma|set|reset|export|import|call|checkpoint|vacuum|use|create|insert|update|delete|drop|alter|truncate|grant|revoke)\b/i;
const fileFunctions =
  /\b(read_\w+|\w+_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+|getenv|current_setting|duckdb_\w+|which_secret|load_aws_credentials)\s*\(/i;

/** Comments and string literals out of the way, so that words inside them neither trip nor hide the checks. */
function stripLiterals(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\$\w*\$[\s\S]*?\$\w*\$/g, "''");
}

/** The reason `sql` is refused, or null when it may run. */
export function refuseSql(sql: string): string | null {
  const text = stripLiterals(sql).trim().replace(/;\s*$/, '');
  if (!text) return 'the SQL block is empty';
  if (text.includes(';')) return 'one statement at a time: the SQL block holds more than one';
  if (/'[^']*(\/|\\|:\/\/)/.test(sql) && /\b(from|join)\s*'/i.test(sql))
    return "file paths and URLs are not allowed: refer to the room's tables by name";
  const word = forbiddenWords.exec(text);
  if (word) return `only read-only queries run here: ${word[1]!.toUpperCase()} is not allowed`;
  if (/\b(information_schema|sqlite_master|pg_catalog)\b/i.test(text))
    return 'the catalog is not queryable here: ask "columns" to see the tables and their columns';
  const fn = fileFunctions.exec(text);
  if (fn) return `${fn[1]}() is not allowed: files are read for you, refer to the room's tables by name`;
  if (!/^\s*(\(\s*)*(select|with|from|values|summarize|describe|show)\b/i.test(text))
    return 'only SELECT queries (or WITH ... SELECT, SUMMARIZE, DESCRIBE) run here';
  return null;
}
