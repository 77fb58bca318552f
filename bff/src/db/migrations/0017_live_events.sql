CREATE TABLE "live_event_floors" (
	"channel" varchar(63) PRIMARY KEY NOT NULL,
	"tx" "xid8" NOT NULL,
	"id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "live_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" varchar(63) NOT NULL,
	"tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "live_events_channel_position" ON "live_events" USING btree ("channel","tx","id");--> statement-breakpoint
CREATE INDEX "live_events_created_at" ON "live_events" USING btree ("created_at");