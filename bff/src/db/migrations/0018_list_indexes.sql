CREATE INDEX "tgsp_packages_model_name_idx" ON "tgsp_packages" USING btree ("model_name","id");--> statement-breakpoint
CREATE INDEX "tgsp_packages_size_idx" ON "tgsp_packages" USING btree ("size_bytes","id");--> statement-breakpoint
CREATE INDEX "tgsp_packages_downloads_idx" ON "tgsp_packages" USING btree ("downloads","id");--> statement-breakpoint
CREATE INDEX "tgsp_packages_status_idx" ON "tgsp_packages" USING btree ("status","uploaded_at","id");--> statement-breakpoint
CREATE INDEX "training_runs_name_idx" ON "training_runs" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "training_runs_epsilon_idx" ON "training_runs" USING btree ("epsilon_spent","id");--> statement-breakpoint
CREATE INDEX "training_runs_last_report_idx" ON "training_runs" USING btree ("last_report_at" DESC NULLS LAST,"id" DESC NULLS FIRST);