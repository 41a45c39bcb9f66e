package io.offload.api.internal;

/**
 * Offsets of the fields of {@code struct msghdr} ({@code <bits/socket.h>}), the argument of sendmsg and recvmsg,
 * so that whoever builds one names its fields instead of counting bytes. The layout is the same on every LP64 Linux
 * (x86_64, AArch64): pointers and {@code size_t} are 8 bytes, and the compiler pads {@code msg_namelen} and
 * {@code msg_flags} to 8.
 * <pre>
 *   0                               8               12              16
 *   +-------------------------------+---------------+---------------+
 *   | msg_name (struct sockaddr *)  | msg_namelen   | pad           |   msg_name may be 0 (NULL): a connected
 *   +-------------------------------+---------------+---------------+   socket, or the sender is not wanted
 *  16                              24                              32
 *   +-------------------------------+-------------------------------+
 *   | msg_iov (struct iovec *)      | msg_iovlen (size_t)           |   see IoVector for the iovec array
 *   +-------------------------------+-------------------------------+
 *  32                              40                              48
 *   +-------------------------------+-------------------------------+
 *   | msg_control (void *)          | msg_controllen (size_t)       |   ancillary data (SCM_RIGHTS...), or 0 and 0
 *   +-------------------------------+-------------------------------+
 *  48               52              56
 *   +---------------+---------------+
 *   | msg_flags     | pad           |   recvmsg writes MSG_TRUNC, MSG_CTRUNC... here; sendmsg ignores it
 *   +---------------+---------------+
 * </pre>
 * recvmsg writes {@code msg_namelen}, {@code msg_controllen} and {@code msg_flags} back, so a msghdr is a buffer
 * the kernel writes, not a constant argument.
 */
public final class MsgHdrDescriptor
{
    /** Size of struct msghdr. */
    public static final int LENGTH = 56;
    /** msg_name: address of a sockaddr, or 0. */
    public static final int NAME_OFFSET = 0;
    /** msg_namelen: u32 length of msg_name's buffer; recvmsg writes the length of the address it stored. */
    public static final int NAMELEN_OFFSET = 8;
    /** msg_iov: address of an iovec array. */
    public static final int IOV_OFFSET = 16;
    /** msg_iovlen: number of iovecs (size_t). */
    public static final int IOVLEN_OFFSET = 24;
    /** msg_control: address of the ancillary data buffer, or 0. */
    public static final int CONTROL_OFFSET = 32;
    /** msg_controllen: its length (size_t). */
    public static final int CONTROLLEN_OFFSET = 40;
    /** msg_flags: int flags recvmsg reports. */
    public static final int FLAGS_OFFSET = 48;

    private MsgHdrDescriptor()
    {
    }
}
