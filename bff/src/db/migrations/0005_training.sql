CREATE TABLE "training_rounds" (
	"run_id" uuid NOT NULL,
	"round_index" integer NOT NULL,
	"clients" integer NOT NULL,
	"steps" integer NOT NULL,
	"sample_rate" double precision NOT NULL,
	"noise_multiplier" double precision NOT NULL,
	"clipping_norm" double precision NOT NULL,
	"metrics" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reported_by" text,
	"report_hash" text NOT NULL,
	CONSTRAINT "training_rounds_run_id_round_index_pk" PRIMARY KEY("run_id","round_index")
);
--> statement-breakpoint
CREATE TABLE "training_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"base_model" text NOT NULL,
	"adapter" jsonb NOT NULL,
	"planned_rounds" integer NOT NULL,
	"steps_per_round" integer NOT NULL,
	"noise_multiplier" double precision NOT NULL,
	"clipping_norm" double precision NOT NULL,
	"sample_rate" double precision NOT NULL,
	"delta" double precision NOT NULL,
	"epsilon_budget" double precision NOT NULL,
	"dataset_size" bigint,
	"state" text NOT NULL,
	"state_reason" text,
	"warnings" text[] NOT NULL,
	"rdp_groups" jsonb NOT NULL,
	"epsilon_spent" double precision DEFAULT 0 NOT NULL,
	"epsilon_order" double precision,
	"rounds_recorded" integer DEFAULT 0 NOT NULL,
	"last_round_index" integer,
	"last_report_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scope_run_id" uuid;--> statement-breakpoint
ALTER TABLE "training_rounds" ADD CONSTRAINT "training_rounds_run_id_training_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."training_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_rounds_received_idx" ON "training_rounds" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "training_runs_created_idx" ON "training_runs" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "training_runs_state_idx" ON "training_runs" USING btree ("state");