package io.offload.api;

/**
 * What {@code uname(2)} reports about the running kernel and host.
 *
 * @param sysname    the kernel's name, {@code "Linux"}.
 * @param nodename   the host name.
 * @param release    the kernel release, e.g. {@code "6.18.44"}.
 * @param version    the kernel's build version string.
 * @param machine    the hardware name, {@code "x86_64"} or {@code "aarch64"} (not Java's {@code os.arch}, which says
 *                   {@code "amd64"} for the first).
 * @param domainname the NIS domain name, often {@code "(none)"}.
 */
public record Uname(String sysname, String nodename, String release, String version, String machine,
    String domainname)
{
}
