ALTER TABLE "tgsp_packages" ADD COLUMN "verified_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Packages stored before this column: their last verification is the latest re-verification in the
-- audit log (logged or still pending), or else their upload.
UPDATE "tgsp_packages" p SET "verified_at" = coalesce(
  (SELECT max(t.at) FROM (
    SELECT l."at" FROM "audit_log" l WHERE l."action" = 'tgsp.package_reverified' AND l."resource_type" = 'tgsp_package' AND l."resource_id" = p."id"::text
    UNION ALL
    SELECT q."at" FROM "audit_pending" q WHERE q."action" = 'tgsp.package_reverified' AND q."resource_type" = 'tgsp_package' AND q."resource_id" = p."id"::text
  ) t),
  p."uploaded_at"
);
