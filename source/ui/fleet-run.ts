// The fleet screen's entry (issue 19 §2).
import process from 'node:process';
import type {FleetTargets} from '../commands/fleet-targets.js';
import type {LayoutChoice} from '../lock-file/index.js';

export async function runFleetTui(_options: FleetTargets & {intervalMs: number; layout: LayoutChoice; signal: AbortSignal}): Promise<number> {
	process.stderr.write('ha-tui: the fleet screen (several groups in the TUI) is not built yet; use `ha-tui watch A B…` or `ha-tui status A B…`\n');
	return 3;
}
