package dev.softinfonce.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length, a JSON
 * header {@code {name: {dtype, shape, data_offsets: [begin, end]}}}, then the raw little-endian data.
 * Floating tensors (F32, F16, BF16, F64) are read as float32; integer tensors (buffers such as
 * {@code position_ids}) are returned in {@link Contents#nonFloat()} so the importer can account for them.
 */
public final class Safetensors {
  private Safetensors() {}

  /** What a file holds: float tensors converted to float32, and the names and dtypes of the others. */
  public record Contents(Map<String, NamedTensor> tensors, Map<String, String> nonFloat) {}

  /** Reads every tensor of {@code file}; a malformed file fails naming the file and the tensor. */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IOException(file + ": too short for a safetensors file");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > 100_000_000 || 8 + headerLen > size) {
        throw new IOException(file + ": bad safetensors header length " + headerLen);
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      ch.read(hb, 8);
      JsonNode header;
      try {
        header = new ObjectMapper().readTree(new String(hb.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException(file + ": safetensors header is not valid JSON: " + e.getMessage(), e);
      }
      long dataStart = 8 + headerLen;
      Map<String, NamedTensor> tensors = new LinkedHashMap<>();
      Map<String, String> other = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        if (name.equals("__metadata__")) {
          continue;
        }
        JsonNode info = e.getValue();
        String dtype = info.path("dtype").asText("");
        List<Long> shapeList = new ArrayList<>();
        info.path("shape").forEach(n -> shapeList.add(n.asLong()));
        long[] shape = shapeList.stream().mapToLong(Long::longValue).toArray();
        long begin = info.path("data_offsets").path(0).asLong(-1);
        long end = info.path("data_offsets").path(1).asLong(-1);
        if (begin < 0 || end < begin || dataStart + end > size) {
          throw new IOException(file + ": tensor '" + name + "' has bad data_offsets " + info.path("data_offsets"));
        }
        int width = switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          case "F64" -> 8;
          default -> -1;
        };
        if (width < 0) {
          other.put(name, dtype);
          continue;
        }
        long count = 1;
        for (long d : shape) {
          count *= d;
        }
        if (count * width != end - begin) {
          throw new IOException(file + ": tensor '" + name + "' shape " + shapeList + " " + dtype + " needs "
              + count * width + " bytes but data_offsets give " + (end - begin));
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(buf, dataStart + begin);
        buf.flip();
        float[] v = new float[(int) count];
        for (int i = 0; i < v.length; i++) {
          v[i] = switch (dtype) {
            case "F32" -> buf.getFloat();
            case "F16" -> HalfFloats.fromHalf(buf.getShort());
            case "BF16" -> HalfFloats.fromBfloat16(buf.getShort());
            default -> (float) buf.getDouble();
          };
        }
        tensors.put(name, new NamedTensor(name, shape, v));
      }
      return new Contents(tensors, other);
    }
  }

  /** Writes {@code tensors} as {@code dtype} (F32, F16 or BF16). Used by tests and for exporting weights. */
  public static void write(Path file, Map<String, NamedTensor> tensors, String dtype) throws IOException {
    int width = switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> throw new IllegalArgumentException("unsupported safetensors dtype " + dtype);
    };
    ObjectMapper om = new ObjectMapper();
    ObjectNode header = om.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (NamedTensor t : tensors.values()) {
      ObjectNode n = header.putObject(t.name());
      n.put("dtype", dtype);
      var shape = n.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long bytes = (long) t.data().length * width;
      n.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = om.writeValueAsBytes(header);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
      for (NamedTensor t : tensors.values()) {
        ByteBuffer b = ByteBuffer.allocate(t.data().length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : t.data()) {
          switch (dtype) {
            case "F32" -> b.putFloat(f);
            case "F16" -> b.putShort(HalfFloats.toHalf(f));
            default -> b.putShort(HalfFloats.toBfloat16(f));
          }
        }
        out.write(b.array());
      }
    }
  }
}
