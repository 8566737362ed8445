package dev.softinfonce.serve;

import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFPermissionDeniedException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnauthenticatedException;
import org.tensorflow.exceptions.TFUnimplementedException;

/**
 * A request the server refuses, with the HTTP status TF Serving's REST front end would give for the
 * same canonical error (tensorflow_serving/model_servers/http_server.cc): {@code INVALID_ARGUMENT} and
 * {@code FAILED_PRECONDITION} are 400, {@code NOT_FOUND} 404, {@code RESOURCE_EXHAUSTED} 429,
 * {@code UNIMPLEMENTED} 501. A body over this server's size cap is 413 (TF
 * Serving has no such cap). The message is sent as {@code {"error": "..."}}.
 */
public final class ApiException extends RuntimeException {
  private final int httpStatus;

  public ApiException(int httpStatus, String message) {
    super(message);
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** {@code INVALID_ARGUMENT}: 400. */
  public static ApiException invalidArgument(String message) {
    return new ApiException(400, message);
  }

  /** {@code NOT_FOUND}: 404. */
  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** {@code FAILED_PRECONDITION}: 400, as TF Serving maps it. */
  public static ApiException failedPrecondition(String message) {
    return new ApiException(400, message);
  }

  /** The request body is larger than the server accepts: 413. */
  public static ApiException tooLarge(String message) {
    return new ApiException(413, message);
  }

  /**
   * The HTTP status of a TensorFlow runtime error, by its canonical code (TF Java maps each status to
   * an {@code org.tensorflow.exceptions.TF*Exception}; anything else is 500).
   */
  public static int statusOf(RuntimeException e) {
    if (e instanceof TFInvalidArgumentException || e instanceof TFFailedPreconditionException
        || e instanceof TFOutOfRangeException) {
      return 400;
    }
    if (e instanceof TFResourceExhaustedException) {
      return 429;
    }
    if (e instanceof TFUnimplementedException) {
      return 501;
    }
    if (e instanceof TFPermissionDeniedException) {
      return 403;
    }
    if (e instanceof TFUnauthenticatedException) {
      return 401;
    }
    return 500;
  }
}
