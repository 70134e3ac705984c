import {Box, useInput} from 'ink';
import {Text} from './text.js';
import {type ReactNode, useState} from 'react';

export type ScrollViewProps = {
	/** The content, one terminal row a line (a longer one is clipped: cut it into rows first); strings are cut at the terminal width. */
	readonly lines: readonly ReactNode[];
	/** The rows it takes, the "↓ 12 more lines" row included when the content is clipped. */
	readonly height: number;
	/** Whether ↑ ↓ PgUp PgDn Home End scroll it; true by default. */
	readonly isActive?: boolean;
	/** Start at the end and stay there as lines are added (a log); the top otherwise. */
	readonly followEnd?: boolean;
};

/** A window on a longer content, with "↑ 3 above · ↓ 12 more lines" under it when it is clipped. */
export function ScrollView({lines, height, isActive = true, followEnd = false}: ScrollViewProps) {
	const rows = lines.length > height ? Math.max(1, height - 1) : height;
	const last = Math.max(0, lines.length - rows);
	// 'end' sticks to the bottom while new lines come in.
	const [position, setPosition] = useState<number | 'end'>(followEnd ? 'end' : 0);
	const offset = position === 'end' ? last : Math.min(position, last);
	const scrollTo = (target: number) => {
		const next = Math.max(0, Math.min(target, last));
		setPosition(followEnd && next === last ? 'end' : next);
	};

	useInput(
		(_input, key) => {
			if (key.upArrow) scrollTo(offset - 1);
			else if (key.downArrow) scrollTo(offset + 1);
			else if (key.pageUp) scrollTo(offset - rows);
			else if (key.pageDown) scrollTo(offset + rows);
			else if (key.home) scrollTo(0);
			else if (key.end) scrollTo(last);
		},
		{isActive: isActive && lines.length > rows},
	);

	const below = lines.length - offset - rows;
	const status = [offset > 0 ? `↑ ${offset} above` : '', below > 0 ? `↓ ${below} more lines` : ''].filter(Boolean).join(' · ');
	return (
		<Box flexDirection="column">
			{lines.slice(offset, offset + rows).map((line, index) => (
				// One terminal row a line, whatever the line holds: the height above counts on it.
				<Box key={offset + index} flexShrink={0} height={1} overflow="hidden">
					{typeof line === 'string' ? <Text wrap="truncate-end">{line}</Text> : line}
				</Box>
			))}
			{lines.length > rows ? <Text dimColor>{status}</Text> : undefined}
		</Box>
	);
}
