-- usage_records becomes a table partitioned by month of created_at (UTC), so retention drops whole months instead
-- of deleting rows. Written by hand (drizzle-kit generate --custom): drizzle-kit does not model partitioning; the
-- snapshot beside it holds the schema's (id, created_at) primary key, so later generates see no change.
-- Existing rows are kept: the old table is renamed, each month it holds gets a partition, rows are copied, the old
-- table is dropped. The default partition catches a record whose month has no partition yet (never an error);
-- src/usage/partitions.ts creates months ahead, moves such records into their month, and drops expired months.
ALTER TABLE "usage_records" RENAME TO "usage_records_unpartitioned";--> statement-breakpoint
DROP INDEX "idx_usage_records_user_created";--> statement-breakpoint
DROP INDEX "idx_usage_records_user_failed";--> statement-breakpoint
CREATE TABLE "usage_records" (
	"id" varchar(36) NOT NULL,
	"user_id" integer NOT NULL,
	"api_key_id" integer NOT NULL,
	"endpoint" varchar(64) NOT NULL,
	"model" varchar(200),
	"upstream" varchar(100),
	"status" integer NOT NULL,
	"outcome" varchar(32) NOT NULL,
	"counts_quota" boolean DEFAULT false NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"tokens_estimated" boolean DEFAULT false NOT NULL,
	"cost" double precision DEFAULT 0 NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"ttfb_ms" integer,
	"stream" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"upstream_model" varchar(200),
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_records_id_created_at_pk" PRIMARY KEY("id","created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE INDEX "idx_usage_records_user_created" ON "usage_records" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_usage_records_user_failed" ON "usage_records" USING btree ("user_id","created_at") WHERE "usage_records"."status" >= 400;--> statement-breakpoint
CREATE TABLE "usage_records_default" PARTITION OF "usage_records" DEFAULT;--> statement-breakpoint
-- One partition per month of the existing rows, plus this month and the next: usage_records_YYYY_MM = [1st, next 1st) UTC.
DO $$
DECLARE
	month date;
BEGIN
	FOR month IN
		SELECT DISTINCT date_trunc('month', "created_at" AT TIME ZONE 'UTC')::date FROM "usage_records_unpartitioned"
		UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date
		UNION SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month')::date
	LOOP
		EXECUTE format('CREATE TABLE %I PARTITION OF "usage_records" FOR VALUES FROM (%L) TO (%L)',
			'usage_records_' || to_char(month, 'YYYY_MM'),
			to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00',
			to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
	END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "usage_records" ("id", "user_id", "api_key_id", "endpoint", "model", "upstream", "status", "outcome", "counts_quota",
	"prompt_tokens", "completion_tokens", "tokens_estimated", "cost", "latency_ms", "ttfb_ms", "stream", "error", "created_at",
	"upstream_model", "attempts")
SELECT "id", "user_id", "api_key_id", "endpoint", "model", "upstream", "status", "outcome", "counts_quota",
	"prompt_tokens", "completion_tokens", "tokens_estimated", "cost", "latency_ms", "ttfb_ms", "stream", "error", "created_at",
	"upstream_model", "attempts"
FROM "usage_records_unpartitioned";--> statement-breakpoint
DROP TABLE "usage_records_unpartitioned";
