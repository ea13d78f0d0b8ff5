/**
 * Secrets are named by name, by full ARN, or by ARN whose name carries Secrets Manager's random
 * six-character suffix (`prod/stripe-AbC123`). These helpers compare such ids without a call.
 */

const SECRET_ARN = /^arn:aws[\w-]*:secretsmanager:[^:]*:[^:]*:secret:(.+)$/;
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** Every form under which a secret id may appear in an event or a reference. */
export function secretIdForms(id: string): string[] {
  const forms = new Set<string>([id]);
  const arnName = SECRET_ARN.exec(id)?.[1];
  if (arnName) {
    forms.add(arnName);
    if (RANDOM_SUFFIX.test(arnName)) forms.add(arnName.replace(RANDOM_SUFFIX, ""));
  }
  return [...forms];
}

/** True when two secret ids (names or ARNs, with or without suffix) name the same secret. */
export function sameSecret(a: string, b: string): boolean {
  const forms = new Set(secretIdForms(a));
  return secretIdForms(b).some((form) => forms.has(form));
}
