CREATE TABLE "expert_deployments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"expert_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"action" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"deployed_by" text,
	"deployed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "expert_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"expert_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"type" text NOT NULL,
	"digest" text NOT NULL,
	"body" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"benchmark" text,
	"n_samples" integer,
	"metrics" jsonb,
	"trace_count" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_user" text,
	"created_by_key" text
);
--> statement-breakpoint
CREATE TABLE "expert_families" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"base_model" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "expert_families_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "expert_gate_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"expert_id" uuid,
	"policy" jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "expert_gate_policies_expert_id_unique" UNIQUE("expert_id")
);
--> statement-breakpoint
CREATE TABLE "expert_traces" (
	"evidence_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"version_id" uuid NOT NULL,
	"benchmark" text,
	"input_key" text NOT NULL,
	"input" jsonb NOT NULL,
	"output" jsonb NOT NULL,
	"expected" jsonb,
	"output_key" text NOT NULL,
	"score" real NOT NULL,
	"latency_ms" real NOT NULL,
	CONSTRAINT "expert_traces_evidence_id_ordinal_pk" PRIMARY KEY("evidence_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "expert_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"expert_id" uuid NOT NULL,
	"version" text NOT NULL,
	"package_id" uuid,
	"notes" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"last_gate" jsonb,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scope_expert_ids" uuid[];--> statement-breakpoint
ALTER TABLE "expert_deployments" ADD CONSTRAINT "expert_deployments_expert_id_expert_families_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."expert_families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_deployments" ADD CONSTRAINT "expert_deployments_version_id_expert_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."expert_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_evidence" ADD CONSTRAINT "expert_evidence_expert_id_expert_families_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."expert_families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_evidence" ADD CONSTRAINT "expert_evidence_version_id_expert_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."expert_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_gate_policies" ADD CONSTRAINT "expert_gate_policies_expert_id_expert_families_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."expert_families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_traces" ADD CONSTRAINT "expert_traces_evidence_id_expert_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."expert_evidence"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_versions" ADD CONSTRAINT "expert_versions_expert_id_expert_families_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."expert_families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_versions" ADD CONSTRAINT "expert_versions_package_id_tgsp_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."tgsp_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "expert_deployments_live_idx" ON "expert_deployments" USING btree ("expert_id","channel") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "expert_deployments_history_idx" ON "expert_deployments" USING btree ("expert_id","deployed_at","id");--> statement-breakpoint
CREATE INDEX "expert_deployments_version_idx" ON "expert_deployments" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "expert_evidence_idempotency_idx" ON "expert_evidence" USING btree ("version_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "expert_evidence_type_idx" ON "expert_evidence" USING btree ("version_id","type","created_at");--> statement-breakpoint
CREATE INDEX "expert_evidence_benchmark_idx" ON "expert_evidence" USING btree ("version_id","benchmark","created_at");--> statement-breakpoint
CREATE INDEX "expert_families_created_idx" ON "expert_families" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "expert_families_base_idx" ON "expert_families" USING btree ("base_model");--> statement-breakpoint
CREATE UNIQUE INDEX "expert_gate_policies_default_idx" ON "expert_gate_policies" USING btree ((expert_id is null)) WHERE expert_id is null;--> statement-breakpoint
CREATE INDEX "expert_traces_input_idx" ON "expert_traces" USING btree ("evidence_id","input_key");--> statement-breakpoint
CREATE INDEX "expert_traces_version_input_idx" ON "expert_traces" USING btree ("version_id","benchmark","input_key");--> statement-breakpoint
CREATE UNIQUE INDEX "expert_versions_identity_idx" ON "expert_versions" USING btree ("expert_id","version");--> statement-breakpoint
CREATE INDEX "expert_versions_status_idx" ON "expert_versions" USING btree ("status");--> statement-breakpoint
-- hand-written below
-- The platform's default gate policy (expert_id null): nothing promotes on one score, at least one
-- approving peer review is needed unless an admin lowers it (audited, fedmoe.gate_policy.changed).
INSERT INTO "expert_gate_policies" ("expert_id", "policy") VALUES (NULL, '{"minMetrics":[],"beatDeployed":null,"minSimSuccessRate":null,"maxCollisionRate":null,"minApprovals":1,"allowRejections":false}'::jsonb);
