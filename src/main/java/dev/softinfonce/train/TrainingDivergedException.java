package dev.softinfonce.train;

/** The loss became NaN or infinite; the message names the step and the last good checkpoint. */
public final class TrainingDivergedException extends RuntimeException {
  public TrainingDivergedException(String message) {
    super(message);
  }
}
