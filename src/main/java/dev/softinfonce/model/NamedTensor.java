package dev.softinfonce.model;

import java.util.Arrays;

/**
 * A named float tensor read from a weight file (ONNX initializer, safetensors entry), in row-major
 * order. Weight files are converted to float32 on reading whatever their stored precision.
 */
public record NamedTensor(String name, long[] shape, float[] data) {

  public NamedTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
          + " values but " + data.length + " were given");
    }
  }

  /** The shape as text, e.g. {@code [384, 1536]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  /** The transpose of a 2-D tensor ([r, c] → [c, r]). */
  public NamedTensor transpose2d(String newName) {
    if (shape.length != 2) {
      throw new IllegalArgumentException("tensor " + name + " is not 2-D: " + shapeText());
    }
    int r = (int) shape[0];
    int c = (int) shape[1];
    float[] t = new float[data.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = data[i * c + j];
      }
    }
    return new NamedTensor(newName, new long[] {c, r}, t);
  }

  /** The same values under another name. */
  public NamedTensor renamed(String newName) {
    return new NamedTensor(newName, shape, data);
  }
}
