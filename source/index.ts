// The engine without a screen, for scripts: probe and decode the files, run nodes, watch,
// name the brokers behind the locks, and diagnose a group.
export * from './lock-file/index.js';
export * from './node-manager/index.js';
export * from './watch/index.js';
export {brokerOf, brokerLabel, type BrokerInfo} from './broker/index.js';
export {runDoctor, worstFinding, exitCodeOf, gatherContext, DoctorObserver, type Finding} from './doctor/index.js';
export * from './store/index.js';
