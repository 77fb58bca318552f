CREATE TABLE "tgsp_base_models" (
	"name" text PRIMARY KEY NOT NULL,
	"packages" integer NOT NULL
);
--> statement-breakpoint
-- The packages list offers every base model some package names as a filter. Counting them from
-- tgsp_packages read the whole table on every page (~170 ms on PGlite with 100,000 packages); this
-- table keeps them, with how many packages name each, updated by the writing transaction itself.
CREATE FUNCTION "tgsp_base_models_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "tgsp_base_models" SET "packages" = "packages" - 1
      WHERE "name" IN (SELECT DISTINCT unnest(OLD."base_models"));
    DELETE FROM "tgsp_base_models" WHERE "packages" <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "tgsp_base_models" ("name", "packages")
      SELECT DISTINCT unnest(NEW."base_models"), 1
      ON CONFLICT ("name") DO UPDATE SET "packages" = "tgsp_base_models"."packages" + 1;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "tgsp_packages_base_models" AFTER INSERT OR DELETE ON "tgsp_packages"
  FOR EACH ROW EXECUTE FUNCTION "tgsp_base_models_count"();--> statement-breakpoint
CREATE TRIGGER "tgsp_packages_base_models_update" AFTER UPDATE ON "tgsp_packages"
  FOR EACH ROW WHEN (OLD."base_models" IS DISTINCT FROM NEW."base_models")
  EXECUTE FUNCTION "tgsp_base_models_count"();--> statement-breakpoint
INSERT INTO "tgsp_base_models" ("name", "packages")
  SELECT "name", count(*)::int FROM (SELECT DISTINCT "id", unnest("base_models") AS "name" FROM "tgsp_packages") AS "named"
  GROUP BY "name";
