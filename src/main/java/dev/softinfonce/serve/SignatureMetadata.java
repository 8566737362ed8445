package dev.softinfonce.serve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TF Serving's {@code GET /v1/models/N[/versions/V]/metadata} and {@code GET /v1/models/N[/versions/V]}
 * bodies: {@code GetModelMetadataResponse} and {@code GetModelStatusResponse} as protobuf's JSON printer
 * renders them there (field names preserved, fields without presence printed, int64 as strings).
 */
final class SignatureMetadata {
  private SignatureMetadata() {}

  /** {@code {"model_spec": {...}, "metadata": {"signature_def": {"signature_def": {...}}}}}. */
  static Map<String, Object> metadata(String modelName, long version, Map<String, SignatureDef> defs) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", modelName);
    spec.put("signature_name", "");
    spec.put("version", Long.toString(version));
    Map<String, Object> sigs = new TreeMap<>();
    defs.forEach((k, d) -> sigs.put(k, signature(d)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model_spec", spec);
    out.put("metadata", Map.of("signature_def", Map.of("signature_def", sigs)));
    return out;
  }

  private static Map<String, Object> signature(SignatureDef d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inputs", tensors(d.getInputsMap()));
    m.put("outputs", tensors(d.getOutputsMap()));
    m.put("method_name", d.getMethodName());
    m.put("defaults", Map.of());
    return m;
  }

  private static Map<String, Object> tensors(Map<String, TensorInfo> infos) {
    Map<String, Object> out = new TreeMap<>();
    infos.forEach((k, t) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dtype", t.getDtype().name());
      m.put("tensor_shape", shape(t.getTensorShape()));
      m.put("name", t.getName());
      out.put(k, m);
    });
    return out;
  }

  private static Map<String, Object> shape(TensorShapeProto s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dim", s.getDimList().stream().map(d -> {
      Map<String, Object> dim = new LinkedHashMap<>();
      dim.put("size", Long.toString(d.getSize()));
      dim.put("name", d.getName());
      return dim;
    }).toList());
    m.put("unknown_rank", s.getUnknownRank());
    return m;
  }

  /** One entry of {@code model_version_status}. */
  record VersionStatus(long version, String state, String errorCode, String errorMessage) {
    Map<String, Object> json() {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("error_code", errorCode);
      status.put("error_message", errorMessage);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", Long.toString(version));
      m.put("state", state);
      m.put("status", status);
      return m;
    }
  }

  /** {@code {"model_version_status": [...]}}. */
  static Map<String, Object> status(List<VersionStatus> versions) {
    return Map.of("model_version_status", versions.stream().map(VersionStatus::json).toList());
  }
}
