package dev.softinfonce.distributed;

import java.lang.reflect.Constructor;
import java.util.function.Supplier;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * The device that ops built next are placed on, switched while a graph is built: the towers of shard K
 * go on {@code /job:worker/task:K} ({@link #on}), everything else (variables, objective, AdamW) on the
 * chief's device. Model code keeps the {@link Ops} it was built with ({@code nn} blocks store it), so the
 * device cannot come from {@link Ops#withDevice} per call; instead {@link #ops} makes an {@code Ops}
 * whose scope (and every scope derived from it) reads this placement when an op is built.
 *
 * <p>Ops TF adds by itself (the gradients of {@code Graph.addGradients}) carry no device: TF's placer
 * places them.
 */
public final class Placement {
  private String device;

  /** A placement that starts on {@code device} ({@code /job:worker/task:0}: the chief). */
  public Placement(String device) {
    this.device = device;
  }

  public String device() {
    return device;
  }

  /** Builds with {@code build} while ops go to {@code dev}, then returns to the previous device. */
  public <T> T on(String dev, Supplier<T> build) {
    String previous = device;
    device = dev;
    try {
      return build.get();
    } finally {
      device = previous;
    }
  }

  /** An {@code Ops} over {@code env} whose ops are placed where this placement says when each is built. */
  public Ops ops(ExecutionEnvironment env) {
    return wrap(new PlacedScope(new OpScope(env), this));
  }

  /** {@code Ops(Scope)} is package-private in TF Java 1.1; the public factories only take an environment. */
  static Ops wrap(Scope scope) {
    try {
      Constructor<Ops> c = Ops.class.getDeclaredConstructor(Scope.class);
      c.setAccessible(true);
      return c.newInstance(scope);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("TF Java's Ops(Scope) constructor is not reachable: " + e, e);
    }
  }
}
