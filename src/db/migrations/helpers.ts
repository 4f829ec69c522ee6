// SQL fragments shared by migrations. Frozen: applied migrations depend on their exact output, so a change of
// behaviour gets a new helper rather than an edit here.

/** Enables and forces row-level security so that a row is visible only inside its own organization. */
export function tenantIsolation(table: string): string {
  return `
    ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON ${table}
      USING (organization_id = (SELECT gt_current_org_id()))
      WITH CHECK (organization_id = (SELECT gt_current_org_id()));
  `;
}

/** created_at/updated_at columns as every table has them. */
export const timestamps = `
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()`;

/**
 * Announces every write to a tenant table to the read cache (statement-level; see 0014_change_notices.ts).
 * Every migration that creates a table with organization_id after 0014 calls it.
 */
export function changeNotices(table: string): string {
  const name = `"${table.replaceAll('"', '""')}"`;
  return `
    CREATE TRIGGER gt_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${name}
      FOR EACH STATEMENT EXECUTE FUNCTION gt_tenant_changed();
  `;
}
