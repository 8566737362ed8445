package dev.softinfonce.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.data.Example;
import dev.softinfonce.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus tokenizer reads the examples the trainer reads, with every data option. */
class CorpusTokenizerTest {
  private static String record(String doc, String codeTokens, String code) {
    return "{\"url\": \"u-" + doc + "\", \"docstring_tokens\": [\"" + doc + "\"], \"code_tokens\": [\"" + codeTokens
        + "\"], \"code\": \"" + code + "\"}\n";
  }

  @Test
  void honoursCodeFieldAndMaxExamples(@TempDir Path dir) throws IOException {
    Path train = dir.resolve("train.jsonl");
    Files.writeString(train, record("alpha", "tokenfield", "rawfield") + record("beta", "tokenfield", "rawfield")
        + record("gamma", "tokenfield", "rawfield"));
    ExperimentConfig cfg = ExperimentConfig.builder().set("data.train", train.toString())
        .set("data.code_field", "code").set("data.max_examples", 2).build();
    List<Example> examples = Datasets.loadTrain(cfg.data());
    Path tok = dir.resolve("tokenizer.json");
    var result = CorpusTokenizer.train(examples, 200, tok);
    assertEquals(4, result.texts(), "query and code of the first data.max_examples = 2 records");
    try (Tokenizer t = Tokenizer.load(tok, 16)) {
      // "rawfield" (the code field, twice) is merged into one token; "tokenfield" (code_tokens) was never read.
      assertEquals(List.of("[CLS]", "rawfield", "[SEP]"), t.tokens("rawfield"));
      assertNotEquals(List.of("[CLS]", "tokenfield", "[SEP]"), t.tokens("tokenfield"));
    }
  }

  @Test
  void sharedTokenizerIsRetrainedForAnotherVocabularySize(@TempDir Path dir) throws IOException {
    Path train = dir.resolve("train.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append(record("returns the value number" + i, "getValue" + i, "x"));
    }
    Files.writeString(train, sb.toString());
    ExperimentConfig cfg = ExperimentConfig.builder().set("data.train", train.toString()).build();
    Path tok = dir.resolve("tokenizer.json");
    List<String> messages = new ArrayList<>();
    CorpusTokenizer.shared(cfg.data(), 60, tok, messages::add);
    byte[] small = Files.readAllBytes(tok);
    CorpusTokenizer.shared(cfg.data(), 60, tok, messages::add);
    assertEquals(1, messages.size(), "same vocabulary size and data: reused, " + messages);
    CorpusTokenizer.shared(cfg.data(), 120, tok, messages::add);
    assertEquals(2, messages.size(), "another vocabulary size: retrained, " + messages);
    assertNotEquals(new String(small), Files.readString(tok));
    Files.writeString(train, sb.toString().replace("returns", "yields")); // the corpus was rebuilt
    CorpusTokenizer.shared(cfg.data(), 120, tok, messages::add);
    assertEquals(3, messages.size(), "another corpus: retrained, " + messages);
    CorpusTokenizer.shared(cfg.data(), 120, tok, messages::add);
    assertEquals(3, messages.size(), "unchanged since: reused, " + messages);
  }
}
