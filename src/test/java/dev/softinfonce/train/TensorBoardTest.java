package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/** Writes through TF's summary ops, then parses the TFRecord event file with the shipped protos. */
class TensorBoardTest {

  @Test
  void eventFileContainsTaggedScalarsAndHistograms(@TempDir Path run) throws Exception {
    try (TensorBoard tb = TensorBoard.open(run)) {
      tb.scalar("train/loss", 1, 2.5);
      tb.scalars(2, Map.of("train/loss", 1.25, "train/lr", 5e-4));
      tb.scalar("valid/mrr", 2, 0.375);
      tb.histogram("weights/w", 2, new float[] {1f, 2f, 3f, 4f});
      tb.flush();
    }
    List<Path> files;
    try (var s = Files.list(run.resolve("tensorboard"))) {
      files = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).toList();
    }
    assertEquals(1, files.size(), "one event file: " + files);
    Map<String, Float> lastByTagStep = new LinkedHashMap<>();
    boolean histogram = false;
    int events = 0;
    for (Event e : readEvents(files.get(0))) {
      events++;
      for (Summary.Value v : e.getSummary().getValueList()) {
        if (v.hasHisto()) {
          histogram |= v.getTag().equals("weights/w") && v.getHisto().getNum() == 4 && v.getHisto().getSum() == 10;
        } else {
          float x = v.hasSimpleValue() || !v.hasTensor() ? v.getSimpleValue() : v.getTensor().getFloatVal(0);
          lastByTagStep.put(v.getTag() + "@" + e.getStep(), x);
        }
      }
    }
    assertTrue(events >= 5, "file version event + 5 summaries, got " + events);
    assertEquals(2.5f, lastByTagStep.get("train/loss@1"));
    assertEquals(1.25f, lastByTagStep.get("train/loss@2"));
    assertEquals(5e-4f, lastByTagStep.get("train/lr@2"));
    assertEquals(0.375f, lastByTagStep.get("valid/mrr@2"));
    assertTrue(histogram, "histogram event with 4 values summing to 10");
  }

  @Test
  void weightStatisticsOfATrainingGraph(@TempDir Path run) throws Exception {
    try (Graph g = new Graph(); Session s = new Session(g); TensorBoard tb = TensorBoard.open(run)) {
      Ops tf = Ops.create(g);
      tf.withName("enc.weight").variable(tf.withInitScope().constant(new float[][] {{3f, 0f}, {0f, -4f}}));
      tb.weights(s, List.of("enc.weight"), 7);
    }
    Map<String, Float> byTag = new LinkedHashMap<>();
    long histos = 0;
    try (var files = Files.list(run.resolve("tensorboard"))) {
      for (Event e : readEvents(files.findFirst().orElseThrow())) {
        for (Summary.Value v : e.getSummary().getValueList()) {
          if (v.hasHisto()) {
            histos += v.getHisto().getNum() == 4 ? 1 : 0;
          } else {
            byTag.put(v.getTag() + "@" + e.getStep(), v.getSimpleValue());
          }
        }
      }
    }
    assertEquals(5f, byTag.get("weights/enc.weight/norm@7"));
    assertEquals(-0.25f, byTag.get("weights/enc.weight/mean@7"));
    assertEquals((float) Math.sqrt(25.0 / 4 - 0.0625), byTag.get("weights/enc.weight/std@7"), 1e-6f);
    assertEquals(1, histos);
  }

  /** TFRecord: u64 length, u32 masked crc(length), data, u32 masked crc(data); CRCs checked. */
  static List<Event> readEvents(Path file) throws IOException {
    List<Event> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      while (true) {
        byte[] header = new byte[12];
        try {
          in.readFully(header);
        } catch (EOFException e) {
          break;
        }
        ByteBuffer hb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long len = hb.getLong();
        assertEquals(maskedCrc(header, 0, 8), hb.getInt(), "length crc");
        byte[] data = new byte[(int) len];
        in.readFully(data);
        byte[] crc = new byte[4];
        in.readFully(crc);
        assertEquals(maskedCrc(data, 0, data.length), ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt(),
            "data crc");
        out.add(Event.parseFrom(data));
      }
    }
    return out;
  }

  static int maskedCrc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }
}
