package dev.softinfonce.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java side of the pre-tokenization; {@link TrainedTokenizerTest} checks DJL agrees. */
class CodePreTokenizerTest {

  static List<String> split(String s) {
    return CodePreTokenizer.CASED.preTokenize(s);
  }

  static List<String> lower(String s) {
    return CodePreTokenizer.LOWERCASE.preTokenize(s);
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
  void lowercaseKeepsCamelCaseBoundaries() {
    assertEquals(List.of("get", "user", "name"), lower("getUserName"));
    assertEquals(List.of("parse", "json", "string"), lower("parseJSONString"));
    assertEquals(List.of("http", "server", "get", "id", "(", ")"), lower("HTTPServer getID()"));
    assertEquals(List.of("max", "_", "value", "returns", "the", "user"), lower("MAX_VALUE Returns the user"));
    assertEquals("get User Name", CodePreTokenizer.CASED.normalize("get User Name"));
    assertEquals("get user name", CodePreTokenizer.LOWERCASE.normalize("getUserName"));
  }

  @Test
  void lowercaseIsPerCharacterLikeHf() {
    // Java's String.toLowerCase turns a word-final capital sigma into final sigma; HF does not
    assertEquals("\u03c3\u03b1\u03c3", CodePreTokenizer.lowerCase("\u03a3\u0391\u03a3"));
    assertEquals("i\u0307x", CodePreTokenizer.lowerCase("\u0130x"), "full mapping of dotted capital I");
  }

  @Test
  void otherScriptsAndNormalisation() {
    assertEquals(List.of("caf\u00e9"), split("cafe\u0301"), "NFC composes e + combining acute");
    assertEquals(List.of("\u65e5\u672c\u8a9e", "text"), split("\u65e5\u672c\u8a9etext"));
    assertEquals(List.of(), split(" \t\n\u00a0\u200b"), "spaces and format characters are dropped");
  }
}
