// Types for run.mjs (plain JavaScript, so that `npm run conformance` runs it with node alone).
export type Check = {readonly id: string; readonly status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED'; readonly errorMessage?: string};
export type Scenario = {readonly suite: string; readonly name: string; readonly checks: readonly Check[]; readonly clientOutput: string};
export const suites: readonly string[];
export function runConformance(options?: {readonly suites?: readonly string[]}): Promise<{
	readonly scenarios: readonly Scenario[];
	/** Each FAILURE or WARNING, a scenario without a success, a suite that failed otherwise. */
	readonly problems: readonly string[];
	readonly logs: Readonly<Record<string, string>>;
}>;
