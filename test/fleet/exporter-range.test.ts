// The exporter's time without a live is the range `history` and the TUI's timeline give for the
// same episode (store/no-live.ts): for a directory too, at most and at least, to the µs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {FleetExporter} from '../../source/fleet/exporter.js';
import {buildHistory, parseRecord} from '../../source/fleet/history.js';
import type {GroupEvent} from '../../source/fleet/record.js';
import {repoRoot} from '../helpers/spawned.js';

const GROUP = '/srv/mq/data/journal';

test('a directory\'s failovers: the exporter\'s at most and at least are the episodes\' own (the night\'s record replayed)', async () => {
	const {events} = parseRecord(fs.readFileSync(path.join(repoRoot(), 'test/fixtures/records/artemis-2.40-night.ndjson'), 'utf8'));
	const exporter = new FleetExporter([{label: GROUP, foundBy: 'argument'}]);
	const groupEvents = events.filter((event): event is GroupEvent => event.type === 'group');
	for (const [index, event] of groupEvents.entries()) exporter.onEvent(event, index === 0);
	const handOvers = buildHistory(events).episodes.filter(episode => episode.kind === 'failover' || episode.kind === 'failback');
	assert.equal(handOvers.length, 4);
	const metrics = await exporter.registry.metrics();
	const sample = (name: string) => Number(new RegExp(`^${name}\\{path="${GROUP}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
	const last = handOvers.at(-1)!;
	assert.equal(sample('ha_tui_last_failover_no_live_seconds'), last.noLiveMs! / 1000);
	assert.equal(sample('ha_tui_last_failover_no_live_min_seconds'), last.noLiveMinMs! / 1000);
	assert.ok(last.noLiveMinMs! > 0 && last.noLiveMinMs! < last.noLiveMs!, `${last.noLiveMinMs} < ${last.noLiveMs}`);
	assert.equal(sample('ha_tui_failover_no_live_min_seconds_count'), 4);
	const sum = (key: 'noLiveMs' | 'noLiveMinMs') => handOvers.reduce((total, episode) => total + episode[key]! / 1000, 0);
	assert.ok(Math.abs(sample('ha_tui_failover_no_live_min_seconds_sum') - sum('noLiveMinMs')) < 1e-9);
	assert.ok(Math.abs(sample('ha_tui_failover_no_live_seconds_sum') - sum('noLiveMs')) < 1e-9);
});
