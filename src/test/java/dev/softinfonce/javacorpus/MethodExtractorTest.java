package dev.softinfonce.javacorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MethodExtractorTest {
  @Test
  void testPathsAreWholeSegments() {
    assertTrue(MethodExtractor.isTestPath("src/test/java/p/A.java"));
    assertTrue(MethodExtractor.isTestPath("Tests/A.java"));
    assertFalse(MethodExtractor.isTestPath("com/google/common/testing/A.java"));
    assertFalse(MethodExtractor.isTestPath("p/Latest.java"));
  }

  @Test
  void englishHeuristicIsTheShareOfAsciiLetters() {
    assertTrue(MethodExtractor.isEnglish("Returns the value, or 42 if absent."));
    assertFalse(MethodExtractor.isEnglish("Возвращает текст в верхнем регистре."));
    // 2 of 15 letters are not ASCII: 0.87 < 0.95.
    assertFalse(MethodExtractor.isEnglish("Größe des Puffers"));
    // 1 of 36 letters: 0.97 passes.
    assertTrue(MethodExtractor.isEnglish("Returns the naïve estimate of the variance"));
    assertFalse(MethodExtractor.isEnglish("1 + 2 = 3"));
  }

  @Test
  void unparsableFileIsReportedNotThrown() {
    MethodExtractor.FileMethods r = new MethodExtractor().extract("p/Broken.java", "class Broken { void f( }");
    assertFalse(r.parsed());
    assertEquals(List.of(), r.methods());
  }

  @Test
  void chineseWithoutSpacesFailsOnTokenCountFirst() {
    String src = """
        class A {
          /** 返回给定文本的大写形式。 */
          String upper(String text) {
            return text.toUpperCase();
          }
        }
        """;
    JavaMethod m = new MethodExtractor().extract("A.java", src).methods().get(0);
    assertEquals(List.of("返回给定文本的大写形式。"), m.docstringTokens());
    assertEquals(CorpusFilter.DOCSTRING_SHORT, m.queryDrop());
    assertEquals(null, m.codeDrop());
    assertEquals(3, m.line()); // the declaration, not its Javadoc
    assertEquals(3, m.column());
  }
}
