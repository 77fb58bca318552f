CREATE TABLE "tgsp_fleets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "tgsp_fleets_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "tgsp_packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"package_id" text NOT NULL,
	"model_name" text NOT NULL,
	"model_version" text NOT NULL,
	"status" text NOT NULL,
	"publisher_id" uuid NOT NULL,
	"base_models" text[] NOT NULL,
	"size_bytes" bigint NOT NULL,
	"content_id" text NOT NULL,
	"manifest_json" text NOT NULL,
	"manifest_sha256" text NOT NULL,
	"recipients_sha256" text NOT NULL,
	"payload_sha256" text NOT NULL,
	"recipients_count" integer NOT NULL,
	"checks" jsonb NOT NULL,
	"uploaded_by" text,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tgsp_packages_content_id_unique" UNIQUE("content_id")
);
--> statement-breakpoint
CREATE TABLE "tgsp_publishers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"classic" text NOT NULL,
	"pqc" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "tgsp_publishers_name_unique" UNIQUE("name"),
	CONSTRAINT "tgsp_publishers_fingerprint_unique" UNIQUE("fingerprint")
);
--> statement-breakpoint
CREATE TABLE "tgsp_releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"fleet_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"package_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"rollback_of" uuid,
	"notes" text DEFAULT '' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"superseded_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "tgsp_packages" ADD CONSTRAINT "tgsp_packages_publisher_id_tgsp_publishers_id_fk" FOREIGN KEY ("publisher_id") REFERENCES "public"."tgsp_publishers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tgsp_releases" ADD CONSTRAINT "tgsp_releases_fleet_id_tgsp_fleets_id_fk" FOREIGN KEY ("fleet_id") REFERENCES "public"."tgsp_fleets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tgsp_releases" ADD CONSTRAINT "tgsp_releases_package_id_tgsp_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."tgsp_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tgsp_packages_identity_idx" ON "tgsp_packages" USING btree ("package_id","model_version");--> statement-breakpoint
CREATE INDEX "tgsp_packages_uploaded_idx" ON "tgsp_packages" USING btree ("uploaded_at","id");--> statement-breakpoint
CREATE INDEX "tgsp_packages_publisher_idx" ON "tgsp_packages" USING btree ("publisher_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tgsp_releases_active_idx" ON "tgsp_releases" USING btree ("fleet_id","channel") WHERE superseded_at is null;--> statement-breakpoint
CREATE INDEX "tgsp_releases_created_idx" ON "tgsp_releases" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "tgsp_releases_package_idx" ON "tgsp_releases" USING btree ("package_id");