package dev.softinfonce.javacorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.javaparser.ast.comments.JavadocComment;
import org.junit.jupiter.api.Test;

class JavadocSummaryTest {
  private static JavadocSummary summary(String content) {
    return JavadocSummary.of(new JavadocComment(content));
  }

  @Test
  void firstParagraphWithoutBlockTags() {
    assertEquals(new JavadocSummary("Reverses the text. Twice if asked.", false, false), summary("""
        *
         * Reverses the text.
         * Twice if asked.
         *
         * Second paragraph.
         * @param text the text
         """));
    assertEquals(new JavadocSummary("Reverses the text.", false, false),
        summary("* Reverses the text.\n * @return it\n * more"));
    assertEquals(new JavadocSummary("Leading paragraph tag kept apart.", false, false),
        summary("* <p>Leading paragraph tag kept apart.<p>Next paragraph.\n"));
    assertEquals(new JavadocSummary("Stops at a list:", false, false),
        summary("* Stops at a list:<ul><li>one</li></ul>"));
  }

  @Test
  void inlineTagsBecomeText() {
    assertEquals(new JavadocSummary("Counts the elements of a list & checks a<b> and Map.get(Object) it.", false, false),
        summary("* Counts the {@link java.util.List#size() elements} of a <b>list</b> &amp; <i>checks</i>"
            + " {@literal a<b>} and {@link Map#get(Object)} it."));
    assertEquals(new JavadocSummary("Calls size on this list.", false, false),
        summary("* Calls {@code size} on this {@linkplain #list() list}.{@inheritDoc}"));
    assertEquals(new JavadocSummary("", false, false), summary("* {@inheritDoc}"));
  }

  @Test
  void flagsUrlsAndHtmlLeftovers() {
    assertEquals(new JavadocSummary("Joins the parts; see the spec.", true, false),
        summary("* Joins the parts; see <a href=\"https://example.org/join\">the spec</a>."));
    assertEquals(new JavadocSummary("Shows an image of the value.", false, true),
        summary("* Shows an image <img src=\"x.png\"> of the value."));
    assertEquals(new JavadocSummary("Odd entity &foo; here.", false, true), summary("* Odd entity &foo; here."));
    // Only the first paragraph counts: a link further down does not spoil the docstring.
    assertEquals(new JavadocSummary("Plain first paragraph here.", false, false),
        summary("* Plain first paragraph here.\n *\n * See http://example.org for more."));
  }
}
