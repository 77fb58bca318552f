CREATE TABLE "audit_integrity" (
	"id" smallint PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"finding" jsonb,
	"finding_key" text,
	"detected_at" timestamp with time zone,
	"checked_at" timestamp with time zone,
	"checked_tree_size" bigint
);
--> statement-breakpoint
-- hand-written below
-- The append-only guard names the table it guards (it said "audit_entries" for audit_log,
-- audit_nodes and audit_checkpoints since migration 0003 moved the log).
CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
INSERT INTO "audit_integrity" ("id", "status") VALUES (1, 'unchecked');
