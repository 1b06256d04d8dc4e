// Test-only replacement of java.nio.channels.FileLock, put into java.base with
// `--patch-module java.base=<compiled dir>` by test/helpers/artemis.ts, for ONE reason:
//
// HornetQ 2.2–2.4 (HornetQFileLock) and Artemis ≤ 2.0 (ActiveMQFileLock) return their flock(2) lock
// on server.1.lock / server.2.lock as a FileLock subclass made with `super((FileChannel) null, 0, 0,
// false)`. Java 7 and 8 allowed the null channel; Java 9 added `Objects.requireNonNull(channel,
// "Null channel")` to FileLock's constructors (JDK-6880737), so on any JDK this machine has those
// classes throw NullPointerException("Null channel") the first time they take a lock, and the real
// AIOFileLockNodeManager cannot run. This class is FileLock's public API written from its javadoc,
// with the same checks except that one: a null channel is allowed (channel() and acquiredBy() then
// return null, as on Java 8). Nothing else in the JVM changes. Compiled when the tests need it; no
// class file is kept in the repository.
package java.nio.channels;

import java.io.IOException;

public abstract class FileLock implements AutoCloseable {
	private final Channel channel;
	private final long position;
	private final long size;
	private final boolean shared;

	protected FileLock(FileChannel channel, long position, long size, boolean shared) {
		this((Channel) channel, position, size, shared);
	}

	protected FileLock(AsynchronousFileChannel channel, long position, long size, boolean shared) {
		this((Channel) channel, position, size, shared);
	}

	private FileLock(Channel channel, long position, long size, boolean shared) {
		if (position < 0) throw new IllegalArgumentException("Negative position");
		if (size < 0) throw new IllegalArgumentException("Negative size");
		if (position + size < 0) throw new IllegalArgumentException("Negative position + size");
		this.channel = channel; // the one difference: null is allowed (HornetQ/Artemis' flock locks)
		this.position = position;
		this.size = size;
		this.shared = shared;
	}

	public final FileChannel channel() {
		return channel instanceof FileChannel ? (FileChannel) channel : null;
	}

	public Channel acquiredBy() {
		return channel;
	}

	public final long position() {
		return position;
	}

	public final long size() {
		return size;
	}

	public final boolean isShared() {
		return shared;
	}

	public final boolean overlaps(long position, long size) {
		if (position + size <= this.position) return false;
		return this.position + this.size > position;
	}

	public abstract boolean isValid();

	public abstract void release() throws IOException;

	@Override
	public final void close() throws IOException {
		release();
	}

	@Override
	public final String toString() {
		return getClass().getName() + "[" + position + ":" + size + " " + (shared ? "shared" : "exclusive") + " " + (isValid() ? "valid" : "invalid") + "]";
	}
}
