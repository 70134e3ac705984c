import {Box} from 'ink';
import {Text} from './text.js';
import type {ReactNode} from 'react';
import {cutRows} from './rows.js';

/** A top-level member line of 2-space JSON: `  "key": ...`. */
const memberLine = /^ {2}("(?:[^"\\]|\\.)*"):/;

/**
 * Pretty-printed JSON (2 spaces, key order kept), one <Text> a terminal row, so that it fits in a
 * ScrollView: a line wider than `width` goes on over the next rows. Every line of a highlighted
 * top-level member (a list spans several) is bold and marked with ◀, which shows without colour too.
 */
export function jsonLines(value: unknown, highlight: readonly string[] = [], width = Number.POSITIVE_INFINITY): ReactNode[] {
	const text = JSON.stringify(value, undefined, 2) ?? 'undefined';
	let member: string | undefined;
	return text.split('\n').flatMap((line, index) => {
		const match = memberLine.exec(line);
		if (match?.[1]) member = JSON.parse(match[1]) as string;
		// Deeper lines and the member's closing bracket still belong to it.
		else if (!/^ {2}[ \]}]/.test(line)) member = undefined;
		const marked = member !== undefined && highlight.includes(member);
		return cutRows(marked ? `${line}  ◀` : line, width).map((row, part) => (
			<Text key={`${index}.${part}`} bold={marked} color={marked ? 'yellow' : undefined}>
				{row}
			</Text>
		));
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
