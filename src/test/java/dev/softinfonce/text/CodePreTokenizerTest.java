package dev.softinfonce.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java side of the pre-tokenization; {@link TrainedTokenizerTest} checks DJL agrees. */
class CodePreTokenizerTest {

  static List<String> split(String s) {
    return CodePreTokenizer.preTokenize(s);
  }

  @Test
  void camelCase() {
    assertEquals(List.of("get", "User", "Name"), split("getUserName"));
    assertEquals(List.of("Array", "List"), split("ArrayList"));
    assertEquals(List.of("HTTP", "Server"), split("HTTPServer"));
    assertEquals(List.of("parse", "JSON", "String"), split("parseJSONString"));
    assertEquals(List.of("XML", "Http", "Request"), split("XMLHttpRequest"));
    assertEquals(List.of("MAX", "_", "VALUE"), split("MAX_VALUE"));
  }

  @Test
  void snakeCaseAndPunctuation() {
    assertEquals(List.of("get", "_", "user", "_", "name"), split("get_user_name"));
    assertEquals(List.of("_", "_", "init", "_", "_", "(", "self", ")", ":"), split("__init__(self):"));
    assertEquals(List.of("a", ".", "b", "(", "x", ",", "1", ")", ";", "=", "=", "!"),
        split("a.b(x, 1);  ==\n\t!"));
    assertEquals(List.of("int", "32", "x", "2", "$", "+"), split("int32 x2 $+"));
  }

  @Test
  void otherScriptsAndNormalisation() {
    assertEquals(List.of("caf\u00e9"), split("cafe\u0301"), "NFC composes e + combining acute");
    assertEquals(List.of("\u65e5\u672c\u8a9e", "text"), split("\u65e5\u672c\u8a9etext"));
    assertEquals(List.of(), split(" \t\n\u00a0\u200b"), "spaces and format characters are dropped");
  }
}
