package io.offload.nio;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;

/**
 * A lock on an {@link OffloadFileChannel}, held by the platform's channel on the same file that the offload
 * channel keeps for locks and mappings. It reports the offload channel as its channel; it is released when that
 * channel closes, as POSIX record locks are when the process closes any descriptor of the file, and overlapping
 * locks within the JVM are refused by the platform's lock table as they are between platform channels.
 */
final class OffloadFileLock extends FileLock
{
    private final FileLock platformLock;

    OffloadFileLock(final OffloadFileChannel channel, final FileLock platformLock)
    {
        super(channel, platformLock.position(), platformLock.size(), platformLock.isShared());
        this.platformLock = platformLock;
    }

    @Override
    public boolean isValid()
    {
        return platformLock.isValid() && acquiredBy().isOpen();
    }

    @Override
    public synchronized void release() throws IOException
    {
        if (!acquiredBy().isOpen())
        {
            throw new ClosedChannelException();
        }
        platformLock.release();
    }
}
