package dev.softinfonce.model;

/**
 * Conversions between IEEE half precision / bfloat16 bit patterns and float32 (weight files store both).
 * Java 17 has no {@code Float.float16ToFloat}, hence this small class.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** IEEE 754 binary16 bits → float (exact: every half value is a float). */
  public static float fromHalf(short bits) {
    int h = bits & 0xffff;
    int sign = (h >>> 15) & 1;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0) {
      v = mant * 0x1p-24f; // subnormal
    } else if (exp == 31) {
      v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
    }
    return sign == 1 ? -v : v;
  }

  /** bfloat16 bits (the upper half of a float32) → float. */
  public static float fromBfloat16(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** float → IEEE 754 binary16 bits, round to nearest even (overflow → infinity). */
  public static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    float a = Math.abs(f);
    if (Float.isNaN(f)) {
      return (short) (sign | 0x7e00);
    }
    if (a >= 65520f) {
      return (short) (sign | 0x7c00);
    }
    if (a < 0x1p-14f) { // subnormal half: multiples of 2^-24
      int m = Math.round(a * 0x1p24f); // Math.round is half-up; adjust ties to even
      float exact = a * 0x1p24f;
      if (exact - Math.floor(exact) == 0.5 && (m & 1) == 1) {
        m -= 1;
      }
      return (short) (sign | m);
    }
    int abits = Float.floatToRawIntBits(a);
    int exp = ((abits >>> 23) & 0xff) - 127 + 15;
    int mant = abits & 0x7fffff;
    int half = (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half += 1; // may carry into the exponent, which is the correct rounding
    }
    return (short) (sign | half);
  }

  /** float → bfloat16 bits (round to nearest even). */
  public static short toBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
