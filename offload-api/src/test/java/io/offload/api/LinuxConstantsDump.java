package io.offload.api;

import java.util.Map;

/**
 * Prints every constant of {@link LinuxConstants} as {@code NAME=value}, for {@link LinuxConstantsTest}'s child JVMs
 * started with another {@code os.arch}.
 */
public final class LinuxConstantsDump
{
    private LinuxConstantsDump()
    {
    }

    /**
     * @param args none.
     */
    public static void main(final String[] args)
    {
        System.out.println("arch " + LinuxConstants.ARCH);
        for (final Map.Entry<String, Long> constant : LinuxConstantsTest.constants(LinuxConstants.class).entrySet())
        {
            System.out.println(constant.getKey() + "=" + constant.getValue());
        }
    }
}
