package dev.softinfonce.javacorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DocstringTokenizerTest {
  // Expected lists produced by CodeSearchNet's Python regex (re.findall) on the same strings.
  @Test
  void matchesCodeSearchNetPythonTokenizer() {
    assertEquals(List.of("Returns", "the", "i", "-", "th", "value", "(", "or", "null", ")", "of", "a", "List<String",
            ">", "e", ".", "g", ".", "map", ".", "get", "(", "key", ")", "=", ">", "x", ";", "a", "+", "b", "/", "c",
            "\\", "d", "..."),
        DocstringTokenizer.tokenize(
            "Returns the i-th value (or null) of a List<String>, e.g. map.get(key)=>x; a+b/c \\ d..."));
    assertEquals(List.of("Counts", "the", "elements", "of", "a", "list", "&", "checks", "a<b", ">", "it", "."),
        DocstringTokenizer.tokenize("Counts the elements of a list & checks a<b> it."));
    assertEquals(List.of(), DocstringTokenizer.tokenize(" \t\n"));
  }
}
