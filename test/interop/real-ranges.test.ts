// ha-tui against the real FileLockNodeManager of org.apache.activemq:artemis-server:2.9.0, the last
// Artemis release of the ranges layout (1-byte POSIX locks at bytes 0/1/2 of server.lock), from
// Maven Central through scripts/fetch-artemis.sh. The tests are in real-node-manager.ts.
import {nodeManagerInterop} from './real-node-manager.js';

nodeManagerInterop('2.9.0', 'ranges');
