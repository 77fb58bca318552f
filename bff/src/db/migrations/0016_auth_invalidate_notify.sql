-- Every replica caches resolved sessions and API keys for a few seconds (modules/auth/credential-cache.ts).
-- A change that can end or narrow a credential NOTIFYs tg_auth_invalidate in its own transaction, whoever
-- writes it (the API, tgctl, a manual fix), so that every replica forgets its cache when it commits.
CREATE FUNCTION "tg_auth_invalidate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tg_auth_invalidate', TG_TABLE_NAME);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "sessions_auth_invalidate" AFTER UPDATE OR DELETE ON "sessions"
  FOR EACH ROW EXECUTE FUNCTION "tg_auth_invalidate"();--> statement-breakpoint
CREATE TRIGGER "users_auth_invalidate" AFTER UPDATE ON "users"
  FOR EACH ROW WHEN (
    OLD."roles" IS DISTINCT FROM NEW."roles" OR OLD."disabled_at" IS DISTINCT FROM NEW."disabled_at"
    OR OLD."password_hash" IS DISTINCT FROM NEW."password_hash" OR OLD."username" IS DISTINCT FROM NEW."username"
    OR OLD."display_name" IS DISTINCT FROM NEW."display_name"
  ) EXECUTE FUNCTION "tg_auth_invalidate"();--> statement-breakpoint
CREATE TRIGGER "users_auth_invalidate_delete" AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "tg_auth_invalidate"();--> statement-breakpoint
CREATE TRIGGER "api_keys_auth_invalidate" AFTER UPDATE ON "api_keys"
  FOR EACH ROW WHEN (
    OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at" OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
    OR OLD."roles" IS DISTINCT FROM NEW."roles" OR OLD."secret_hash" IS DISTINCT FROM NEW."secret_hash"
    OR OLD."scope_run_id" IS DISTINCT FROM NEW."scope_run_id"
    OR OLD."scope_expert_ids" IS DISTINCT FROM NEW."scope_expert_ids"
    OR OLD."scope_fleet_id" IS DISTINCT FROM NEW."scope_fleet_id"
  ) EXECUTE FUNCTION "tg_auth_invalidate"();--> statement-breakpoint
CREATE TRIGGER "api_keys_auth_invalidate_delete" AFTER DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION "tg_auth_invalidate"();
