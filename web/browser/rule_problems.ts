/**
 * Validation problems of a rule, by JSON pointer, for showing each next to
 * the field it is about. Pure, for SSR, hydration and tests.
 */

/** One problem as the API reports it in `error.details`. */
export interface RuleProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Problems of a rule, looked up by where the editor shows them.
 *
 * @example
 * ```ts
 * const problems = new RuleProblems([
 *   { path: "/condition/any/1/value", message: "must be a finite number" },
 * ]);
 * problems.at("/condition/any/1/value"); // ["must be a finite number"]
 * ```
 */
export class RuleProblems {
  readonly all: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[] = []) {
    this.all = problems;
  }

  /** Messages about exactly `path`. */
  at(path: string): string[] {
    return this.all.filter((p) => p.path === path).map((p) => p.message);
  }

  /**
   * Messages about `path` or anything below it that is not one of `shown`
   * (paths whose fields show their own), e.g. a band's `/value/1`.
   */
  within(path: string, shown: readonly string[] = []): RuleProblem[] {
    return this.all.filter((p) =>
      (p.path === path || p.path.startsWith(`${path}/`)) &&
      !shown.some((s) => p.path === s || p.path.startsWith(`${s}/`))
    );
  }

  /** True when there are none. */
  get empty(): boolean {
    return this.all.length === 0;
  }
}

/**
 * Where a JSON pointer points, in words: `/condition/any/1/value` →
 * "Condition › any #2 › value".
 */
export function describePath(path: string): string {
  if (path === "") return "Rule";
  const labels: Record<string, string> = {
    condition: "Condition",
    clear: "Clear condition",
    scope: "Scope",
    schedule: "Schedule",
    forMs: "For",
    cooldownMs: "Cooldown",
    flapping: "Flapping",
    name: "Name",
    id: "Id",
    severity: "Severity",
    enabled: "Enabled",
  };
  const parts = path.slice(1).split("/").map((part) =>
    part.replaceAll("~1", "/").replaceAll("~0", "~")
  );
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === 0) words.push(labels[part] ?? part);
    else if (/^\d+$/.test(part)) words[words.length - 1] += ` #${Number(part) + 1}`;
    else words.push(part);
  }
  return words.join(" › ");
}
