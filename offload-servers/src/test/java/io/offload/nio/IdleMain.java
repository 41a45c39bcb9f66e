package io.offload.nio;

/**
 * Started with the default-provider property, never touches a file: the JVM must still exit at once.
 */
public final class IdleMain
{
    private IdleMain()
    {
    }

    /**
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        System.out.println("IDLE runtime=" + (OffloadFileSystemProvider.defaultRuntime() != null));
    }
}
