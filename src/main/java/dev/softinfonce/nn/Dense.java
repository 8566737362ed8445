package dev.softinfonce.nn;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.family.TFloating;

/**
 * A fully connected layer {@code y = x Wᵀ + b}, with variables {@code <name>.weight} and
 * {@code <name>.bias}.
 *
 * <p><b>Layout:</b> the kernel is stored as {@code [out, in]}, exactly like PyTorch's
 * {@code nn.Linear.weight} in a Hugging Face state dict, so safetensors weights load unchanged and a
 * checkpoint tensor has the same shape as its HF counterpart. (ONNX exports store MatMul weights
 * {@code [in, out]}; the importer transposes those.)
 */
public final class Dense<T extends TFloating> {
  private final Ops tf;
  private final Variable<T> weight; // [out, in]
  private final Variable<T> bias; // [out]
  private final Map<String, Operand<?>> casts = new HashMap<>();

  /** Creates {@code name.weight [out, in]} (truncated normal) and {@code name.bias [out]} (zeros). */
  public Dense(Params<T> params, String name, long in, long out) {
    this.tf = params.tf();
    this.weight = params.normal(name + ".weight", out, in);
    this.bias = params.zeros(name + ".bias", out);
  }

  /**
   * {@code x [N, in]} → {@code [N, out]}, computed in {@code x}'s type: the kernel and bias are cast to it
   * when it is not the variables' type (mixed precision, see {@link ComputeType}).
   */
  public <C extends TFloating> Operand<C> apply(Operand<C> x) {
    Class<C> c = x.type();
    Operand<C> y = tf.linalg.matMul(x, castOnce(weight, c), MatMul.transposeB(true)); // [N, out]
    return tf.nn.biasAdd(y, castOnce(bias, c)); // [N, out]
  }

  /** One cast per variable and type, shared by every use (a shared tower applies a layer twice). */
  @SuppressWarnings("unchecked")
  private <C extends TFloating> Operand<C> castOnce(Variable<T> v, Class<C> c) {
    return (Operand<C>) casts.computeIfAbsent(v.op().name() + ":" + c.getName(),
        k -> ComputeType.cast(tf, v, c));
  }

  public Variable<T> weight() {
    return weight;
  }

  public Variable<T> bias() {
    return bias;
  }
}
