package dev.softinfonce.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * TF Serving's JSON wire format for {@code :predict} (tensorflow_serving/util/json_tensor.cc, described in
 * g3doc/api_rest.md): the request's row ({@code "instances"}) or columnar ({@code "inputs"}) form into
 * dense tensors typed by the signature, and output tensors into {@code "predictions"} (row) or
 * {@code "outputs"} (columnar), a single output without its name, several as an object. Error messages
 * follow TF Serving's wording so that clients matching on them behave the same.
 */
final class JsonTensors {
  private JsonTensors() {}

  /** Accepts {@code NaN} and {@code Infinity} tokens, as TF Serving's parser does. */
  static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  /** A dense host tensor parsed from JSON: dtype, shape and row-major values (ints or floats). */
  record HostTensor(DataType dtype, long[] shape, int[] ints, long[] longs, float[] floats) {
    long rows() {
      return shape.length == 0 ? 1 : shape[0];
    }

    /** A TF tensor of the same values (the caller closes it). */
    Tensor toTensor() {
      Shape s = Shape.of(shape);
      return switch (dtype) {
        case DT_INT32 -> TInt32.tensorOf(s, DataBuffers.of(ints, false, false));
        case DT_INT64 -> TInt64.tensorOf(s, DataBuffers.of(longs, false, false));
        default -> TFloat32.tensorOf(s, DataBuffers.of(floats, false, false));
      };
    }
  }

  /** A parsed predict request: the signature key, whether it used the row form, and the inputs by name. */
  record PredictRequest(String signatureName, boolean rowFormat, Map<String, HostTensor> inputs) {}

  /** Parses a request body; an empty or malformed body is {@code INVALID_ARGUMENT} as in TF Serving. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.invalidArgument("JSON Parse error: The document is empty");
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.invalidArgument("JSON Parse error: " + e.getOriginalMessage() + " at offset: "
          + (e.getLocation() == null ? 0 : e.getLocation().getCharOffset()));
    } catch (IOException e) {
      throw ApiException.invalidArgument("JSON Parse error: " + e.getMessage());
    }
    if (doc == null || doc.isMissingNode()) {
      throw ApiException.invalidArgument("JSON Parse error: The document is empty");
    }
    if (!doc.isObject()) {
      throw ApiException.invalidArgument("JSON Value: " + debug(doc) + " Is not object");
    }
    return doc;
  }

  /** The signature key a request names ({@code serving_default} when it names none). */
  static String signatureName(JsonNode doc) {
    JsonNode sig = doc.get("signature_name");
    if (sig == null) {
      return "";
    }
    if (!sig.isTextual()) {
      throw ApiException.invalidArgument("JSON Value: " + debug(doc)
          + " not formatted correctly. 'signature_name' key must be a string value.");
    }
    return sig.asText();
  }

  /**
   * Reads the inputs of a predict request for {@code signature} (whose key, as requested, is
   * {@code signatureName}).
   */
  static PredictRequest predictRequest(JsonNode doc, String signatureName, SignatureDef signature) {
    Map<String, TensorInfo> infos = signature.getInputsMap();
    if (infos.isEmpty()) {
      throw ApiException.invalidArgument("Failed to get input map for signature: "
          + (signatureName.isEmpty() ? "DEFAULT" : signatureName));
    }
    JsonNode instances = doc.get("instances");
    JsonNode inputs = doc.get("inputs");
    if (instances != null && inputs != null) {
      throw ApiException.invalidArgument("JSON Value: " + debug(doc)
          + " Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
    }
    if (instances != null) {
      if (!instances.isArray()) {
        throw ApiException.invalidArgument("JSON Value: " + debug(doc) + " Expecting 'instances' to be an list/array");
      }
      if (instances.isEmpty()) {
        throw ApiException.invalidArgument("JSON Value: " + debug(doc) + " No values in 'instances' array");
      }
      return new PredictRequest(signatureName, true, fromInstances(instances, infos));
    }
    if (inputs != null) {
      return new PredictRequest(signatureName, false, fromInputs(inputs, infos));
    }
    throw ApiException.invalidArgument("Missing 'inputs' or 'instances' key");
  }

  private static Map<String, HostTensor> fromInstances(JsonNode list, Map<String, TensorInfo> infos) {
    boolean objects = isNamedObject(list.get(0));
    if (!list.get(0).isObject() && infos.size() > 1) {
      throw ApiException.invalidArgument("instances is a plain list, but expecting list of objects as multiple "
          + "input tensors required as per tensorinfo_map");
    }
    TreeSet<String> names = new TreeSet<>(infos.keySet());
    Map<String, List<JsonNode>> items = new TreeMap<>();
    Map<String, long[]> itemShapes = new TreeMap<>();
    int count = 0;
    for (JsonNode elem : list) {
      if (objects) {
        if (!isNamedObject(elem)) {
          throw ApiException.invalidArgument("Expecting object but got list at item " + count + " of input list");
        }
        TreeSet<String> keys = new TreeSet<>();
        for (Iterator<String> it = elem.fieldNames(); it.hasNext(); ) {
          String name = it.next();
          keys.add(name);
          try {
            addItem(elem.get(name), name, infos, items, itemShapes);
          } catch (ApiException e) {
            throw ApiException.invalidArgument("Failed to process element: " + count + " key: " + name
                + " of 'instances' list. Error: INVALID_ARGUMENT: " + e.getMessage());
          }
        }
        if (!keys.equals(names)) {
          throw ApiException.invalidArgument("Failed to process element: " + count + " of 'instances' list. JSON object: "
              + debug(elem) + " keys must be equal to: " + String.join(",", names));
        }
      } else {
        if (isNamedObject(elem)) {
          throw ApiException.invalidArgument("Expecting value/list but got object at item " + count + " of input list");
        }
        String name = infos.keySet().iterator().next();
        try {
          addItem(elem, name, infos, items, itemShapes);
        } catch (ApiException e) {
          throw ApiException.invalidArgument("Failed to process element: " + count
              + " of 'instances' list. Error: INVALID_ARGUMENT: " + e.getMessage());
        }
      }
      count++;
    }
    Map<String, HostTensor> out = new TreeMap<>();
    for (Map.Entry<String, List<JsonNode>> e : items.entrySet()) {
      long[] item = itemShapes.get(e.getKey());
      long[] shape = new long[item.length + 1];
      shape[0] = count;
      System.arraycopy(item, 0, shape, 1, item.length);
      DataType dtype = infos.get(e.getKey()).getDtype();
      Values v = new Values(dtype, capacity(shape));
      for (JsonNode n : e.getValue()) {
        fill(n, 0, item, dtype, v);
      }
      out.put(e.getKey(), v.tensor(shape));
    }
    return out;
  }

  /** Checks one instance's value against the first instance's shape (the batch is filled afterwards). */
  private static void addItem(JsonNode item, String name, Map<String, TensorInfo> infos,
      Map<String, List<JsonNode>> items, Map<String, long[]> shapes) {
    TensorInfo info = infos.get(name);
    if (info == null) {
      throw ApiException.invalidArgument("JSON object: does not have named input: " + name);
    }
    long[] shape = denseShape(item);
    fill(item, 0, shape, info.getDtype(), new Values(info.getDtype(), 0)); // validates without storing
    long[] first = shapes.putIfAbsent(name, shape);
    if (first != null && !Arrays.equals(first, shape)) {
      if (product(first) != product(shape)) {
        throw ApiException.invalidArgument("Expecting tensor size: " + product(first) + " but got: " + product(shape));
      }
      throw ApiException.invalidArgument("Expecting shape " + shapeString(first) + " but got: " + shapeString(shape));
    }
    items.computeIfAbsent(name, k -> new ArrayList<>()).add(item);
  }

  private static Map<String, HostTensor> fromInputs(JsonNode val, Map<String, TensorInfo> infos) {
    Map<String, HostTensor> out = new TreeMap<>();
    if (!isNamedObject(val)) {
      if (infos.size() > 1) {
        throw ApiException.invalidArgument("inputs is a plain value/list, but expecting an object as multiple "
            + "input tensors required as per tensorinfo_map");
      }
      Map.Entry<String, TensorInfo> only = infos.entrySet().iterator().next();
      out.put(only.getKey(), dense(val, only.getValue().getDtype()));
      return out;
    }
    for (Map.Entry<String, TensorInfo> e : new TreeMap<>(infos).entrySet()) {
      JsonNode item = val.get(e.getKey());
      if (item == null) {
        throw ApiException.invalidArgument("Missing named input: " + e.getKey() + " in 'inputs' object.");
      }
      out.put(e.getKey(), dense(item, e.getValue().getDtype()));
    }
    return out;
  }

  private static HostTensor dense(JsonNode val, DataType dtype) {
    long[] shape = denseShape(val);
    Values v = new Values(dtype, capacity(shape));
    fill(val, 0, shape, dtype, v);
    return v.tensor(shape);
  }

  /** The shape read along the first elements ({@code GetDenseTensorShape}); a scalar has rank 0. */
  private static long[] denseShape(JsonNode val) {
    List<Long> dims = new ArrayList<>();
    JsonNode n = val;
    while (n.isArray()) {
      dims.add((long) n.size());
      if (n.isEmpty()) {
        break;
      }
      n = n.get(0);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Appends {@code val}'s leaves to {@code out}, checking every list's size and the leaves' level and type. */
  private static void fill(JsonNode val, int level, long[] shape, DataType dtype, Values out) {
    int rank = shape.length;
    if (!val.isArray()) {
      if (level != rank) {
        throw ApiException.invalidArgument("JSON Value: " + debug(val) + " found at incorrect level: " + (level + 1)
            + " in the JSON DOM. Expected at level: " + rank);
      }
      out.add(val);
      return;
    }
    if (level >= rank) {
      throw ApiException.invalidArgument("Encountered list at unexpected level: " + level + " expected < " + rank);
    }
    if (val.size() != shape[level]) {
      throw ApiException.invalidArgument("Encountered list at unexpected size: " + val.size() + " at level: " + level
          + " expected size: " + shape[level]);
    }
    for (JsonNode v : val) {
      fill(v, level + 1, shape, dtype, out);
    }
  }

  /** Leaf values of one dtype; with capacity 0 it only type-checks. */
  private static final class Values {
    final DataType dtype;
    final int[] ints;
    final long[] longs;
    final float[] floats;
    final boolean store;
    int n;

    Values(DataType dtype, int capacity) {
      this.dtype = dtype;
      this.store = capacity > 0;
      ints = dtype == DataType.DT_INT32 && store ? new int[capacity] : null;
      longs = dtype == DataType.DT_INT64 && store ? new long[capacity] : null;
      floats = dtype == DataType.DT_FLOAT && store ? new float[capacity] : null;
    }

    void add(JsonNode v) {
      switch (dtype) {
        case DT_INT32 -> {
          if (!v.isInt()) {
            throw typeError(v, "int32");
          }
          if (store) {
            ints[n] = v.intValue();
          }
        }
        case DT_INT64 -> {
          if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw typeError(v, "int64");
          }
          if (store) {
            longs[n] = v.longValue();
          }
        }
        case DT_FLOAT -> {
          if (!v.isNumber()) {
            throw typeError(v, "float");
          }
          if (store) {
            floats[n] = v.floatValue();
          }
        }
        default -> throw new ApiException(501, "Conversion of JSON Value: " + debug(v) + " to type: "
            + dtype.name().substring(3).toLowerCase(java.util.Locale.ROOT));
      }
      n++;
    }

    HostTensor tensor(long[] shape) {
      return new HostTensor(dtype, shape, ints != null ? ints : new int[0], longs != null ? longs : new long[0],
          floats != null ? floats : new float[0]);
    }
  }

  private static ApiException typeError(JsonNode v, String type) {
    return ApiException.invalidArgument("JSON Value: " + debug(v) + " Type: " + jsonType(v)
        + " is not of expected type: " + type);
  }

  /** Writes {@code "predictions"} (row form) or {@code "outputs"} (columnar) for the named outputs. */
  static void writeOutputs(JsonGenerator g, boolean rowFormat, Map<String, ? extends Tensor> outputs)
      throws IOException {
    Map<String, Tensor> sorted = new TreeMap<>(outputs);
    boolean named = sorted.size() > 1;
    g.writeStartObject();
    if (rowFormat) {
      long batch = -1;
      for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
        Shape s = e.getValue().shape();
        if (s.numDimensions() == 0) {
          throw ApiException.invalidArgument("Tensor name: " + e.getKey() + " has no shape information ");
        }
        if (batch >= 0 && batch != s.get(0)) {
          throw ApiException.invalidArgument("Tensor name: " + e.getKey() + " has inconsistent batch size: " + s.get(0)
              + " expecting: " + batch);
        }
        batch = s.get(0);
      }
      Map<String, Flat> flats = new TreeMap<>();
      sorted.forEach((k, t) -> flats.put(k, Flat.of(t)));
      g.writeFieldName("predictions");
      g.writeStartArray();
      for (int item = 0; item < batch; item++) {
        if (named) {
          g.writeStartObject();
        }
        for (Map.Entry<String, Flat> e : flats.entrySet()) {
          if (named) {
            g.writeFieldName(e.getKey());
          }
          Flat f = e.getValue();
          long per = f.size / Math.max(1, f.shape[0]);
          f.write(g, 1, item * per);
        }
        if (named) {
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    } else {
      g.writeFieldName("outputs");
      if (named) {
        g.writeStartObject();
      }
      for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
        if (named) {
          g.writeFieldName(e.getKey());
        }
        Flat.of(e.getValue()).write(g, 0, 0);
      }
      if (named) {
        g.writeEndObject();
      }
    }
    g.writeEndObject();
  }

  /** An output tensor copied to a Java array, written nested from any dimension on. */
  private record Flat(long[] shape, long size, float[] floats, int[] ints, long[] longs) {
    static Flat of(Tensor t) {
      long[] shape = t.shape().asArray();
      int n = (int) t.shape().size();
      if (t instanceof TFloat32 f) {
        float[] v = new float[n];
        f.copyTo(DataBuffers.of(v, false, false));
        return new Flat(shape, n, v, null, null);
      }
      if (t instanceof TInt32 i) {
        int[] v = new int[n];
        i.copyTo(DataBuffers.of(v, false, false));
        return new Flat(shape, n, null, v, null);
      }
      if (t instanceof TInt64 l) {
        long[] v = new long[n];
        l.copyTo(DataBuffers.of(v, false, false));
        return new Flat(shape, n, null, null, v);
      }
      throw new ApiException(501, "Failed to write JSON value for tensor type: " + t.dataType());
    }

    /** Writes the sub-tensor at dimension {@code dim} starting at flat offset {@code offset}. */
    void write(JsonGenerator g, int dim, long offset) throws IOException {
      if (dim >= shape.length) {
        int i = (int) offset;
        if (floats != null) {
          g.writeNumber(floats[i]);
        } else if (ints != null) {
          g.writeNumber(ints[i]);
        } else {
          g.writeNumber(longs[i]);
        }
        return;
      }
      long stride = 1;
      for (int d = dim + 1; d < shape.length; d++) {
        stride *= shape[d];
      }
      g.writeStartArray();
      for (long k = 0; k < shape[dim]; k++) {
        write(g, dim + 1, offset + k * stride);
      }
      g.writeEndArray();
    }
  }

  private static boolean isNamedObject(JsonNode v) {
    return v.isObject() && !(v.size() == 1 && v.has("b64") && v.get("b64").isTextual());
  }

  /** Most values in one input tensor (a guard before allocating: the body cap bounds real requests). */
  static final long MAX_ELEMENTS = 1L << 24;

  private static int capacity(long[] shape) {
    double p = 1;
    for (long d : shape) {
      p *= d;
    }
    if (p > MAX_ELEMENTS) {
      throw ApiException.invalidArgument("a tensor of shape " + shapeString(shape) + " has more than " + MAX_ELEMENTS
          + " values");
    }
    return (int) p;
  }

  static long product(long[] shape) {
    long p = 1;
    for (long d : shape) {
      p *= d;
    }
    return p;
  }

  static String shapeString(long[] shape) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return b.append(']').toString();
  }

  private static String jsonType(JsonNode v) {
    if (v.isNull()) {
      return "Null";
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    if (v.isObject()) {
      return "Object";
    }
    if (v.isArray()) {
      return "Array";
    }
    return v.isTextual() ? "String" : "Number";
  }

  /** A JSON value as text, cut at 200 characters (error messages quote the offending value). */
  static String debug(JsonNode v) {
    String s = v.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
