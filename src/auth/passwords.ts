// Password hashing with argon2id through Bun.password.

export interface PasswordCost {
  memoryCost?: number;
  timeCost?: number;
}

/** Hashes `password` with argon2id; `cost` is lowered only in tests. */
export function hashPassword(password: string, cost: PasswordCost = {}): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id", ...cost });
}

/** Verifies `password` against an argon2id hash; false for malformed hashes. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false;
  }
}
