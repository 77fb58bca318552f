CREATE TABLE "tgsp_health_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fleet_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"package_id" uuid NOT NULL,
	"successes" integer NOT NULL,
	"failures" integer NOT NULL,
	"digest" text NOT NULL,
	"idempotency_key" text,
	"reported_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scope_fleet_id" uuid;--> statement-breakpoint
ALTER TABLE "tgsp_fleets" ADD COLUMN "health_max_failure_rate" double precision;--> statement-breakpoint
ALTER TABLE "tgsp_fleets" ADD COLUMN "health_min_reports" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tgsp_fleets" ADD COLUMN "health_min_samples" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "note" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "produced_package_id" uuid;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "produced_package" jsonb;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "produced_reported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "produced_reported_by" text;--> statement-breakpoint
ALTER TABLE "tgsp_health_reports" ADD CONSTRAINT "tgsp_health_reports_fleet_id_tgsp_fleets_id_fk" FOREIGN KEY ("fleet_id") REFERENCES "public"."tgsp_fleets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tgsp_health_reports" ADD CONSTRAINT "tgsp_health_reports_package_id_tgsp_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."tgsp_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tgsp_health_reports_release_idx" ON "tgsp_health_reports" USING btree ("fleet_id","channel","package_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tgsp_health_reports_idempotency_idx" ON "tgsp_health_reports" USING btree ("fleet_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "training_runs_tags_idx" ON "training_runs" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "training_runs_produced_idx" ON "training_runs" USING btree ("produced_package_id");