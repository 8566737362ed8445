package dev.softinfonce.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.TruncatedNormal;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;

/**
 * Creates the trainable variables of a model and remembers them by name.
 *
 * <p>Variables are {@code VariableV2} ops ({@code tf.variable}) because only those are saved by TF
 * Java checkpoints and trained by its optimizers. Their op names are {@code prefix + name} (flat, no
 * {@code /}: the framework optimizers reject it) so that names are the checkpoint contract. Initial
 * values follow BERT: truncated normal with stddev 0.02 for matrices, zeros for biases, ones for
 * layer-norm gains. Each initializer is seeded from the model seed and the variable name, so two
 * builds with the same seed start identically whatever order they create variables in.
 *
 * @param <T> the floating type of all variables (float32 for training, float64 in gradient checks)
 */
public final class Params<T extends TFloating> {
  /** BERT's {@code initializer_range}. */
  public static final double INIT_STDDEV = 0.02;

  private final Ops tf;
  private final Class<T> dtype;
  private final String prefix;
  private final long seed;
  private final Map<String, Variable<T>> variables;

  public Params(Ops tf, Class<T> dtype, String prefix, long seed) {
    this(tf, dtype, prefix, seed, new LinkedHashMap<>());
  }

  private Params(Ops tf, Class<T> dtype, String prefix, long seed, Map<String, Variable<T>> shared) {
    if (prefix.contains("/")) {
      throw new IllegalArgumentException("variable prefix must not contain '/': " + prefix);
    }
    this.tf = tf;
    this.dtype = dtype;
    this.prefix = prefix;
    this.seed = seed;
    this.variables = shared;
  }

  /** A view that creates variables under {@code prefix + sub} and records them in the same map. */
  public Params<T> scope(String sub) {
    return new Params<>(tf, dtype, prefix + sub, seed, variables);
  }

  public Ops tf() {
    return tf;
  }

  public Class<T> dtype() {
    return dtype;
  }

  /** The full name prefix of this view. */
  public String prefix() {
    return prefix;
  }

  /** A matrix (or any tensor) drawn from a truncated normal with stddev {@link #INIT_STDDEV}. */
  public Variable<T> normal(String name, long... shape) {
    String full = prefix + name;
    long s = seed * 1_000_003L + full.hashCode();
    Ops init = tf.withInitScope();
    Operand<T> value = new TruncatedNormal<T>(0.0, INIT_STDDEV, s).call(init, init.constant(shape), dtype);
    return register(full, value);
  }

  /** A tensor of zeros (biases). */
  public Variable<T> zeros(String name, long... shape) {
    Ops init = tf.withInitScope();
    return register(prefix + name, init.fill(init.constant(shape), init.dtypes.cast(init.constant(0f), dtype)));
  }

  /** A tensor filled with {@code value} (layer-norm gains use 1). */
  public Variable<T> filled(String name, double value, long... shape) {
    Ops init = tf.withInitScope();
    return register(prefix + name, init.fill(init.constant(shape), init.dtypes.cast(init.constant(value), dtype)));
  }

  private Variable<T> register(String fullName, Operand<T> init) {
    if (variables.containsKey(fullName)) {
      throw new IllegalStateException("variable " + fullName + " created twice");
    }
    Variable<T> v = tf.withName(fullName).variable(init);
    variables.put(fullName, v);
    return v;
  }

  /** Every variable created through this object or its scopes, full name → variable, in creation order. */
  public Map<String, Variable<T>> variables() {
    return Collections.unmodifiableMap(variables);
  }
}
