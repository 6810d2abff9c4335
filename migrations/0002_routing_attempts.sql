ALTER TABLE "usage_records" ADD COLUMN "upstream_model" varchar(200);--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;