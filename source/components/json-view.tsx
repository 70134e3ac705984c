import {Box} from 'ink';
import {Text} from './text.js';
import type {ReactNode} from 'react';

/** A top-level member line of 2-space JSON: `  "key": ...`. */
const memberLine = /^ {2}("(?:[^"\\]|\\.)*"):/;

/**
 * Pretty-printed JSON (2 spaces, key order kept), one <Text> a line, so that it fits in a ScrollView.
 * Every line of a highlighted top-level member (a list spans several) is bold and marked with ◀, which
 * shows without colour too.
 */
export function jsonLines(value: unknown, highlight: readonly string[] = []): ReactNode[] {
	const text = JSON.stringify(value, undefined, 2) ?? 'undefined';
	let member: string | undefined;
	return text.split('\n').map((line, index) => {
		const match = memberLine.exec(line);
		if (match?.[1]) member = JSON.parse(match[1]) as string;
		// Deeper lines and the member's closing bracket still belong to it.
		else if (!/^ {2}[ \]}]/.test(line)) member = undefined;
		const marked = member !== undefined && highlight.includes(member);
		return (
			<Text key={index} bold={marked} color={marked ? 'yellow' : undefined}>
				{marked ? `${line}  ◀` : line}
			</Text>
		);
	});
}

export type JsonViewProps = {
	/** Any JSON value; shown as JSON.stringify(value, undefined, 2) shows it. */
	readonly value: unknown;
	/** Top-level keys whose lines are highlighted. */
	readonly highlight?: readonly string[];
};

/** JSON as it is sent or received, for short documents; long ones go through jsonLines and a ScrollView. */
export function JsonView({value, highlight}: JsonViewProps) {
	return <Box flexDirection="column">{jsonLines(value, highlight)}</Box>;
}
