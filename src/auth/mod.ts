// Accounts: users, passwords, sessions and the account-auth guard.
export { authRoutes } from "./routes.ts";
export type { AuthDeps } from "./routes.ts";
export type { PasswordCost } from "./passwords.ts";
export { accountAuth, accountFromClaims, presentedToken, SESSION_COOKIE, tokenPlugin } from "./session_plugin.ts";
export type { Account } from "./session_plugin.ts";
export { authenticate, registerUser, userView } from "./accounts.ts";
export type { RegisterRefusal } from "./accounts.ts";
export { registerBody } from "./model.ts";
export type { UserView } from "./model.ts";
export { registerRefusal } from "./routes.ts";
export { createSession, revokeSession } from "./sessions.ts";
export { findUserByEmail, findUserById, listSubscriptions, normalizeEmail, setUserActive, setUserPlan } from "./users.ts";
export type { User } from "./users.ts";
export { consumePasswordResetToken, issuePasswordResetToken } from "./reset_tokens.ts";
