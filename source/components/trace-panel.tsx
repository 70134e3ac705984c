import {Text} from './text.js';
import type {Exchange, ExchangeTimings} from '../core/http.js';
import {ScrollView} from './scroll-view.js';
import {exchangeLabel} from '../core/trace.js';

const phaseNames = [
	['dns', 'dns'],
	['tcp', 'tcp'],
	['tls', 'tls'],
	['firstByte', 'first byte'],
] as const satisfies ReadonlyArray<readonly [keyof ExchangeTimings, string]>;

/** "120 ms (dns 3 · tcp 20 · tls 41 · first byte 50)": only the phases got measured. */
export function formatTimings(timings: ExchangeTimings): string {
	const phases = phaseNames.flatMap(([field, name]) => (timings[field] === undefined ? [] : [`${name} ${timings[field]}`]));
	return `${timings.total} ms${phases.length > 0 ? ` (${phases.join(' · ')})` : ''}`;
}

function TraceLine({exchange}: {readonly exchange: Exchange}) {
	const outcome = exchange.error === undefined ? String(exchange.status ?? '…') : `✗ ${exchange.error}`;
	const failed = exchange.error !== undefined || (exchange.status ?? 0) >= 400;
	return (
		<Text wrap="truncate-middle">
			<Text dimColor>{exchangeLabel(exchange)} </Text>
			{exchange.method} {exchange.url} <Text color={failed ? 'red' : 'green'}>{outcome}</Text> <Text dimColor>{formatTimings(exchange.timings)}</Text>
		</Text>
	);
}

export type TracePanelProps = {
	/** Every exchange so far, oldest first, secrets already redacted by the HTTP layer. */
	readonly exchanges: readonly Exchange[];
	/** The rows it takes. */
	readonly height: number;
	/** Whether ↑ ↓ PgUp PgDn scroll it (give it the keys while it is open). */
	readonly isActive?: boolean;
};

/** The HTTP trace without a title: one line a request, newest at the bottom, following new ones as they come. */
export function TracePanel({exchanges, height, isActive = true}: TracePanelProps) {
	if (exchanges.length === 0) return <Text dimColor>No requests yet.</Text>;
	return <ScrollView followEnd height={height} isActive={isActive} lines={exchanges.map(exchange => <TraceLine exchange={exchange}/>)}/>;
}
