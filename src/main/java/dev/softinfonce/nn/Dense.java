package dev.softinfonce.nn;

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

  /** Creates {@code name.weight [out, in]} (truncated normal) and {@code name.bias [out]} (zeros). */
  public Dense(Params<T> params, String name, long in, long out) {
    this.tf = params.tf();
    this.weight = params.normal(name + ".weight", out, in);
    this.bias = params.zeros(name + ".bias", out);
  }

  /** {@code x [N, in]} → {@code [N, out]}. */
  public Operand<T> apply(Operand<T> x) {
    Operand<T> y = tf.linalg.matMul(x, weight, MatMul.transposeB(true)); // [N, out]
    return tf.nn.biasAdd(y, bias); // [N, out]
  }

  public Variable<T> weight() {
    return weight;
  }

  public Variable<T> bias() {
    return bias;
  }
}
