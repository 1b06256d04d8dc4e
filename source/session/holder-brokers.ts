// Which broker holds each lock, for the dialogs and the Locks rows. The snapshot is meant to
// carry it (the lock-file layer reads broker.xml for status and doctor); until a snapshot
// does, the session adds it here, in this one place: a holder that already has `broker` is
// left as it is. brokerOf caches per process (pid, start time, argv): two small /proc reads.
import {brokerOf} from '../broker/index.js';
import type {Holder, Probe} from '../lock-file/probe.js';
import type {Snapshot} from '../watch/snapshot.js';
import type {HolderWithBroker} from './labels.js';

function withBroker(holder: Holder): HolderWithBroker {
	if ('broker' in holder || holder.sameProcess || holder.pid === undefined) return holder;
	return {...holder, broker: brokerOf(holder.pid) ?? null};
}

export function withBrokers(snapshot: Snapshot): Snapshot {
	const {probe} = snapshot;
	if (!probe) return snapshot;
	const lock = (segment: keyof Probe['locks']) => ({...probe.locks[segment], holders: probe.locks[segment].holders.map(withBroker)});
	return {...snapshot, probe: {...probe, locks: {state: lock('state'), live: lock('live'), backup: lock('backup')}}};
}
