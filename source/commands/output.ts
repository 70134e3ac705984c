import {UsageError, WizardError} from '../core/errors.js';
import {printable} from '../core/text.js';

/** Exit codes: 0 success, 1 the flow failed, 2 bad usage. */
export const exitCode = {ok: 0, failed: 1, usage: 2} as const;

/**
 * Where a command writes: one JSON document on stdout with --json, human text otherwise; progress and
 * diagnostics always on stderr, so that stdout stays parseable.
 */
export type Output = {
	readonly json: boolean;
	/** A progress or diagnostic line (stderr). */
	note(line: string): void;
	/** The command's result: `value` with --json, `lines` otherwise (stdout). */
	result(value: unknown, lines: () => readonly string[]): void;
};

/**
 * Text for the terminal: every line through printable(), so that no control sequence a server put in a
 * string reaches it (the one boundary of the CLI's text output).
 */
export function terminalText(lines: readonly string[]): string {
	return `${lines.map(line => printable(line)).join('\n')}\n`;
}

/**
 * A JSON document as text. JSON escapes C0 controls itself; DEL, the C1 controls (a lone 0x9B is a
 * CSI to some terminals) and the bidi overrides are escaped too, as JSON allows (\uNNNN).
 */
export function jsonText(value: unknown, indent?: number): string {
	return JSON.stringify(value, null, indent).replaceAll(/[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

export function createOutput(json: boolean, streams: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream} = process): Output {
	return {
		json,
		note(line) {
			streams.stderr.write(terminalText([line]));
		},
		result(value, lines) {
			streams.stdout.write(json ? `${jsonText(value, 2)}\n` : terminalText(lines()));
		},
	};
}

/** A failure as the user sees it: what failed, the server's own words, what to try. Never a stack trace. */
export function describeFailure(error: unknown): {code: number; value: Record<string, unknown>; lines: string[]} {
	if (error instanceof UsageError) {
		return {code: exitCode.usage, value: {ok: false, error: {step: 'usage', message: error.message, hint: error.hint}}, lines: [`Error: ${error.message}`, `Try: ${error.hint}`]};
	}

	if (error instanceof WizardError) {
		const lines = [`Error (${error.step}): ${error.message}`];
		if (error.answer) {
			lines.push(`The server said (HTTP ${error.answer.status} from ${error.answer.url}):`, `  ${printable(error.answer.body.trim().slice(0, 2000))}`);
		}

		lines.push(`Try: ${error.hint}`);
		const code = error.step === 'input' ? exitCode.usage : exitCode.failed;
		return {code, value: {ok: false, error: {step: error.step, message: error.message, hint: error.hint, answer: error.answer}}, lines};
	}

	const message = error instanceof Error ? error.message : String(error);
	return {
		code: exitCode.failed,
		value: {ok: false, error: {step: 'internal', message, hint: 'This is a bug in mcp-auth-wizard; run again with --trace and report it.'}},
		lines: [`Error: ${message}`, 'Try: this is a bug in mcp-auth-wizard; run again with --trace and report it.'],
	};
}

/** An output whose result goes to stderr too: for a login inside a command whose stdout holds something else (a tool call's document, the proxy's protocol). */
export function quietOutput(output: Output): Output {
	return {
		json: output.json,
		note: line => output.note(line),
		result(_value, lines) {
			for (const line of lines()) output.note(line);
		},
	};
}
