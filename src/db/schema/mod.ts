// The Drizzle schema: the source of truth that drizzle-kit turns into migrations/.
export * from "./users.ts";
export * from "./api_keys.ts";
export * from "./usage.ts";
export * from "./notifications.ts";
export * from "./admin.ts";
