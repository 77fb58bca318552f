ALTER TABLE "tgsp_packages" ADD COLUMN "labels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "tgsp_packages" ADD COLUMN "downloads" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_log_leaf_hash_idx" ON "audit_log" USING btree ("leaf_hash");--> statement-breakpoint
CREATE INDEX "tgsp_packages_labels_idx" ON "tgsp_packages" USING gin ("labels");