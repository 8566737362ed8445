package dev.softinfonce.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} that weight import needs: the graph's initializers (and
 * {@code Constant} node values) as tensors, and the nodes (op type, inputs, outputs, attributes), so a
 * weight stored under an export-generated name such as {@code onnx::MatMul_123} can be placed by
 * following the node that consumes it.
 *
 * <p>Parsed directly from the protobuf wire format with {@link CodedInputStream} (field numbers from
 * {@code onnx/onnx.proto3}) to avoid a dependency on generated ONNX classes. Weights stored as external
 * data are refused with a clear message.
 */
public final class OnnxModel {

  /** A graph node: {@code outputs = opType(inputs)}, with its scalar/list/tensor attributes. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs,
      Map<String, Attribute> attributes) {}

  /** One node attribute (only the kinds import needs). */
  public record Attribute(String name, Float f, Long i, List<Long> ints, RawTensor t) {}

  /**
   * A tensor as stored: dims, ONNX data type code, and its values: floating types as float32
   * ({@code floats}), integer and boolean types as {@code longs} (the other array is empty).
   */
  public record RawTensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
    /** The values as float32 (what weights become). */
    public float[] floatValues() {
      return floats;
    }

    public boolean isFloating() {
      return dataType == FLOAT || dataType == FLOAT16 || dataType == DOUBLE || dataType == BFLOAT16;
    }

    /** Number of values held. */
    public int size() {
      return isFloating() ? floats.length : longs.length;
    }

    /** Value {@code i} as a double, whatever the type. */
    public double get(int i) {
      return isFloating() ? floats[i] : longs[i];
    }
  }

  // onnx.proto TensorProto.DataType
  static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9,
      FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

  private final Path file;
  private final Map<String, RawTensor> initializers = new LinkedHashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final java.util.Set<String> constantNodeOutputs = new java.util.HashSet<>();

  private OnnxModel(Path file) {
    this.file = file;
  }

  /** Reads {@code file}; a file that is not an ONNX model fails with a message naming it. */
  public static OnnxModel read(Path file) throws IOException {
    OnnxModel m = new OnnxModel(file);
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream cis = CodedInputStream.newInstance(in);
      cis.setSizeLimit(Integer.MAX_VALUE);
      boolean sawGraph = false;
      while (true) {
        int tag = cis.readTag();
        if (tag == 0) {
          break;
        }
        if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == 2) { // graph
          m.readGraph(cis.readByteArray());
          sawGraph = true;
        } else {
          cis.skipField(tag);
        }
      }
      if (!sawGraph) {
        throw new IOException(file + ": not an ONNX model (no graph field)");
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(file + ": not a valid ONNX protobuf: " + e.getMessage(), e);
    }
    return m;
  }

  /** Initializers and {@code Constant} node values by name, in file order. */
  public Map<String, RawTensor> initializers() {
    return initializers;
  }

  /** Whether {@code name} is the value of a {@code Constant} node (graph structure) rather than an initializer. */
  public boolean isConstantNode(String name) {
    return constantNodeOutputs.contains(name);
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Path file() {
    return file;
  }

  /** Nodes that take {@code tensorName} as an input. */
  public List<Node> consumers(String tensorName) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.inputs().contains(tensorName)) {
        out.add(n);
      }
    }
    return out;
  }

  private void readGraph(byte[] bytes) throws IOException {
    CodedInputStream cis = CodedInputStream.newInstance(bytes);
    cis.setSizeLimit(Integer.MAX_VALUE);
    while (true) {
      int tag = cis.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == 1) { // node
        Node n = readNode(cis.readByteArray());
        nodes.add(n);
        if (n.opType().equals("Constant") && n.attributes().containsKey("value")
            && n.attributes().get("value").t() != null && !n.outputs().isEmpty()) {
          RawTensor t = n.attributes().get("value").t();
          initializers.put(n.outputs().get(0), new RawTensor(n.outputs().get(0), t.dims(), t.dataType(), t.floats(), t.longs()));
          constantNodeOutputs.add(n.outputs().get(0));
        }
      } else if (field == 5) { // initializer
        RawTensor t = readTensor(cis.readByteArray());
        initializers.put(t.name(), t);
      } else {
        cis.skipField(tag);
      }
    }
  }

  private Node readNode(byte[] bytes) throws IOException {
    CodedInputStream cis = CodedInputStream.newInstance(bytes);
    cis.setSizeLimit(Integer.MAX_VALUE);
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String op = "";
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    while (true) {
      int tag = cis.readTag();
      if (tag == 0) {
        break;
      }
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> inputs.add(cis.readStringRequireUtf8());
        case 2 -> outputs.add(cis.readStringRequireUtf8());
        case 3 -> name = cis.readStringRequireUtf8();
        case 4 -> op = cis.readStringRequireUtf8();
        case 5 -> {
          Attribute a = readAttribute(cis.readByteArray());
          attrs.put(a.name(), a);
        }
        default -> cis.skipField(tag);
      }
    }
    return new Node(name, op, inputs, outputs, attrs);
  }

  private Attribute readAttribute(byte[] bytes) throws IOException {
    CodedInputStream cis = CodedInputStream.newInstance(bytes);
    cis.setSizeLimit(Integer.MAX_VALUE);
    String name = "";
    Float f = null;
    Long i = null;
    List<Long> ints = new ArrayList<>();
    RawTensor t = null;
    while (true) {
      int tag = cis.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      switch (field) {
        case 1 -> name = cis.readStringRequireUtf8();
        case 2 -> f = cis.readFloat();
        case 3 -> i = cis.readInt64();
        case 5 -> t = readTensor(cis.readByteArray());
        case 8 -> {
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = cis.pushLimit(cis.readRawVarint32());
            while (cis.getBytesUntilLimit() > 0) {
              ints.add(cis.readInt64());
            }
            cis.popLimit(limit);
          } else {
            ints.add(cis.readInt64());
          }
        }
        default -> cis.skipField(tag);
      }
    }
    return new Attribute(name, f, i, ints, t);
  }

  private RawTensor readTensor(byte[] bytes) throws IOException {
    CodedInputStream cis = CodedInputStream.newInstance(bytes);
    cis.setSizeLimit(Integer.MAX_VALUE);
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    byte[] raw = null;
    Growable typed = new Growable();
    boolean external = false;
    while (true) {
      int tag = cis.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      switch (field) {
        case 1 -> readRepeated(cis, packed, () -> dims.add(cis.readInt64()));
        case 2 -> dataType = cis.readInt32();
        case 4 -> readRepeated(cis, packed, () -> typed.add(cis.readFloat()));
        case 5 -> readRepeated(cis, packed, () -> typed.add(cis.readInt32()));
        case 7 -> readRepeated(cis, packed, () -> typed.add(cis.readInt64()));
        case 8 -> name = cis.readStringRequireUtf8();
        case 9 -> raw = cis.readByteArray();
        case 10 -> readRepeated(cis, packed, () -> typed.add(cis.readDouble()));
        case 11 -> readRepeated(cis, packed, () -> typed.add(cis.readUInt64()));
        case 13 -> {
          external = true;
          cis.skipField(tag);
        }
        default -> cis.skipField(tag);
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long x : d) {
      count *= x;
    }
    if (external) {
      throw new IOException(file + ": tensor '" + name + "' is stored as external data; re-export the model"
          + " with weights inside the .onnx file");
    }
    boolean floating = dataType == FLOAT || dataType == FLOAT16 || dataType == DOUBLE || dataType == BFLOAT16;
    float[] floats = new float[0];
    long[] longs = new long[0];
    if (raw != null) {
      if (!isNumeric(dataType)) {
        return new RawTensor(name, d, dataType, floats, longs); // strings and others: not weights
      }
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      int width = switch (dataType) {
        case FLOAT, INT32, UINT32 -> 4;
        case DOUBLE, INT64, UINT64 -> 8;
        case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
        default -> 1;
      };
      if (count * width != raw.length) {
        throw new IOException(file + ": tensor '" + name + "' has dims " + dims + " but raw_data holds " + raw.length
            + " bytes, expected " + count * width);
      }
      int n = (int) count;
      if (floating) {
        floats = new float[n];
        for (int k = 0; k < n; k++) {
          floats[k] = switch (dataType) {
            case FLOAT -> b.getFloat();
            case DOUBLE -> (float) b.getDouble();
            case FLOAT16 -> HalfFloats.fromHalf(b.getShort());
            default -> HalfFloats.fromBfloat16(b.getShort());
          };
        }
      } else {
        longs = new long[n];
        for (int k = 0; k < n; k++) {
          longs[k] = switch (dataType) {
            case INT32 -> b.getInt();
            case UINT32 -> b.getInt() & 0xffffffffL;
            case INT64, UINT64 -> b.getLong();
            case INT16 -> b.getShort();
            case UINT16 -> b.getShort() & 0xffff;
            case UINT8 -> b.get() & 0xff;
            default -> b.get(); // INT8, BOOL
          };
        }
      }
    } else if (floating) {
      floats = new float[typed.size];
      for (int k = 0; k < typed.size; k++) {
        double v = typed.values[k];
        // FLOAT16 / BFLOAT16 in int32_data are bit patterns
        floats[k] = dataType == FLOAT16 ? HalfFloats.fromHalf((short) (long) v)
            : dataType == BFLOAT16 ? HalfFloats.fromBfloat16((short) (long) v) : (float) v;
      }
    } else {
      longs = new long[typed.size];
      for (int k = 0; k < typed.size; k++) {
        longs[k] = (long) typed.values[k];
      }
    }
    int have = floating ? floats.length : longs.length;
    if (isNumeric(dataType) && have != count) {
      throw new IOException(file + ": tensor '" + name + "' has dims " + dims + " but " + have + " values");
    }
    return new RawTensor(name, d, dataType, floats, longs);
  }

  /** A growable primitive buffer for repeated numeric fields (boxing 10^7 values would not do). */
  private static final class Growable {
    double[] values = new double[16];
    int size;

    void add(double v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }
  }

  private static boolean isNumeric(int t) {
    return t == FLOAT || t == UINT8 || t == INT8 || t == UINT16 || t == INT16 || t == INT32 || t == INT64
        || t == BOOL || t == FLOAT16 || t == DOUBLE || t == UINT32 || t == UINT64 || t == BFLOAT16;
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  private static void readRepeated(CodedInputStream cis, boolean packed, IoAction one) throws IOException {
    if (packed) {
      int limit = cis.pushLimit(cis.readRawVarint32());
      while (cis.getBytesUntilLimit() > 0) {
        one.run();
      }
      cis.popLimit(limit);
    } else {
      one.run();
    }
  }
}
