ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_api_key_id_api_keys_id_fk";
--> statement-breakpoint
DROP INDEX "idx_usage_records_key_created";