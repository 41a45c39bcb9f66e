package io.offload.examples.http;

/**
 * The status codes this server sends, with their reason phrases (RFC 9110 section 15).
 */
public final class HttpStatus
{
    /** 100 Continue: the client may send the body it announced with {@code Expect: 100-continue}. */
    public static final int CONTINUE = 100;
    /** 200 OK. */
    public static final int OK = 200;
    /** 204 No Content. */
    public static final int NO_CONTENT = 204;
    /** 206 Partial Content: one byte range. */
    public static final int PARTIAL_CONTENT = 206;
    /** 301 Moved Permanently. */
    public static final int MOVED_PERMANENTLY = 301;
    /** 304 Not Modified: the client's copy (If-Modified-Since) is current. */
    public static final int NOT_MODIFIED = 304;
    /** 400 Bad Request: malformed request line or header. */
    public static final int BAD_REQUEST = 400;
    /** 403 Forbidden. */
    public static final int FORBIDDEN = 403;
    /** 404 Not Found, also for every path outside the document root. */
    public static final int NOT_FOUND = 404;
    /** 405 Method Not Allowed. */
    public static final int METHOD_NOT_ALLOWED = 405;
    /** 408 Request Timeout: the client stopped sending mid-request. */
    public static final int REQUEST_TIMEOUT = 408;
    /** 413 Content Too Large. */
    public static final int CONTENT_TOO_LARGE = 413;
    /** 414 URI Too Long. */
    public static final int URI_TOO_LONG = 414;
    /** 416 Range Not Satisfiable. */
    public static final int RANGE_NOT_SATISFIABLE = 416;
    /** 417 Expectation Failed. */
    public static final int EXPECTATION_FAILED = 417;
    /** 431 Request Header Fields Too Large. */
    public static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
    /** 500 Internal Server Error. */
    public static final int INTERNAL_SERVER_ERROR = 500;
    /** 501 Not Implemented: a method (or transfer coding) this server does not know. */
    public static final int NOT_IMPLEMENTED = 501;
    /** 503 Service Unavailable. */
    public static final int SERVICE_UNAVAILABLE = 503;
    /** 505 HTTP Version Not Supported. */
    public static final int HTTP_VERSION_NOT_SUPPORTED = 505;

    private HttpStatus()
    {
    }

    /**
     * @param status a status code.
     * @return its reason phrase; a generic one for a code not in this class (the phrase is informational only).
     */
    public static String reason(final int status)
    {
        return switch (status)
        {
            case CONTINUE -> "Continue";
            case OK -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case NO_CONTENT -> "No Content";
            case PARTIAL_CONTENT -> "Partial Content";
            case MOVED_PERMANENTLY -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case NOT_MODIFIED -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case BAD_REQUEST -> "Bad Request";
            case 401 -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not Found";
            case METHOD_NOT_ALLOWED -> "Method Not Allowed";
            case REQUEST_TIMEOUT -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case CONTENT_TOO_LARGE -> "Content Too Large";
            case URI_TOO_LONG -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case RANGE_NOT_SATISFIABLE -> "Range Not Satisfiable";
            case EXPECTATION_FAILED -> "Expectation Failed";
            case 429 -> "Too Many Requests";
            case REQUEST_HEADER_FIELDS_TOO_LARGE -> "Request Header Fields Too Large";
            case INTERNAL_SERVER_ERROR -> "Internal Server Error";
            case NOT_IMPLEMENTED -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case SERVICE_UNAVAILABLE -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case HTTP_VERSION_NOT_SUPPORTED -> "HTTP Version Not Supported";
            default -> status < 200 ? "Informational" : status < 300 ? "Success" : status < 400 ? "Redirection" :
                status < 500 ? "Client Error" : "Server Error";
        };
    }
}
