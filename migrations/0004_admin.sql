CREATE TABLE "admin_session_activity" (
	"session_id" varchar(64) PRIMARY KEY NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" integer,
	"actor_email" varchar(255) NOT NULL,
	"channel" varchar(20) NOT NULL,
	"action" varchar(50) NOT NULL,
	"target" varchar(300) NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "catalog_models" (
	"id" varchar(200) PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"aliases" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"input_price" double precision DEFAULT 0 NOT NULL,
	"output_price" double precision DEFAULT 0 NOT NULL,
	"deployments" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_upstreams" (
	"name" varchar(100) PRIMARY KEY NOT NULL,
	"base_url" text NOT NULL,
	"api_keys_sealed" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"timeout_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"name" varchar(20) PRIMARY KEY NOT NULL,
	"monthly_quota" integer NOT NULL,
	"price" double precision NOT NULL,
	"max_keys" integer NOT NULL,
	"default_rate_limit" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "role" varchar(20) DEFAULT 'user' NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "idx_audit_log_actor" ON "audit_log" USING btree ("actor_email","id");--> statement-breakpoint
CREATE INDEX "idx_audit_log_action" ON "audit_log" USING btree ("action","id");