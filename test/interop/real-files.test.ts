// ha-tui against the real FileLockNodeManager of org.apache.activemq:artemis-server:2.40.0, the files
// layout of every Artemis since 2.10 (whole-file POSIX locks on serverlock.1 = primary and
// serverlock.2 = backup, the state lock on server.lock; a 2.29+ primary's lock monitor shuts it down
// when server.lock's mtime moves under it), with its full runtime classpath. The tests, an ha-tui
// backup joining a healthy pair of real ones among them, are in real-node-manager.ts.
import {nodeManagerInterop} from './real-node-manager.js';

nodeManagerInterop('2.40.0', 'files');
