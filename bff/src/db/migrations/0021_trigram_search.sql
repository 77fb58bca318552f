-- Substring search (`q`) of packages, runs and users: ilike '%...%' and like '...%' answered by trigram indexes.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner creates it; PGlite loads it
-- from @electric-sql/pglite/contrib/pg_trgm wherever it is constructed.
-- fastupdate=off: no pending list. PGlite never vacuums, so a pending list would only grow (to 4 MB)
-- and every search would read it all; PostgreSQL planned a Seq Scan over one.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "users_username_trgm_idx" ON "users" USING gin ("username" gin_trgm_ops) WITH (fastupdate=off);--> statement-breakpoint
CREATE INDEX "users_display_name_trgm_idx" ON "users" USING gin ("display_name" gin_trgm_ops) WITH (fastupdate=off);--> statement-breakpoint
CREATE INDEX "tgsp_packages_model_name_trgm_idx" ON "tgsp_packages" USING gin ("model_name" gin_trgm_ops) WITH (fastupdate=off);--> statement-breakpoint
CREATE INDEX "tgsp_packages_package_id_trgm_idx" ON "tgsp_packages" USING gin ("package_id" gin_trgm_ops) WITH (fastupdate=off);--> statement-breakpoint
-- Plus the runs list by oldest report first (nulls last), which the (desc nulls last) index cannot give.
CREATE INDEX "training_runs_last_report_asc_idx" ON "training_runs" USING btree ("last_report_at","id");--> statement-breakpoint
CREATE INDEX "training_runs_name_trgm_idx" ON "training_runs" USING gin ("name" gin_trgm_ops) WITH (fastupdate=off);--> statement-breakpoint
CREATE INDEX "training_runs_base_model_trgm_idx" ON "training_runs" USING gin ("base_model" gin_trgm_ops) WITH (fastupdate=off);
