package io.offload.examples.http;

import java.io.Serial;

/**
 * A request the server answers with an error status before (or instead of) any handler: the parser throws it for
 * malformed input, the connection catches it and sends the status with the message as a short text body.
 */
final class HttpError extends Exception
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean closeAfter;

    /**
     * @param status     the status to answer with.
     * @param message    why, sent to the client as the body and logged at debug.
     * @param closeAfter true where the request's framing cannot be trusted (where it ends is unknown), so the
     *                   connection must not be reused.
     */
    HttpError(final int status, final String message, final boolean closeAfter)
    {
        super(message, null, false, false); // control flow for bad input: no stack trace to fill
        this.status = status;
        this.closeAfter = closeAfter;
    }

    int status()
    {
        return status;
    }

    boolean closeAfter()
    {
        return closeAfter;
    }
}
