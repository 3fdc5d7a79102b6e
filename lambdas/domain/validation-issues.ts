/**
 * Validation issues as `key.path: message` lines, the form every bad-input
 * answer uses (a configuration at synth, an admin request at run time).
 * Structural, so both zod and zod/mini errors fit without importing either.
 */
export interface ValidationIssue {
  path: readonly PropertyKey[];
  message: string;
}

export function describeIssues(error: { issues: readonly ValidationIssue[] }): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}
