ALTER TABLE "training_rounds" ADD COLUMN "epsilon_after" double precision;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "rdp" double precision[];--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "projected_epsilon" double precision;--> statement-breakpoint
ALTER TABLE "training_runs" DROP COLUMN "rdp_groups";
-- hand-written below
-- No SQL data step: the accountant is TypeScript. At start-up, before it listens, the server
-- rebuilds "rdp", "projected_epsilon" and each round's "epsilon_after" of every run whose "rdp"
-- is null, from its rounds in the order received (training/ledger-rebuild.ts).
