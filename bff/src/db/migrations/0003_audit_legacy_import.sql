-- Records of the first audit table (before the Merkle log) join the sequencing queue in their
-- original order, so the sequencer hashes them into the log before anything newer.
INSERT INTO "audit_pending" ("at", "actor_type", "actor_id", "actor_name", "action", "resource_type", "resource_id", "outcome", "request_id", "client_ip", "details")
SELECT "at", "actor_type", "actor_id", "actor_name", "action", "resource_type", "resource_id", "outcome", "request_id", "client_ip", "details"
FROM "audit_entries" ORDER BY "seq";
--> statement-breakpoint
DROP TABLE "audit_entries" CASCADE;
--> statement-breakpoint
-- The log, its tree and its checkpoints are append-only: rows can be inserted, never changed or removed.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_nodes_append_only BEFORE UPDATE OR DELETE ON "audit_nodes"
  FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_nodes_no_truncate BEFORE TRUNCATE ON "audit_nodes"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();
--> statement-breakpoint
INSERT INTO "audit_head" ("id", "origin", "tree_size", "frontier", "last_leaf_hash") VALUES (1, NULL, 0, '', NULL);
